"""solution.sql (rule L15): psql runs it unmodified on a database holding only setup.sql, and
the two output tables in `public` then hold exactly what the dbt marts hold, with the marts'
columns and types (L12-L14), however the pre-created output tables looked; and the committed
file is what `glofox solution` generates from the models now.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from glofox import database, solution
from harness import PROJECT_ROOT, ScratchDatabase
from lead_reference import CLIENT_CONVERSION_EVENTS_COLUMNS, LEAD_CONVERSIONS_COLUMNS

SOLUTION = PROJECT_ROOT / "solution.sql"
OUTPUTS = {
    "fct_client_conversion_events": CLIENT_CONVERSION_EVENTS_COLUMNS,
    "fct_lead_conversions": LEAD_CONVERSIONS_COLUMNS,
}


def run_psql(db: ScratchDatabase, path=SOLUTION) -> str:
    """psql -f solution.sql, as the brief's user would run it (ON_ERROR_STOP set by the file,
    and here too, so any error fails the test)."""
    result = subprocess.run(
        [database.psql_command(), "-X", "-v", "ON_ERROR_STOP=1", "-f", str(path)],
        env={**os.environ, **db.conn.env()},
        text=True,
        capture_output=True,
    )
    assert result.returncode == 0, f"psql -f {path.name} failed:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def columns(db: ScratchDatabase, schema: str, table: str) -> list[tuple[str, str]]:
    return db.query(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = %s and table_name = %s order by ordinal_position",
        (schema, table),
    )


def differences(db: ScratchDatabase, table: str) -> tuple[int, int, list[tuple], list[tuple]]:
    """Row counts and the rows only in public.<table> / only in marts.<table> (multisets)."""
    names = ", ".join(OUTPUTS[table])
    public = f"select {names} from public.{table}"
    marts = f"select {names} from marts.{table}"
    return (
        db.query(f"select count(*) from public.{table}")[0][0],
        db.query(f"select count(*) from marts.{table}")[0][0],
        db.query(f"{public} except all {marts} limit 5"),
        db.query(f"{marts} except all {public} limit 5"),
    )


def assert_outputs_equal_marts(db: ScratchDatabase) -> None:
    for table in OUTPUTS:
        public_rows, mart_rows, only_public, only_marts = differences(db, table)
        assert (public_rows, only_public, only_marts) == (mart_rows, [], []), (
            f"public.{table} ({public_rows} rows) differs from marts.{table} ({mart_rows} rows)\n"
            f"  only in public: {only_public}\n  only in marts: {only_marts}"
        )
        assert mart_rows > 0, f"marts.{table} is empty: the comparison proves nothing"


@pytest.fixture(scope="module")
def db():
    """setup.sql only (no dbt schemas), solution.sql run on it, then the marts built by dbt."""
    database_ = ScratchDatabase("solution_sql")
    database_.load_sql_file(PROJECT_ROOT / "setup.sql")
    schemas = database_.query(
        "select nspname from pg_namespace where nspname in ('staging', 'intermediate', 'marts')"
    )
    assert schemas == [], "setup.sql alone must not create dbt schemas"
    run_psql(database_)
    database_.dbt("seed", "--select", "country_capital_timezones")
    database_.dbt(
        "run",
        "--select",
        "+fct_client_conversion_events",
        "+fct_lead_conversions",
        "--exclude",
        "resource_type:seed",
    )
    yield database_
    database_.drop()


def test_l15_solution_sql_fills_public_outputs_with_exactly_the_marts_rows(db):
    assert_outputs_equal_marts(db)


def test_l12_l13_l14_public_outputs_have_the_marts_columns_and_types(db):
    for table, expected in OUTPUTS.items():
        public = columns(db, "public", table)
        assert [name for name, _ in public] == list(expected)
        assert public == columns(db, "marts", table)
        for name, data_type in public:
            kind = "timestamp without time zone" if name.endswith("_at") else "character varying"
            assert data_type == kind, f"public.{table}.{name} is {data_type}, not {kind} (L14)"


def indexes(db: ScratchDatabase, schema: str, table: str) -> list[tuple[str, bool, list[str]]]:
    """Each index of the table: its access method, whether it is unique, its columns."""
    rows = db.query(
        "select index.indexrelid, method.amname, index.indisunique, attribute.attname"
        " from pg_index as index"
        " join pg_class as class on class.oid = index.indexrelid"
        " join pg_am as method on method.oid = class.relam"
        " cross join unnest(index.indkey) with ordinality as keys (attnum, position)"
        " join pg_attribute as attribute"
        " on attribute.attrelid = index.indrelid and attribute.attnum = keys.attnum"
        " where index.indrelid = to_regclass(%s)"
        " order by index.indexrelid, keys.position",
        (f"{schema}.{table}",),
    )
    found: dict[int, tuple[str, bool, list[str]]] = {}
    for index_id, method, unique, name in rows:
        found.setdefault(index_id, (method, unique, []))[2].append(name)
    return list(found.values())


def test_marts_and_outputs_are_indexed_by_user_for_ids_of_any_length(db):
    # D19: fct_lead_conversions has a hash index on user_id (dbt `indexes`, for the dashboard's
    # drill-down), which solution.sql builds on the output too; fct_client_conversion_events,
    # read whole by its readers, has none. No B-tree on an id, which would refuse an id of
    # kilobytes (the grain is the build's unique tests).
    expected = {
        "fct_client_conversion_events": [],
        "fct_lead_conversions": [("hash", False, ["user_id"])],
    }
    assert sorted(expected) == sorted(OUTPUTS)
    for table in OUTPUTS:
        assert indexes(db, "marts", table) == expected[table], f"marts.{table}"
        assert indexes(db, "public", table) == expected[table], f"public.{table}"


def test_l15_solution_sql_is_idempotent(db):
    before = {table: db.query(f"select count(*) from public.{table}")[0][0] for table in OUTPUTS}
    run_psql(db)
    after = {table: db.query(f"select count(*) from public.{table}")[0][0] for table in OUTPUTS}
    assert before == after
    assert_outputs_equal_marts(db)


def test_l15_solution_sql_replaces_output_tables_with_other_columns(db):
    """The container's pre-created outputs may have other columns (L15): e.g. Part 2 without
    the filter column but with `first_local_credit_pack_purchased_at`, and rows in them."""
    db.execute(
        "drop table public.fct_lead_conversions;"
        " create table public.fct_lead_conversions"
        " (user_id integer, first_local_credit_pack_purchased_at date, note text);"
        " insert into public.fct_lead_conversions values (1, '2020-01-01', 'stale');"
        " drop table public.fct_client_conversion_events;"
        " create table public.fct_client_conversion_events (user_id varchar, extra int);"
        " insert into public.fct_client_conversion_events values ('stale', 1);"
    )
    run_psql(db)
    for table, expected in OUTPUTS.items():
        assert [name for name, _ in columns(db, "public", table)] == list(expected)
    assert_outputs_equal_marts(db)


def test_l15_committed_solution_sql_is_what_glofox_solution_generates(db):
    """No drift: the committed file is generated from the models as they are now."""
    generated = solution.generate(db.conn, target_path=db.target_path / "solution")
    committed = SOLUTION.read_text(encoding="utf-8")
    assert committed == generated, (
        "solution.sql is out of date with the dbt models: run `glofox solution` and commit it"
    )
