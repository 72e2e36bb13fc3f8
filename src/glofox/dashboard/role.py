"""The dashboard's read-only PostgreSQL role: it reads what the dashboard shows, nothing else.

Who creates it:
  - on the embedded server, `make run` (glofox.pipeline) and `glofox dashboard` create or refresh
    it (idempotent); its password is GLOFOX_DASHBOARD_PASSWORD, else a random one generated once
    and kept in .glofox/postgres/dashboard_password (readable by the OS user only);
  - on any other server (PGHOST/PGPORT), nothing is created unless asked for: by
    `glofox dashboard --grant-only` or by GLOFOX_DASHBOARD_CREATE_ROLE=1, and then the password
    must come from GLOFOX_DASHBOARD_PASSWORD. Without either, `glofox dashboard` connects as the
    role GLOFOX_DASHBOARD_USER / GLOFOX_DASHBOARD_PASSWORD names (made by the server's admin).

What it may do:
  - log in, no superuser / createdb / createrole / replication / bypassrls; role-level defaults
    make every transaction read-only with a statement timeout;
  - CONNECT on the project's database only, no TEMP there (temporary tables or functions) and,
    on the embedded server, no CONNECT on any other database; no CREATE on any schema;
  - USAGE on the schemas marts and audit, and SELECT on exactly the relations the dashboard
    reads (the exposures of models/exposures.yml). dbt grants these itself on every build
    (`grants` in dbt_project.yml, grantee GLOFOX_DASHBOARD_READER, which glofox sets when the
    role exists), so a rebuilt relation keeps them in the same transaction;
  - nothing else: raw tables (public.*, app.*), staging, intermediate, the audit lists (raw
    payment documents) and the columns the dashboard does not show (branch e-mails) stay
    unreadable; tests/python/test_dashboard_role.py checks it.
"""

from __future__ import annotations

import os
import secrets

import psycopg
from psycopg import sql

from glofox import embedded_postgres, settings

DEFAULT_ROLE = "glofox_dashboard"
READABLE_SCHEMAS = ("marts", "audit")
STATEMENT_TIMEOUT = "60s"
# Serialises concurrent ensure() calls (parallel test modules, `make run` beside a test run).
_LOCK_KEY = 5_202_605
_TRUE = {"1", "true", "yes", "on"}


def role_name() -> str:
    return os.environ.get("GLOFOX_DASHBOARD_USER", DEFAULT_ROLE)


def _password_file():
    return embedded_postgres.home() / "dashboard_password"


def role_password(embedded: bool = True) -> str:
    """GLOFOX_DASHBOARD_PASSWORD; on the embedded server a random one kept in its state folder."""
    password = os.environ.get("GLOFOX_DASHBOARD_PASSWORD")
    if password:
        return password
    if not embedded:
        raise SystemExit(
            "glofox: set GLOFOX_DASHBOARD_PASSWORD (and GLOFOX_DASHBOARD_USER) to the password "
            "of the dashboard's read-only role on this server; it is never stored in the "
            "repository."
        )
    path = _password_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def creation_requested(embedded: bool) -> bool:
    """May glofox create the role here? Always on the embedded server, else only when asked."""
    if embedded:
        return True
    return os.environ.get("GLOFOX_DASHBOARD_CREATE_ROLE", "").strip().lower() in _TRUE


def app_connection(conn: settings.Connection, embedded: bool | None = None) -> settings.Connection:
    """The same server and database as `conn`, as the dashboard role."""
    if embedded is None:
        embedded = embedded_postgres.serves(conn)
    password = role_password(embedded)
    return settings.Connection(conn.host, conn.port, role_name(), password, conn.database)


def app_connection_for_dashboard(conn: settings.Connection) -> settings.Connection:
    """`glofox dashboard`: create/refresh the role where allowed, else use the one configured."""
    if creation_requested(embedded_postgres.serves(conn)):
        return ensure(conn)
    return app_connection(conn, embedded=False)


def role_exists(conn: settings.Connection) -> bool:
    try:
        with psycopg.connect(conn.conninfo(), connect_timeout=10) as db:
            found = db.execute("select 1 from pg_roles where rolname = %s", (role_name(),))
            return found.fetchone() is not None
    except psycopg.Error:
        return False


def ensure(
    conn: settings.Connection,
    log=print,
    requested: bool = False,
    embedded: bool | None = None,
) -> settings.Connection | None:
    """Create or update the role and its rights in conn's database; return the app's connection
    (None when nothing was created).

    Does nothing on another server (`embedded` False; default: is conn the embedded server?)
    unless `requested` (a command asked) or GLOFOX_DASHBOARD_CREATE_ROLE is set."""
    if embedded is None:
        embedded = embedded_postgres.serves(conn)
    if not (requested or creation_requested(embedded)):
        log(
            f"  dashboard role: not created on {conn.host}:{conn.port} (not the embedded "
            "server); `glofox dashboard --grant-only` or GLOFOX_DASHBOARD_CREATE_ROLE=1 creates it"
        )
        return None
    role = sql.Identifier(role_name())
    try:
        _ensure_role(conn, role, embedded)
        _ensure_rights(conn, role)
    except psycopg.errors.InsufficientPrivilege as error:
        raise SystemExit(
            f"glofox: {conn.user} may not create roles or grant on {conn.database}: "
            f"{str(error).strip()}. Run as a user with CREATEROLE (e.g. postgres), or create the "
            f"role {role_name()} by hand with the rights README's Security section lists."
        ) from error
    log(
        f"  dashboard role {role_name()}: read-only, the dashboard's relations of "
        f"{conn.database} only"
    )
    return app_connection(conn, embedded)


def _ensure_role(conn: settings.Connection, role: sql.Identifier, embedded: bool) -> None:
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
                "nobypassrls noinherit password {}"
            ).format(role, sql.Literal(role_password(embedded)))
        )
        # Role-level defaults, set by the admin: the role's sessions start read-only and with
        # a timeout. It holds no write right anywhere, so even a read-write session of its own
        # can change nothing (tests/python/test_dashboard_role.py).
        for name, value in (
            ("default_transaction_read_only", "on"),
            ("statement_timeout", STATEMENT_TIMEOUT),
            ("idle_in_transaction_session_timeout", STATEMENT_TIMEOUT),
        ):
            db.execute(
                sql.SQL("alter role {} set {} = {}").format(
                    role, sql.Identifier(name), sql.Literal(value)
                )
            )
        if embedded:
            # The embedded server is the project's own: no database but the dashboard's is
            # open to roles that were not granted it.
            databases = db.execute(
                "select datname from pg_database where datallowconn and datname <> %s",
                (conn.database,),
            ).fetchall()
            for (name,) in databases:
                db.execute(
                    sql.SQL("revoke connect, temporary on database {} from public").format(
                        sql.Identifier(name)
                    )
                )


def _ensure_rights(conn: settings.Connection, role: sql.Identifier) -> None:
    database = sql.Identifier(conn.database)
    with psycopg.connect(conn.conninfo(), autocommit=True) as db, db.transaction():
        db.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        db.execute(sql.SQL("grant connect on database {} to {}").format(database, role))
        # TEMP is PUBLIC's by default; the dashboard needs none. The user running the project
        # (dbt's incremental models use temporary tables) keeps it by a grant of its own.
        db.execute(sql.SQL("grant temporary on database {} to current_user").format(database))
        db.execute(
            sql.SQL("revoke temporary on database {} from public, {}").format(database, role)
        )
        db.execute(sql.SQL("revoke create on schema public from public, {}").format(role))
        for name in READABLE_SCHEMAS:
            schema = sql.Identifier(name)
            # dbt creates these schemas too; creating them first lets dbt's grants find them.
            db.execute(sql.SQL("create schema if not exists {}").format(schema))
            db.execute(sql.SQL("grant usage on schema {} to {}").format(schema, role))
            db.execute(sql.SQL("revoke create on schema {} from public, {}").format(schema, role))
            # Earlier versions granted every relation of these schemas: take that back; dbt's
            # grants (dbt_project.yml) give exactly the dashboard's relations on each build.
            db.execute(
                sql.SQL(
                    "alter default privileges in schema {} revoke select on tables from {}"
                ).format(schema, role)
            )
        _grant_dashboard_relations(db, role)


def _grant_dashboard_relations(db: psycopg.Connection, role: sql.Identifier) -> None:
    """Now, for relations dbt already built: SELECT on the dashboard's relations, revoked on the
    rest of the two schemas (dbt does the same on every build from dbt_project.yml)."""
    from glofox.dashboard import relations

    readable = relations.dashboard_relations()
    rows = db.execute(
        "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = any(%s) and c.relkind in ('r', 'v', 'm', 'p', 'f')",
        (list(READABLE_SCHEMAS),),
    ).fetchall()
    for schema, name in rows:
        target = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))
        db.execute(sql.SQL("revoke all on {} from {}").format(target, role))
        columns = readable.get(name)
        if columns is None:
            continue
        if columns:
            db.execute(
                sql.SQL("grant select ({}) on {} to {}").format(
                    sql.SQL(", ").join(sql.Identifier(c) for c in columns), target, role
                )
            )
        else:
            db.execute(sql.SQL("grant select on {} to {}").format(target, role))
