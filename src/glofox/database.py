"""Bring the project's database up: server, `glofox` database, `setup.sql` loaded once."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import psycopg
from psycopg import sql

from glofox import embedded_postgres, settings

# setup.sql is made of self-contained sections (`-- >>> section: NAME` ... `-- <<< section: NAME`).
# A section counts as loaded when all of its tables exist; only missing sections are loaded, so
# the brief's own container (whose glofox tables its init script loaded) is never loaded over.
SECTION_TABLES: dict[str, tuple[str, ...]] = {
    "glofox": (
        "public.dim_branch",
        "public.dim_user",
        "public.fct_membership_purchases",
        "public.fct_credit_pack_purchases",
        "public.fct_client_conversion_events_part_2",
    ),
    # user-activity.md sources
    "app": ("app.users", "app.conversations", "app.messages", "app.payment_events"),
    # experiments.md source
    "experiments": ("app.experiment_assignments",),
}
SETUP_TABLES = tuple(table for tables in SECTION_TABLES.values() for table in tables)

# The brief's lead-conversion input tables and their columns (docs/rules.md, lead conversions),
# in table order: what the Spark loader copies and what the differential test fills.
LEAD_INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "dim_branch": ("branch_id", "name", "email", "city", "country", "timezone_id", "created_at"),
    "dim_user": ("user_id", "branch_id", "name", "email", "created_at"),
    "fct_membership_purchases": (
        "user_id",
        "branch_id",
        "membership_id",
        "membership_purchased_at",
        "created_at",
        "membership_purchase_details",
    ),
    "fct_credit_pack_purchases": (
        "user_id",
        "branch_id",
        "credit_pack_id",
        "credit_pack_purchased_at",
        "created_at",
        "credit_pack_purchase_details",
    ),
}


def one_line(error: BaseException) -> str:
    """An error's message on one line (libpq's messages span several)."""
    return "; ".join(part.strip() for part in str(error).splitlines() if part.strip())


def privilege_message(user: str, error: BaseException) -> str:
    return (
        f"glofox: the database user {user} lacks a privilege this step needs: "
        f"{one_line(error)}. Grant it, or set PGUSER/PGPASSWORD to a user that has it."
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
        home = embedded_postgres.home()
        log(f"Embedded PostgreSQL 16 is running: {conn.describe()} (data in {home})")
    ensure_database(conn)
    if load_setup:
        load_missing_sections(conn, log)
    return conn


def setup_sections(text: str) -> dict[str, str]:
    """The sections of setup.sql by name, in file order."""
    sections: dict[str, str] = {}
    current_name: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("-- >>> section: "):
            current_name = line.removeprefix("-- >>> section: ").split()[0]
            lines = [line]
        elif current_name and line.startswith(f"-- <<< section: {current_name}"):
            sections[current_name] = "".join([*lines, line])
            current_name = None
        elif current_name:
            lines.append(line)
    return sections


def load_missing_sections(conn: settings.Connection, log=print) -> list[str]:
    """Load each setup.sql section whose tables are missing; return the names loaded."""
    missing = set(missing_setup_tables(conn))
    path = settings.project_root() / "setup.sql"
    loaded = []
    for name, text in setup_sections(path.read_text(encoding="utf-8")).items():
        tables = SECTION_TABLES.get(name, ())
        if tables and not missing.intersection(tables):
            continue
        log(f"Loading setup.sql section '{name}' into {conn.database} ...")
        with tempfile.NamedTemporaryFile("w", suffix=".sql", encoding="utf-8") as part:
            part.write(text)
            part.flush()
            load_sql_file(conn, part.name)
        loaded.append(name)
    if not loaded:
        log(f"setup.sql is already loaded in {conn.database}.")
    return loaded


def ensure_database(conn: settings.Connection) -> None:
    try:
        with psycopg.connect(conn.conninfo(database="postgres"), autocommit=True) as admin:
            exists = admin.execute(
                "select 1 from pg_database where datname = %s", (conn.database,)
            ).fetchone()
            if not exists:
                admin.execute(sql.SQL("create database {}").format(sql.Identifier(conn.database)))
    except psycopg.Error as error:
        if error.sqlstate == "42501":  # no CONNECT on `postgres`, or no CREATEDB
            raise SystemExit(privilege_message(conn.user, error)) from error
        if isinstance(error, psycopg.OperationalError):
            raise SystemExit(
                f"glofox: cannot connect to {conn.describe()}: {one_line(error)}. Check "
                "PGHOST/PGPORT/PGUSER/PGPASSWORD, or unset PGHOST and PGPORT to use the "
                "embedded server."
            ) from error
        raise


def require_database(conn: settings.Connection) -> None:
    """Stop with a message when conn's database does not exist on its server."""
    try:
        with psycopg.connect(conn.conninfo(database="postgres"), connect_timeout=10) as admin:
            exists = admin.execute(
                "select 1 from pg_database where datname = %s", (conn.database,)
            ).fetchone()
    except psycopg.Error:
        return  # the command itself reports an unreachable server in its own words
    if not exists:
        raise SystemExit(
            f"glofox: database {conn.database} does not exist on {conn.host}:{conn.port}. "
            "Check PGDATABASE, or create it with `glofox db start` (which also loads setup.sql)."
        )


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
