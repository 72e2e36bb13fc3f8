"""The dashboard's role reads the marts and the audit models, and nothing else.

A scratch database gets setup.sql, the sample payment stream and a dbt run, so every schema
the project has is there (public and app raw tables, staging, intermediate, seeds, marts,
audit). The role of glofox.dashboard.role must be able to read every relation of marts and
audit, must be refused on every other one, must not write anywhere, and must keep its grants
when dbt rebuilds a mart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from glofox import payments_loader, settings
from glofox.dashboard import role
from harness import PROJECT_ROOT, ScratchDatabase

READABLE = set(role.READABLE_SCHEMAS)
UNREADABLE = {"public", "app", "staging", "intermediate", "seeds"}


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
    yield db
    db.drop()


def relations(db: ScratchDatabase, schemas: set[str]) -> list[tuple[str, str]]:
    return db.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema = any(%s) order by 1, 2",
        (sorted(schemas),),
    )


def app_connect(db: ScratchDatabase) -> psycopg.Connection:
    app: settings.Connection = role.app_connection(db.conn)
    return psycopg.connect(app.conninfo(), autocommit=True)


def can_select(connection: psycopg.Connection, schema: str, name: str) -> bool:
    try:
        connection.execute(
            sql.SQL("select 1 from {}.{} limit 1").format(
                sql.Identifier(schema), sql.Identifier(name)
            )
        ).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return False
    return True


def test_role_reads_every_mart_and_audit_relation(built: ScratchDatabase) -> None:
    readable = relations(built, READABLE)
    # The relations built for the dashboard's queries too: default privileges.
    expected = {
        "fct_lead_conversions",
        "dim_branches",
        "metrics_30d",
        "dash_lead_counts",
        "dash_lead_members",
        "dash_activity_new_users",
        "audit_glofox__rows_set_aside_counts",
        "dq_glofox__flagged_values_counts",
        "audit_app__documents_set_aside_counts",
        "audit_app__unknown_senders_counts",
        "audit_experiments__assignments_set_aside_counts",
    }
    assert expected <= {n for _, n in readable}
    with app_connect(built) as connection:
        refused = [f"{s}.{n}" for s, n in readable if not can_select(connection, s, n)]
    assert refused == []


def test_role_cannot_read_raw_staging_or_intermediate_tables(built: ScratchDatabase) -> None:
    others = relations(built, UNREADABLE)
    # The raw tables of both sources are among them (public.* glofox tables, app.*).
    assert {("public", "dim_user"), ("app", "users"), ("app", "payment_events")} <= set(others)
    assert any(schema == "staging" for schema, _ in others)
    with app_connect(built) as connection:
        readable = [f"{s}.{n}" for s, n in others if can_select(connection, s, n)]
    assert readable == []


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
    # A full refresh replaces the tables (new relations): default privileges must cover them.
    oids = "select cast(to_regclass('marts.dim_branches') as oid)"
    before = built.query(oids)
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
        assert can_select(connection, "marts", "dim_branches")
        assert can_select(connection, "marts", "fct_lead_conversions")
    role.ensure(built.conn, log=lambda _line: None)
    role.ensure(built.conn, log=lambda _line: None)
    with app_connect(built) as connection:
        assert can_select(connection, "marts", "fct_lead_conversions")
        assert not can_select(connection, "public", "dim_user")
