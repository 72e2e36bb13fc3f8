"""What goes wrong around a command ends in one line that says what to do, never a traceback:
a bad PGPORT, a password with spaces or quotes (never printed), a user without the privileges a
step needs, a busy dashboard port (the message names the setting that changes it), an unknown
database in `glofox exec`; `glofox dbt --help` answers; `glofox dashboard` stops Streamlit when
it gets SIGTERM. Each runs the real `glofox` command against the project's real server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from psycopg import sql

from harness import PROJECT_ROOT, server


def glofox(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    full = {**os.environ, "GLOFOX_PROJECT_DIR": str(PROJECT_ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "glofox.cli", *args],
        env=full,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def external(**values: str) -> dict[str, str]:
    conn = server()
    return {"PGHOST": conn.host, "PGPORT": str(conn.port), **values}


def test_a_bad_pgport_is_one_line_naming_pgport() -> None:
    for value in ("abc", "0", "70000"):
        result = glofox("db", "url", env={"PGHOST": "127.0.0.1", "PGPORT": value})
        assert_one_line_error(result, "PGPORT", value)


@pytest.mark.parametrize("password", ["with space", "quo'te", "a=b host=elsewhere"])
def test_a_password_with_special_characters_is_refused_cleanly_and_never_printed(password):
    result = glofox("db", "start", "--no-setup", env=external(PGPASSWORD=password))
    line = assert_one_line_error(result, "password authentication failed")
    assert password not in result.stdout + result.stderr
    assert "elsewhere" not in line


@pytest.fixture
def weak_user():
    name, password = "glofox_test_weak", "weak pass'word"
    conn = server()
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("create role {} login password {}").format(
                sql.Identifier(name), sql.Literal(password)
            )
        )
    yield name, password
    with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def test_a_user_without_privileges_gets_one_line(weak_user) -> None:
    name, password = weak_user
    env = external(PGUSER=name, PGPASSWORD=password, PGDATABASE="glofox_test_weak_db")
    result = glofox("db", "start", env=env)
    assert_one_line_error(result, name, "privilege", "PGUSER")


def test_a_busy_dashboard_port_names_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = glofox("dashboard", "--port", str(port), timeout=60)
    assert_one_line_error(result, str(port), "--port", "DASHBOARD_PORT")


def test_an_unknown_database_in_exec_is_one_line() -> None:
    result = glofox("exec", "--", "true", env=external(PGDATABASE="glofox_test_no_such_db"))
    assert_one_line_error(result, "glofox_test_no_such_db", "PGDATABASE")


def test_dbt_help_answers() -> None:
    for args in (("dbt", "--help"), ("dbt", "build", "--help")):
        result = glofox(*args)
        assert result.returncode == 0, result.stderr
        assert "dbt" in result.stdout and "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_stops_the_dashboard_and_streamlit(tmp_path) -> None:
    port = _free_port()
    log = (tmp_path / "dashboard.log").open("w")
    env = {**os.environ, "GLOFOX_PROJECT_DIR": str(PROJECT_ROOT)}
    app = subprocess.Popen(
        [sys.executable, "-m", "glofox.cli", "dashboard", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert app.poll() is None, (tmp_path / "dashboard.log").read_text()
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            raise AssertionError("the dashboard did not come up")
        app.send_signal(signal.SIGTERM)  # to glofox only, as a service manager would
        assert app.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while _port_open(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _port_open(port), "Streamlit still listens after glofox got SIGTERM"
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGKILL)
        log.close()
