"""The dashboard's role reads the relations the dashboard shows, and nothing else.

A scratch database gets setup.sql, the sample payment stream and a dbt run, so every schema
the project has is there (public and app raw tables, staging, intermediate, seeds, marts,
audit). The role of glofox.dashboard.role must be able to read every relation the dashboard's
exposures list (and of dim_branches only the columns it shows), must be refused on every other
one, must not write, create temporary objects or functions, nor connect to another database,
and must keep its grants when dbt rebuilds a relation (dbt grants them, dbt_project.yml).
On a server that is not the embedded one, nothing is created unless asked for.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from glofox import embedded_postgres, payments_loader, settings
from glofox.dashboard import relations, role
from harness import PROJECT_ROOT, ScratchDatabase, patched_environ

SCHEMAS = {*role.READABLE_SCHEMAS, "public", "app", "staging", "intermediate", "seeds"}
DASHBOARD = relations.dashboard_relations()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("dashboard_role")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    rejects = Path(tmp_path_factory.mktemp("payments")) / "rejects.jsonl"
    payments_loader.load_file(
        db.conn, payments_loader.sample_file(), rejects_path=rejects, progress=False
    )
    db.dbt("seed")
    db.dbt("run", vars={"as_of_date": "2026-03-31"})
    role.ensure(db.conn, log=lambda _line: None)
    # dbt grants the dashboard's relations when the role is named (glofox sets it).
    with patched_environ({"GLOFOX_DASHBOARD_READER": role.role_name()}):
        db.dbt("run", "--select", "tag:dashboard", vars={"as_of_date": "2026-03-31"})
    yield db
    db.drop()


def relations_in(db: ScratchDatabase, schemas: set[str]) -> list[tuple[str, str]]:
    return db.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema = any(%s) order by 1, 2",
        (sorted(schemas),),
    )


def app_connect(db: ScratchDatabase) -> psycopg.Connection:
    app: settings.Connection = role.app_connection(db.conn)
    return psycopg.connect(app.conninfo(), autocommit=True)


def can_select(
    connection: psycopg.Connection, schema: str, name: str, columns: tuple[str, ...] = ("*",)
) -> bool:
    selected = (
        sql.SQL("*")
        if columns == ("*",)
        else sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    try:
        connection.execute(
            sql.SQL("select {} from {}.{} limit 1").format(
                selected, sql.Identifier(schema), sql.Identifier(name)
            )
        ).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


def test_role_reads_exactly_the_dashboards_relations(built: ScratchDatabase) -> None:
    every = relations_in(built, SCHEMAS)
    # The exposures name what the pages read, the dashboard's own relations among them.
    assert {"fct_lead_conversions", "dash_lead_members", "metrics_30d"} <= set(DASHBOARD)
    assert {n for _, n in every} >= set(DASHBOARD)
    with app_connect(built) as connection:
        readable = {n for s, n in every if can_select(connection, s, n, DASHBOARD.get(n) or ("*",))}
    assert readable == set(DASHBOARD)


def test_role_cannot_read_raw_audit_lists_or_hidden_columns(built: ScratchDatabase) -> None:
    every = set(relations_in(built, SCHEMAS))
    # Raw tables, the audit lists (raw payment documents), staging: all refused.
    for name in [("public", "dim_user"), ("app", "payment_events")]:
        assert name in every
    assert ("audit", "audit_app__documents_set_aside") in every
    with app_connect(built) as connection:
        assert not can_select(connection, "app", "payment_events")
        assert not can_select(connection, "audit", "audit_app__documents_set_aside")
        assert not can_select(connection, "marts", "dim_branches")  # select *: e-mail too
        assert not can_select(connection, "marts", "dim_branches", ("email",))
        assert can_select(connection, "marts", "dim_branches", ("branch_id", "branch_name"))


def test_role_cannot_write_or_create(built: ScratchDatabase) -> None:
    with app_connect(built) as connection:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute("delete from marts.fct_lead_conversions")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute("create table public.dashboard_was_here (x int)")
        # Even when it asks for a read-write transaction, it holds no write privilege.
        connection.execute("set default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("delete from marts.fct_lead_conversions")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("create table marts.dashboard_was_here (x int)")


def test_role_is_not_privileged(built: ScratchDatabase) -> None:
    flags = built.query(
        "select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolcanlogin "
        "from pg_roles where rolname = %s",
        (role.role_name(),),
    )
    assert flags == [(False, False, False, False, True)]


def test_grants_survive_a_rebuild_and_ensure_is_idempotent(built: ScratchDatabase) -> None:
    # A full refresh replaces the tables (new relations): dbt grants them again.
    oids = "select cast(to_regclass('marts.dim_branches') as oid)"
    before = built.query(oids)
    with patched_environ({"GLOFOX_DASHBOARD_READER": role.role_name()}):
        built.dbt(
            "run",
            "--full-refresh",
            "--select",
            "dim_branches",
            "fct_lead_conversions",
            vars={"as_of_date": "2026-03-31"},
        )
    assert built.query(oids) != before
    with app_connect(built) as connection:
        assert can_select(connection, "marts", "dim_branches", DASHBOARD["dim_branches"])
        assert not can_select(connection, "marts", "dim_branches", ("email",))
        assert can_select(connection, "marts", "fct_lead_conversions")
    role.ensure(built.conn, log=lambda _line: None)
    role.ensure(built.conn, log=lambda _line: None)
    with app_connect(built) as connection:
        assert can_select(connection, "marts", "fct_lead_conversions")
        assert not can_select(connection, "public", "dim_user")


def test_role_has_no_temp_function_or_other_database_rights(built: ScratchDatabase) -> None:
    with app_connect(built) as connection:
        connection.execute("set default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("create temporary table scratch (x int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("create function public.f() returns int language sql as 'select 1'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("create function pg_temp.f() returns int language sql as 'select 1'")
    app = role.app_connection(built.conn)
    for other in ("postgres", "template1"):
        with pytest.raises(psycopg.OperationalError, match="permission denied|not currently"):
            psycopg.connect(app.conninfo(database=other)).close()


def test_role_level_defaults_read_only_and_timeout(built: ScratchDatabase) -> None:
    settings_rows = built.query(
        "select unnest(setconfig) from pg_db_role_setting s join pg_roles r on r.oid = s.setrole"
        " where r.rolname = %s and s.setdatabase = 0",
        (role.role_name(),),
    )
    assert {row[0] for row in settings_rows} >= {
        "default_transaction_read_only=on",
        f"statement_timeout={role.STATEMENT_TIMEOUT}",
    }
    with app_connect(built) as connection:
        shown = connection.execute("show statement_timeout").fetchone()[0]
        assert shown == "1min"
        assert connection.execute("show transaction_read_only").fetchone()[0] == "on"


def test_password_comes_from_the_environment_never_the_repository(built, tmp_path) -> None:
    password = role.role_password()
    found = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "grep", "-I", "-l", "-F", "-e", password],
        capture_output=True,
        text=True,
    )
    assert (found.returncode, found.stdout) == (1, "")  # 1: no tracked file holds it
    assert password != "glofox_dashboard_local"  # the password once committed here
    with patched_environ({"GLOFOX_DASHBOARD_PASSWORD": "from env 'with' spaces"}):
        role.ensure(built.conn, log=lambda _line: None)
        with app_connect(built) as connection:
            assert connection.execute("select current_user").fetchone()[0] == role.role_name()
    role.ensure(built.conn, log=lambda _line: None)


def test_nothing_is_created_on_another_server_unless_asked(built: ScratchDatabase) -> None:
    name = "glofox_test_not_created"
    quiet = {"log": lambda _line: None, "embedded": False}  # as on a server not glofox's own
    with patched_environ({"GLOFOX_DASHBOARD_USER": name, "GLOFOX_DASHBOARD_CREATE_ROLE": ""}):
        role.ensure(built.conn, **quiet)
        assert built.query("select 1 from pg_roles where rolname = %s", (name,)) == []
        # Asked, it needs the password from the environment.
        with pytest.raises(SystemExit, match="GLOFOX_DASHBOARD_PASSWORD"):
            role.ensure(built.conn, requested=True, **quiet)
        assert built.query("select 1 from pg_roles where rolname = %s", (name,)) == []
        asked = {"GLOFOX_DASHBOARD_PASSWORD": "p w'd", "GLOFOX_DASHBOARD_CREATE_ROLE": "1"}
        try:
            with patched_environ(asked):
                role.ensure(built.conn, **quiet)
            assert built.query("select 1 from pg_roles where rolname = %s", (name,)) == [(1,)]
        finally:
            built.execute(f"drop owned by {name}")
            built.execute(f"drop role if exists {name}")


def test_the_embedded_server_is_recognised_under_glofox_exec(built: ScratchDatabase) -> None:
    # `glofox exec` sets PGHOST/PGPORT for its command: the embedded server is still known.
    assert embedded_postgres.serves(built.conn)
    other = settings.Connection("127.0.0.1", 1, "u", "p", "d")
    assert not embedded_postgres.serves(other)


def test_dbt_grants_exactly_the_relations_the_exposures_list(built: ScratchDatabase) -> None:
    import json

    with patched_environ({"GLOFOX_DASHBOARD_READER": "some_reader"}):
        result = built.dbt(
            "ls", "--resource-type", "model", "--output", "json", "--output-keys", "name config"
        )
    granted = set()
    for line in result.result:
        node = json.loads(line)
        config = node["config"]
        if "some_reader" in (config.get("grants") or {}).get("select", []):
            granted.add(node["name"])
        if any("grant_dashboard_columns" in hook["sql"] for hook in config.get("post-hook", [])):
            granted.add(node["name"])
    assert granted == set(DASHBOARD)
