"""The embedded PostgreSQL 16 server: the binaries of the `pgserver` wheel, driven directly.

It behaves like the brief's container for any SQL client: it listens on 127.0.0.1 (port 5432
when free, else the next free one), user `postgres`, password `docker`, database `glofox`.
Its data, socket, log and port file live in `.glofox/postgres/` of the project, a folder only
the OS user running the project (and the server's user) may enter; the socket, like TCP,
asks for the password. PostgreSQL
refuses to run as root, so when started as root it runs as the system user `pgserver`
(created on first use, as the wheel itself does).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

from glofox import settings

SYSTEM_USER = "pgserver"


class ServerError(RuntimeError):
    """A problem starting or stopping the embedded server, with what to do about it."""


def bin_dir() -> Path:
    """The PostgreSQL 16 binaries of the pgserver wheel (found without importing it)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        raise ServerError("the pgserver wheel is not installed; run `make install`")
    return Path(spec.origin).parent / "pginstall" / "bin"


def pg_bin(name: str) -> str:
    return str(bin_dir() / name)


def home() -> Path:
    return settings.state_dir() / "postgres"


def data_dir() -> Path:
    return home() / "data"


def socket_dir() -> Path:
    return home() / "run"


def log_file() -> Path:
    return home() / "server.log"


def port_file() -> Path:
    return home() / "port"


def _as_root() -> bool:
    return os.geteuid() == 0


def _ensure_system_user() -> None:
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL binary, as the system user when we are root."""
    if _as_root():
        args = ["runuser", "-u", SYSTEM_USER, "--", *args]
    return subprocess.run(args, text=True, capture_output=True, **kwargs)


def _check_reachable() -> None:
    """The system user must be able to reach the binaries and the state folder."""
    probe = _run(["test", "-x", pg_bin("postgres")])
    if probe.returncode != 0:
        raise ServerError(
            f"the PostgreSQL binaries in {bin_dir()} are not reachable by the system user "
            f"'{SYSTEM_USER}' (a parent folder is not world-executable). Put the clone under a "
            "folder others can enter (e.g. /work or /opt), or point PGHOST/PGPORT at a server."
        )
    probe = _run(["test", "-w", str(home())])
    if probe.returncode != 0:
        raise ServerError(
            f"the system user '{SYSTEM_USER}' cannot write {home()}; a parent folder is not "
            "world-executable. Move the clone, or point PGHOST/PGPORT at another server."
        )


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(first: int = 5432, tries: int = 100) -> int:
    for port in range(first, first + tries):
        if _port_is_free(port):
            return port
    raise ServerError(f"no free TCP port in {first}..{first + tries - 1} on 127.0.0.1")


def is_running() -> bool:
    if not (data_dir() / "PG_VERSION").exists():
        return False
    status = _run([pg_bin("pg_ctl"), "-D", str(data_dir()), "status"])
    return status.returncode == 0


def running_port() -> int | None:
    """The port of the running embedded server, or None when it is not running."""
    if not is_running() or not port_file().exists():
        return None
    return int(port_file().read_text().strip())


def serves(conn: settings.Connection) -> bool:
    """Is conn this project's embedded server (also under `glofox exec`, which sets PGPORT)?"""
    if conn.host not in ("127.0.0.1", "localhost", "::1"):
        return False
    return running_port() == conn.port


def _restrict_access() -> None:
    """Only the OS user that runs the project (and the server's own user) may enter the state
    folder and its socket folder, and every connection, by socket or TCP, needs the password:
    pg_hba.conf of a cluster made before that trusted any local user on the socket."""
    for folder in (home(), socket_dir()):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    hba = data_dir() / "pg_hba.conf"
    if hba.exists():
        text = hba.read_text()
        lines = [
            re.sub(r"\btrust\s*$", "scram-sha-256", line)
            if not line.lstrip().startswith("#")
            else line
            for line in text.splitlines()
        ]
        hardened = "\n".join(lines) + "\n"
        if hardened != text:
            hba.write_text(hardened)


def _initdb() -> None:
    home().mkdir(parents=True, exist_ok=True)
    socket_dir().mkdir(exist_ok=True)
    pwfile = home() / ".pwfile"
    pwfile.write_text(settings.DEMO_PASSWORD + "\n")
    if _as_root():
        _ensure_system_user()
        user = pwd.getpwnam(SYSTEM_USER)
        for path in (home(), socket_dir(), pwfile):
            os.chown(path, user.pw_uid, user.pw_gid)
        _check_reachable()
    result = _run(
        [
            pg_bin("initdb"),
            "-D",
            str(data_dir()),
            "--username",
            settings.DEMO_USER,
            "--pwfile",
            str(pwfile),
            "--auth-local",
            "scram-sha-256",
            "--auth-host",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
        ]
    )
    pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise ServerError(f"initdb failed:\n{result.stdout}\n{result.stderr}")


def start() -> int:
    """Start the embedded server if it is not running; return its port."""
    port = running_port()
    if port is not None:
        return port
    if not (data_dir() / "PG_VERSION").exists():
        if data_dir().exists():
            shutil.rmtree(data_dir())
        _initdb()
    if _as_root():
        _ensure_system_user()
        _check_reachable()
    _restrict_access()
    port = choose_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={socket_dir()}"
        " -c unix_socket_permissions=0700"
    )
    result = _run(
        [
            pg_bin("pg_ctl"),
            "-D",
            str(data_dir()),
            "-l",
            str(log_file()),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ]
    )
    if result.returncode != 0:
        tail = log_file().read_text()[-2000:] if log_file().exists() else ""
        raise ServerError(f"pg_ctl start failed:\n{result.stdout}\n{result.stderr}\n{tail}")
    port_file().write_text(f"{port}\n")
    _wait_for_tcp(port)
    return port


def _wait_for_tcp(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise ServerError(f"the server did not accept TCP connections on 127.0.0.1:{port}")


def stop() -> bool:
    """Stop the embedded server; return False when it was not running."""
    if not is_running():
        return False
    result = _run([pg_bin("pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"])
    if result.returncode != 0:
        raise ServerError(f"pg_ctl stop failed:\n{result.stdout}\n{result.stderr}")
    return True
