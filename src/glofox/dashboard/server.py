"""`glofox dashboard`: serve the Streamlit app against the database `make run` built."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from glofox import database, settings
from glofox.dashboard import role

DEFAULT_PORT = 8501
APP = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
    ]


def app_environment(app_conn: settings.Connection) -> dict[str, str]:
    """The app's environment: the libpq variables of the read-only role, never the admin's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(app_conn.env())
    env["GLOFOX_PROJECT_DIR"] = str(settings.project_root())
    env["PYTHONUNBUFFERED"] = "1"
    return env


def check_port_free(port: int, address: str) -> None:
    """Stop with a message naming the setting that changes the port when it is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((address, port))
        except OSError as error:
            raise SystemExit(
                f"glofox dashboard: cannot listen on {address}:{port} ({error.strerror}). "
                f"Another program uses it: choose another port with `glofox dashboard --port N` "
                f"or `make dashboard DASHBOARD_PORT=N`."
            ) from None


def serve(port: int = DEFAULT_PORT, address: str = "127.0.0.1") -> int:
    check_port_free(port, address)
    print("[1/2] Database and the dashboard's read-only role")
    conn = database.up(load_setup=False)
    app_conn = role.app_connection_for_dashboard(conn)
    print(f"[2/2] Dashboard on http://{address}:{port}  (reads {conn.database}; Ctrl-C stops it)")
    app = subprocess.Popen(streamlit_command(port, address), env=app_environment(app_conn))

    def stop_app(signum: int, _frame) -> None:
        # SIGTERM (a service manager, `kill`) stops Streamlit too, so its port is freed.
        app.terminate()

    previous = signal.signal(signal.SIGTERM, stop_app)
    try:
        code = app.wait()
    except KeyboardInterrupt:
        app.terminate()
        code = 0
    finally:
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
        signal.signal(signal.SIGTERM, previous)
    return 0 if code in (0, -signal.SIGTERM) else code
