"""Bring the project's database up: server, `glofox` database, `setup.sql` loaded once."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
from psycopg import sql

from glofox import embedded_postgres, settings

# The tables setup.sql creates. A database holding all of them counts as loaded, so the
# brief's own container (loaded by its init script) is never reloaded over.
SETUP_TABLES = (
    "public.dim_branch",
    "public.dim_user",
    "public.fct_membership_purchases",
    "public.fct_credit_pack_purchases",
    "public.fct_client_conversion_events_part_2",
    # user-activity.md sources (the app section of setup.sql)
    "app.users",
    "app.conversations",
    "app.messages",
    "app.payment_events",
)


def current() -> settings.Connection:
    """The connection in use; starts nothing. For the embedded server it must be running."""
    if settings.uses_external_server():
        return settings.connection()
    port = embedded_postgres.running_port()
    if port is None:
        raise SystemExit(
            "glofox: the embedded PostgreSQL is not running. Run `make run` (or `glofox db start`),"
            " or set PGHOST/PGPORT to use another server."
        )
    return settings.connection(embedded_port=port)


def connect(conn: settings.Connection | None = None, **kwargs) -> psycopg.Connection:
    conn = conn or current()
    return psycopg.connect(conn.conninfo(), **kwargs)


def up(load_setup: bool = True, log=print) -> settings.Connection:
    """Start (or find) the server, create the database, load setup.sql when it is not loaded."""
    if settings.uses_external_server():
        conn = settings.connection()
        log(f"Using the PostgreSQL server from the libpq variables: {conn.describe()}")
    else:
        try:
            port = embedded_postgres.start()
        except embedded_postgres.ServerError as error:
            raise SystemExit(f"glofox: {error}") from error
        conn = settings.connection(embedded_port=port)
        log(f"Embedded PostgreSQL 16 is running: {conn.describe()} (data in {embedded_postgres.home()})")
    ensure_database(conn)
    if load_setup:
        missing = missing_setup_tables(conn)
        if missing:
            log(f"Loading setup.sql into {conn.database} (missing: {', '.join(missing)}) ...")
            load_sql_file(conn, settings.project_root() / "setup.sql")
        else:
            log(f"setup.sql is already loaded in {conn.database}.")
    return conn


def ensure_database(conn: settings.Connection) -> None:
    try:
        with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
            exists = admin.execute(
                "select 1 from pg_database where datname = %s", (conn.database,)
            ).fetchone()
            if not exists:
                admin.execute(sql.SQL("create database {}").format(sql.Identifier(conn.database)))
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"glofox: cannot connect to {conn.describe()}: {error}\n"
            "Check PGHOST/PGPORT/PGUSER/PGPASSWORD, or unset PGHOST and PGPORT to use the "
            "embedded server."
        ) from error


def missing_setup_tables(conn: settings.Connection) -> list[str]:
    with connect(conn) as db:
        return [
            name
            for name in SETUP_TABLES
            if db.execute("select to_regclass(%s)", (name,)).fetchone()[0] is None
        ]


def psql_command() -> str:
    """psql from the pgserver wheel (PostgreSQL 16), else the one on PATH."""
    try:
        return embedded_postgres.pg_bin("psql")
    except embedded_postgres.ServerError:
        return "psql"


def load_sql_file(conn: settings.Connection, path: os.PathLike) -> None:
    """Run a SQL file with psql, stopping at the first error, as the brief's container would."""
    result = subprocess.run(
        [psql_command(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)],
        env={**os.environ, **conn.env()},
        text=True,
        capture_output=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"glofox: loading {path} failed (psql exit {result.returncode}).")
