"""The dashboard's read-only PostgreSQL role: it can read the marts and audit schemas, nothing else.

`make run` (glofox.pipeline) and `glofox dashboard` call `ensure()`; it is idempotent:
  - the role (default `glofox_dashboard`, env GLOFOX_DASHBOARD_USER) exists, can log in, has the
    password of env GLOFOX_DASHBOARD_PASSWORD (local demo default below, not a secret), is no
    superuser, and every transaction it opens is read-only;
  - in the project's database it has USAGE on the schemas `marts` and `audit` and SELECT on
    every table and view in them, now and (through default privileges of the role that runs
    dbt) on every relation dbt creates there later, so a rebuild keeps the grants;
  - nothing else is granted: raw tables (public.*, app.*) and the staging / intermediate
    schemas stay unreadable, which tests/python/test_dashboard_role.py checks.
"""

from __future__ import annotations

import os

import psycopg
from psycopg import sql

from glofox import settings

DEFAULT_ROLE = "glofox_dashboard"
DEFAULT_PASSWORD = "glofox_dashboard_local"  # local demo password, like the brief's 'docker'
READABLE_SCHEMAS = ("marts", "audit")
# Serialises concurrent ensure() calls (parallel test modules, `make run` beside a test run).
_LOCK_KEY = 5_202_605


def role_name() -> str:
    return os.environ.get("GLOFOX_DASHBOARD_USER", DEFAULT_ROLE)


def role_password() -> str:
    return os.environ.get("GLOFOX_DASHBOARD_PASSWORD", DEFAULT_PASSWORD)


def app_connection(conn: settings.Connection) -> settings.Connection:
    """The same server and database as `conn`, as the dashboard role."""
    return settings.Connection(conn.host, conn.port, role_name(), role_password(), conn.database)


def ensure(conn: settings.Connection, log=print) -> settings.Connection:
    """Create or update the role and its grants in conn's database; return the app's connection."""
    role = sql.Identifier(role_name())
    try:
        _ensure_role(conn, role)
        _ensure_grants(conn, role)
    except psycopg.errors.InsufficientPrivilege as error:
        raise SystemExit(
            f"glofox: {conn.user} may not create roles or grant on {conn.database}: {error}\n"
            f"Run as a user with CREATEROLE (e.g. postgres), or create the role {role_name()} "
            f"by hand and grant it SELECT on the schemas {', '.join(READABLE_SCHEMAS)}."
        ) from error
    log(
        f"  dashboard role {role_name()}: read-only on schemas {', '.join(READABLE_SCHEMAS)} "
        f"of {conn.database}"
    )
    return app_connection(conn)


def _ensure_role(conn: settings.Connection, role: sql.Identifier) -> None:
    # Roles are cluster-wide: take the lock in the `postgres` database so that ensure() calls
    # for different databases of the same server do not race on the role itself.
    admin = psycopg.connect(conn.conninfo(database="postgres"), autocommit=True)
    with admin as db, db.transaction():
        db.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        exists = db.execute("select 1 from pg_roles where rolname = %s", (role_name(),)).fetchone()
        if not exists:
            db.execute(sql.SQL("create role {} login").format(role))
        db.execute(
            sql.SQL(
                "alter role {} with login nosuperuser nocreatedb nocreaterole noreplication "
                "password {}"
            ).format(role, sql.Literal(role_password()))
        )
        db.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(role))
        db.execute(sql.SQL("alter role {} set statement_timeout = '60s'").format(role))


def _ensure_grants(conn: settings.Connection, role: sql.Identifier) -> None:
    with psycopg.connect(conn.conninfo(), autocommit=True) as db, db.transaction():
        db.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        db.execute(
            sql.SQL("grant connect on database {} to {}").format(
                sql.Identifier(conn.database), role
            )
        )
        for name in READABLE_SCHEMAS:
            schema = sql.Identifier(name)
            # dbt creates these schemas too; creating them first lets the default
            # privileges below be in place before the first build.
            db.execute(sql.SQL("create schema if not exists {}").format(schema))
            db.execute(sql.SQL("grant usage on schema {} to {}").format(schema, role))
            db.execute(
                sql.SQL("grant select on all tables in schema {} to {}").format(schema, role)
            )
            db.execute(
                sql.SQL(
                    "alter default privileges in schema {} grant select on tables to {}"
                ).format(schema, role)
            )
