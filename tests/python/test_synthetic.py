"""`glofox generate`: setup.sql's tables and kinds of dirty data, at any size.

Small sizes only (a few hundred users): the same seed gives the same rows, another seed other
rows; the tables have setup.sql's columns (the DDL is read from it); every kind of dirty row
setup.sql exercises is present; and the lead models build on the data with all their tests
passing (input = used + audited, L5).
"""

from __future__ import annotations

import pytest

from glofox import synthetic
from harness import PROJECT_ROOT, ScratchDatabase

USERS = 400

# Each kind of dirty row (rule id) -> a query counting such rows; every count must be > 0.
DIRTY_KINDS = {
    "L2 NULL or blank user_id": (
        "select count(*) from public.dim_user where nullif(btrim(user_id), '') is null"
    ),
    "L2 duplicate user rows": (
        "select count(*) - count(distinct btrim(user_id)) from public.dim_user"
    ),
    "L1 padded user_id": "select count(*) from public.dim_user where user_id <> btrim(user_id)",
    "L7 user without branch": "select count(*) from public.dim_user where branch_id is null",
    "L8 user created_at NULL": "select count(*) from public.dim_user where created_at is null",
    "L6 invalid or blank zone": (
        "select count(*) from public.dim_branch where nullif(btrim(timezone_id), '') is null "
        "or timezone_id not in (select name from pg_timezone_names)"
    ),
    "L6 duplicate branch rows": (
        "select count(*) - count(distinct btrim(branch_id)) from public.dim_branch"
    ),
    "L3 membership time NULL": (
        "select count(*) from public.fct_membership_purchases where membership_purchased_at is null"
    ),
    "L3 duplicate membership ids": (
        "select count(*) - count(distinct btrim(membership_id)) "
        "from public.fct_membership_purchases"
    ),
    "L5 purchases of unknown users": (
        "select count(*) from public.fct_credit_pack_purchases where user_id like 'eeeeeeee-%'"
        " or user_id is null"
    ),
    "L4 odd details JSON": (
        "select count(*) from public.fct_membership_purchases "
        "where membership_purchase_details is null "
        "or json_typeof(membership_purchase_details) <> 'object' "
        "or cast(membership_purchase_details as text) not like '{\"name\": %'"
    ),
    "A7 NULL sender": "select count(*) from app.messages where user_id is null",
    "A7 unknown sender": (
        "select count(*) from app.messages where user_id is not null "
        "and user_id not in (select id from app.users)"
    ),
    "A2 not an object": (
        "select count(*) from app.payment_events where jsonb_typeof(document) <> 'object'"
    ),
    "A1 re-deliveries": "select count(*) - count(distinct document) from app.payment_events",
    "A1 string _id": (
        "select count(*) from app.payment_events where jsonb_typeof(document -> '_id') = 'string'"
    ),
    "A2 epoch-millisecond dates": (
        "select count(*) from app.payment_events "
        "where document -> 'transaction_date' -> '$date' ? '$numberLong'"
    ),
    "E1 repeated exposures": (
        "select count(*) - count(distinct user_id) from app.experiment_assignments"
    ),
}


def digest(db: ScratchDatabase) -> dict[str, str]:
    return {
        table: db.query(
            "select md5(coalesce(string_agg(row_text, '|' order by row_text), '')) "
            f"from (select cast(t.* as text) as row_text from {table} as t) as rows"
        )[0][0]
        for table in synthetic.COLUMNS
    }


def columns(db: ScratchDatabase) -> dict[str, list[tuple[str, str]]]:
    found = {}
    for table in synthetic.COLUMNS:
        schema, name = table.split(".")
        found[table] = db.query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (schema, name),
        )
    return found


@pytest.fixture(scope="module")
def generated():
    db = ScratchDatabase("synthetic")
    synthetic.generate(db.conn, USERS, seed=7, progress=False, log=lambda _line: None)
    yield db
    db.drop()


def test_same_seed_same_rows_other_seed_other_rows(generated: ScratchDatabase) -> None:
    first = digest(generated)
    again = ScratchDatabase("synthetic_again")
    try:
        synthetic.generate(again.conn, USERS, seed=7, progress=False, log=lambda _line: None)
        assert digest(again) == first
        synthetic.generate(again.conn, USERS, seed=8, progress=False, log=lambda _line: None)
        other = digest(again)
        assert all(other[table] != first[table] for table in synthetic.COLUMNS)
    finally:
        again.drop()


@pytest.mark.parametrize("table", sorted(synthetic.ARRIVAL_ORDER))
def test_rows_are_stored_in_arrival_order(generated: ScratchDatabase, table: str) -> None:
    """Rows as real data arrives (by the time each was written), not user by user: a row
    stored before an earlier one is out of order."""
    key = synthetic.ARRIVAL_ORDER[table]
    ((rows, out_of_order),) = generated.query(
        f"select count(*), count(*) filter (where arrived < previous)"
        f" from (select {key} as arrived, lag({key}) over (order by ctid) as previous"
        f" from {table}) as stored"
    )
    assert rows > 100
    assert out_of_order == 0, f"{table}: {out_of_order} of {rows} rows stored out of time order"


def test_event_time_indexes_of_setup_sql_are_built(generated: ScratchDatabase) -> None:
    """The daily facts read each day's signups and messages through these indexes, and the
    payment staging the documents loaded since its last run."""
    wanted = {(s.split()[2], s.split()[4]) for s in synthetic.setup_indexes()}
    assert {
        ("users_created_at", "app.users"),
        ("messages_created_at", "app.messages"),
        ("payment_events_loaded_at", "app.payment_events"),
    } <= wanted
    built = set(
        generated.query(
            "select indexname, schemaname || '.' || tablename from pg_indexes"
            " where schemaname in ('public', 'app')"
        )
    )
    assert wanted <= built


def test_tables_have_setup_sql_columns(generated: ScratchDatabase) -> None:
    reference = ScratchDatabase("synthetic_setup")
    try:
        reference.load_sql_file(PROJECT_ROOT / "setup.sql")
        assert columns(generated) == columns(reference)
    finally:
        reference.drop()


def test_shape_follows_the_user_count(generated: ScratchDatabase) -> None:
    def count(table: str) -> int:
        return generated.query(f"select count(*) from {table}")[0][0]

    purchases = count("public.fct_membership_purchases") + count("public.fct_credit_pack_purchases")
    assert USERS <= count("public.dim_user") <= 1.05 * USERS
    assert 2 * USERS <= purchases <= 4 * USERS
    assert 7 * USERS <= count("app.messages") <= 13 * USERS
    assert 0.6 * USERS <= count("app.payment_events") <= 1.4 * USERS


@pytest.mark.parametrize("kind", sorted(DIRTY_KINDS))
def test_every_kind_of_dirty_row_is_present(generated: ScratchDatabase, kind: str) -> None:
    (found,) = generated.query(DIRTY_KINDS[kind])[0]
    assert found > 0, f"no row of kind {kind}"


def test_dirty_rows_are_a_few_percent(generated: ScratchDatabase) -> None:
    (odd,) = generated.query(
        "select count(*) filter (where user_id is null or user_id <> btrim(user_id)) * 1.0 "
        "/ count(*) from public.dim_user"
    )[0]
    assert 0 < odd < 0.05


def test_lead_models_build_and_pass_their_tests(generated: ScratchDatabase) -> None:
    generated.dbt("seed", "--select", "tag:lead_conversions")
    generated.dbt("build", "--selector", "lead_conversions", "--exclude", "resource_type:seed")
