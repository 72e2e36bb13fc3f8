"""Run dbt (or any command) with the project's connection in the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from glofox import settings


def command_env(conn: settings.Connection) -> dict[str, str]:
    root = settings.project_root()
    env = {
        **os.environ,
        **conn.env(),
        "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(root)),
        "DBT_PROJECT_DIR": os.environ.get("DBT_PROJECT_DIR", str(root)),
    }
    if "GLOFOX_DASHBOARD_READER" not in env:
        from glofox.dashboard import role

        # dbt grants the dashboard's relations to its role on each build (dbt_project.yml)
        # once the role exists on this server.
        if role.role_exists(conn):
            env["GLOFOX_DASHBOARD_READER"] = role.role_name()
    return env


def dbt_executable() -> str:
    """dbt from the same environment as this package, so `make` needs no activated venv."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run(args: list[str], conn: settings.Connection, check: bool = True) -> int:
    """Run a command with the connection variables set; return its exit code."""
    if args and args[0] == "dbt":
        args = [dbt_executable(), *args[1:]]
    elif args and "/" not in args[0] and Path(sys.executable).with_name(args[0]).exists():
        args = [str(Path(sys.executable).with_name(args[0])), *args[1:]]
    code = subprocess.run(args, env=command_env(conn), cwd=settings.project_root()).returncode
    if check and code != 0:
        raise SystemExit(code)
    return code
