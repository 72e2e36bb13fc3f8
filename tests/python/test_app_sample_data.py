"""The app sample data (setup.sql app section + data/payments/payments_sample.jsonl) keeps
covering what docs/rules.md asks the models to handle (A1, A2, A7), and gives every
metric of metrics_30d (A5-A10) a non-trivial value for the README's as-of date 2026-03-31."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from glofox import payments_loader
from harness import PROJECT_ROOT, ScratchDatabase

AS_OF_DATE = "2026-03-31"
UUID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

TABLES_FINGERPRINT = """
select
    (select md5(string_agg(cast(u as text), '|' order by u.id)) from app.users as u),
    (select md5(string_agg(cast(c as text), '|' order by c.id)) from app.conversations as c),
    (select md5(string_agg(cast(m as text), '|' order by m.id)) from app.messages as m),
    (select md5(string_agg(cast(p as text), '|' order by p.loaded_at, cast(p.document as text)))
     from app.payment_events as p)
"""


@pytest.fixture(scope="module")
def sample() -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("app_sample")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    yield db
    db.drop()


def count(
    db: ScratchDatabase, where: str, table: str = "app.payment_events", params: tuple = ()
) -> int:
    return db.query(f"select count(*) from {table} where {where}", params or None)[0][0]


def test_setup_sql_app_section_is_deterministic_and_reloadable(sample):
    first = sample.query(TABLES_FINGERPRINT)
    sample.load_sql_file(PROJECT_ROOT / "setup.sql")  # over the loaded tables: no error
    assert sample.query(TABLES_FINGERPRINT) == first
    assert all(value is not None for value in first[0])


def test_app_users_are_the_gym_members_plus_others(sample):
    missing_members = count(
        sample,
        f"trim(user_id) ~* '{UUID_PATTERN}' and cast(lower(trim(user_id)) as uuid)"
        " not in (select id from app.users where id is not null)",
        "public.dim_user",
    )
    non_members = count(
        sample,
        "cast(id as text) not in (select lower(trim(user_id)) from public.dim_user"
        " where user_id is not null)",
        "app.users",
    )
    assert missing_members == 0
    assert non_members >= 40
    # The replica's dirty ids (A5): some ids repeat, a row has none.
    rows, ids = sample.query("select count(id), count(distinct id) from app.users")[0]
    assert rows > ids
    assert count(sample, "id is null", "app.users") > 0


# Every shape docs/rules.md allows for a payment document (A1, A2).
SHAPES = {
    "_id $oid": "document -> '_id' ? '$oid'",
    "_id string": "jsonb_typeof(document -> '_id') = 'string'",
    "_id padded string": "document ->> '_id' <> trim(document ->> '_id')",
    "user_id upper case": (
        f"document ->> 'user_id' ~ '[A-F]' and document ->> 'user_id' ~* '{UUID_PATTERN}'"
    ),
    "amount number": "jsonb_typeof(document -> 'payment_amount') = 'number'",
    "amount string": "jsonb_typeof(document -> 'payment_amount') = 'string'",
    "amount $numberDecimal": "document -> 'payment_amount' ? '$numberDecimal'",
    "date $date ISO": "jsonb_typeof(document -> 'transaction_date' -> '$date') = 'string'",
    "date $date $numberLong": "document -> 'transaction_date' -> '$date' ? '$numberLong'",
    "date ISO Z": "document ->> 'transaction_date' ~ 'T[0-9:.]+Z$'",
    "date ISO +offset": "document ->> 'transaction_date' ~ 'T[0-9:.]+\\+[0-9]{2}:[0-9]{2}$'",
    "date ISO -offset": "document ->> 'transaction_date' ~ 'T[0-9:.]+-[0-9]{2}:[0-9]{2}$'",
    "date ISO no offset": "document ->> 'transaction_date' ~ 'T[0-9:]+$'",
    "date alone": "document ->> 'transaction_date' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
    "date with microseconds": "cast(document as text) ~ 'T[0-9:]+\\.[0-9]{6}'",
}

# Every kind of document that is not a payment (A2) and the re-deliveries (A1).
BAD = {
    "array": "jsonb_typeof(document) = 'array'",
    "string": "jsonb_typeof(document) = 'string'",
    "number": "jsonb_typeof(document) = 'number'",
    "JSON null": "jsonb_typeof(document) = 'null'",
    "no _id": "jsonb_typeof(document) = 'object' and not document ? '_id'",
    "no user_id": "jsonb_typeof(document) = 'object' and document ? '_id'"
    " and not document ? 'user_id'",
    "no amount": "jsonb_typeof(document) = 'object' and document ? '_id'"
    " and not document ? 'payment_amount'",
    "no date": "jsonb_typeof(document) = 'object' and document ? '_id'"
    " and not document ? 'transaction_date'",
    "user_id not a UUID": "document ->> 'user_id' = 'not-a-uuid'",
    "amount 0": "document -> 'payment_amount' = '0'",
    "amount -5": "document -> 'payment_amount' = '-5'",
    "amount abc": "document ->> 'payment_amount' = 'abc'",
    "amount NaN": "document ->> 'payment_amount' = 'NaN'",
    "amount Infinity": "document ->> 'payment_amount' = 'Infinity'",
    "month 13": "cast(document as text) like '%2026-13-01%'",
    "February 30": "document ->> 'transaction_date' = '2026-02-30'",
    "now": "document ->> 'transaction_date' = 'now'",
    "yesterday": "document ->> 'transaction_date' = 'yesterday'",
    "epoch": "document ->> 'transaction_date' = 'epoch'",
    "infinity": "document ->> 'transaction_date' = 'infinity'",
    "garbage date": "document ->> 'transaction_date' = 'garbage'",
    "exact re-delivery": "exists (select 1 from app.payment_events as later"
    " where later.document = payment_events.document"
    " and later.loaded_at > payment_events.loaded_at)",
    "re-delivery with a padded _id": "exists (select 1 from app.payment_events as later"
    " where trim(later.document ->> '_id') = payment_events.document ->> '_id'"
    " and later.document ->> '_id' <> payment_events.document ->> '_id'"
    " and later.loaded_at > payment_events.loaded_at)",
    "same _id, other content": "exists (select 1 from app.payment_events as later"
    " where later.document -> '_id' = payment_events.document -> '_id'"
    " and later.document <> payment_events.document"
    " and later.loaded_at > payment_events.loaded_at)",
}


@pytest.mark.parametrize("name", SHAPES)
def test_a1_a2_sample_has_every_allowed_shape(sample, name):
    assert count(sample, SHAPES[name]) > 0, f"no payment document with {name}"


@pytest.mark.parametrize("name", BAD)
def test_a1_a2_sample_has_every_kind_of_bad_document(sample, name):
    assert count(sample, BAD[name]) > 0, f"no document with {name}"


def test_a7_sample_messages_have_unknown_and_null_senders(sample):
    assert count(sample, "user_id is null", "app.messages") > 0
    assert (
        count(
            sample,
            "user_id not in (select id from app.users where id is not null)",
            "app.messages",
        )
        > 0
    )
    assert count(sample, "id is null and user_id is not null", "app.messages") > 0
    assert count(sample, "true", "app.messages") >= 2000


@pytest.fixture(scope="module")
def with_stream(sample) -> ScratchDatabase:
    payments_loader.load_file(
        sample.conn,
        payments_loader.sample_file(),
        rejects_path=PROJECT_ROOT / "target" / "tests" / "app_sample" / "rejects.jsonl",
        progress=False,
    )
    return sample


def test_a3_sample_stream_redelivers_setup_documents_and_adds_later_ones(with_stream):
    stream_loaded_at = with_stream.query("select loaded_at from app.payment_loads")[0][0]
    redelivered = count(
        with_stream,
        "loaded_at >= %s and document in (select earlier.document"
        " from app.payment_events as earlier where earlier.loaded_at < %s)",
        params=(stream_loaded_at, stream_loaded_at),
    )
    after_as_of = count(
        with_stream,
        "loaded_at >= %s and cast(document as text) like %s",
        params=(stream_loaded_at, "%2026-04-%"),
    )
    assert redelivered > 0 and after_as_of > 0


def test_a5_a10_every_metric_is_non_trivial_for_the_readme_as_of_date(with_stream):
    with_stream.dbt(
        "run",
        "--select",
        "+metrics_30d",
        vars={"as_of_date": AS_OF_DATE},
    )
    columns = (
        "new_users",
        "new_user_revenue",
        "active_users",
        "active_paying_users",
        "converted_new_users",
        "conversion_rate",
        "retention_cohort_users",
        "retained_users",
        "retention_rate",
    )
    (row,) = with_stream.query(
        f"select {', '.join(columns)} from marts.metrics_30d where as_of_date = %s",
        (AS_OF_DATE,),
    )
    metrics = dict(zip(columns, row, strict=True))
    assert all(metrics[name] > 0 for name in columns), metrics
    assert Decimal(0) < metrics["conversion_rate"] < Decimal(1), metrics
    assert Decimal(0) < metrics["retention_rate"] < Decimal(1), metrics
    assert metrics["retained_users"] < metrics["retention_cohort_users"]
    assert metrics["converted_new_users"] < metrics["new_users"]
