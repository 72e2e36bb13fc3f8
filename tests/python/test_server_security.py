"""The embedded server lets in only the OS user that runs the project, and only with the
password: its state and socket folders are closed to other OS users, the socket asks for the
password as TCP does, and TCP listens on 127.0.0.1 only. Connection values (a password with
spaces, quotes or `=`) travel quoted: they can neither break a command nor add parameters.
"""

from __future__ import annotations

import os
import stat
import subprocess

import psycopg
import pytest

from glofox import embedded_postgres, settings
from harness import server

OTHER_OS_USER = "nobody"


def embedded() -> settings.Connection:
    conn = server()
    if not embedded_postgres.serves(conn):
        pytest.skip("the embedded server is not the one in use (PGHOST/PGPORT name another)")
    return conn


def psql_as(os_user: str, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PGCONNECT_TIMEOUT": "5"}
    command = [embedded_postgres.pg_bin("psql"), "-X", "-w", "-At", *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", os_user, "--", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)


def test_state_and_socket_folders_are_closed_to_other_users() -> None:
    embedded()
    for folder in (embedded_postgres.home(), embedded_postgres.socket_dir()):
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode & 0o077 == 0, f"{folder} is open to others: {oct(mode)}"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another OS user")
def test_another_os_user_cannot_connect_through_the_socket() -> None:
    conn = embedded()
    socket = str(embedded_postgres.socket_dir())
    result = psql_as(
        OTHER_OS_USER,
        "-h",
        socket,
        "-p",
        str(conn.port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        "select 1",
    )
    assert result.returncode != 0
    assert "1" not in result.stdout.split()


def test_the_socket_asks_for_the_password() -> None:
    conn = embedded()
    socket = str(embedded_postgres.socket_dir())
    # The server's own OS user reaches the socket folder, but without a password gets nowhere.
    as_user = embedded_postgres.SYSTEM_USER if os.geteuid() == 0 else os.environ.get("USER", "")
    result = psql_as(
        as_user,
        "-h",
        socket,
        "-p",
        str(conn.port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        "select 1",
    )
    assert result.returncode != 0
    assert "password" in result.stderr


def test_tcp_listens_on_loopback_only_and_needs_the_password() -> None:
    conn = embedded()
    with psycopg.connect(conn.conninfo()) as db:
        assert db.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"
    nopassword = settings.Connection(conn.host, conn.port, conn.user, "", conn.database)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(nopassword.conninfo(), connect_timeout=5).close()


@pytest.mark.parametrize(
    "password", ["with space", "it's", "a=b", "x' host=evil", "back\\slash", "ünï €"]
)
def test_any_password_is_passed_as_it_is(password: str) -> None:
    conn = server()
    odd = settings.Connection(conn.host, conn.port, conn.user, password, conn.database)
    info = psycopg.conninfo.conninfo_to_dict(odd.conninfo())
    assert info["password"] == password and info["host"] == conn.host
    # A wrong password is refused for what it is, never mistaken for other parameters.
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(odd.conninfo(), connect_timeout=5).close()
