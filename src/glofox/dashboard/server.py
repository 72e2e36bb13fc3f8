"""`glofox dashboard`: serve the Streamlit app against the database `make run` built."""

from __future__ import annotations

import os
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


def serve(port: int = DEFAULT_PORT, address: str = "127.0.0.1") -> int:
    print("[1/2] Database and the dashboard's read-only role")
    conn = database.up(load_setup=False)
    app_conn = role.ensure(conn)
    print(f"[2/2] Dashboard on http://{address}:{port}  (reads {conn.database}; Ctrl-C stops it)")
    try:
        return subprocess.call(streamlit_command(port, address), env=app_environment(app_conn))
    except KeyboardInterrupt:
        return 0
