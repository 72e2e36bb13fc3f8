"""Shared test harness: scratch databases on the project's real PostgreSQL, and dbt runs on them.

Tests never mock the database. Each test module that builds the project takes its own
scratch database (`glofox_test_<name>`) on the same server `make test` uses (embedded, or the
one PGHOST/PGPORT name), loads data into it, runs dbt against it and reads what dbt built.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from glofox import database, settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# A rule id (L9, A10, E5, D2): they belong in the models, tests and docs (docs/rules.md), never
# in what a user reads (`--help`, messages, the report, the dashboard), which says it in words.
RULE_CODE = re.compile(r"\b[LAED][0-9]{1,2}\b")


def rule_codes(text: str) -> list[str]:
    """The rule ids in `text`, sorted, each once."""
    return sorted({match.group(0) for match in RULE_CODE.finditer(text)})


def server() -> settings.Connection:
    """The project's server (it must be up: `glofox db start`, as `make test` does)."""
    return database.current()


@contextlib.contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# Scratch databases are named <prefix>_<name>; another prefix (GLOFOX_TEST_DATABASE_PREFIX, e.g.
# glofox_dash_test) lets two people run the tests side by side on one server.
DEFAULT_PREFIX = "glofox_test"


class ScratchDatabase:
    """A database created empty for one test module, on the project's server."""

    def __init__(self, name: str):
        base = server()
        prefix = os.environ.get("GLOFOX_TEST_DATABASE_PREFIX") or DEFAULT_PREFIX
        self.name = f"{prefix}_{name}"
        self.conn = settings.Connection(base.host, base.port, base.user, base.password, self.name)
        folder = name if prefix == DEFAULT_PREFIX else f"{prefix}_{name}"
        self.target_path = PROJECT_ROOT / "target" / "tests" / folder
        self.recreate()

    def recreate(self) -> None:
        with psycopg.connect(self.conn.conninfo(database="postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(self.name))
            )
            admin.execute(sql.SQL("create database {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        with psycopg.connect(self.conn.conninfo(database="postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(self.name))
            )

    def connect(self, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(self.conn.conninfo(), **kwargs)

    def execute(self, statement: str, params: Sequence[Any] | None = None) -> None:
        with self.connect(autocommit=True) as db:
            db.execute(statement, params)

    def query(self, statement: str, params: Sequence[Any] | None = None) -> list[tuple]:
        with self.connect() as db:
            return db.execute(statement, params).fetchall()

    def load_sql_file(self, path: os.PathLike) -> None:
        database.load_sql_file(self.conn, path)

    def dbt_env(self) -> dict[str, str]:
        return {
            **self.conn.env(),
            "DBT_PROFILES_DIR": str(PROJECT_ROOT),
            "DBT_TARGET_PATH": str(self.target_path),
            "DBT_LOG_PATH": str(self.target_path / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def dbt(self, *args: str, vars: dict[str, Any] | None = None, check: bool = True):
        """Run dbt in-process against this database; raise with dbt's log tail when it fails."""
        from dbt.cli.main import dbtRunner

        argv = [*args, "--project-dir", str(PROJECT_ROOT), "--quiet"]
        if vars:
            import json

            argv += ["--vars", json.dumps(vars)]
        with patched_environ(self.dbt_env()):
            result = dbtRunner().invoke(argv)
        if check and not result.success:
            raise AssertionError(
                f"dbt {' '.join(args)} failed on {self.name}: {result.exception or ''}\n"
                f"{_failures(result)}"
            )
        return result


def _failures(result) -> str:
    lines = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower() in {"error", "fail"}:
            lines.append(f"- {node_result.node.unique_id}: {status}: {node_result.message}")
    return "\n".join(lines)
