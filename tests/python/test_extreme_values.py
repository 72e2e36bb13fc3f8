"""Extreme values never stop a run: `infinity` and `-infinity`, years 0001 and 9999, a local
time past year 9999 (a user created on 9999-12-31 at a gym in a +14 zone), names and ids of
kilobytes that do not compress, and control characters, added to setup.sql's data in a scratch
database. The whole dbt build (every model and test) succeeds, every CSV is written, and the
dashboard's query layer reads them (a date Python cannot hold comes back as PostgreSQL's text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from glofox import export, payments_loader, spark_loader
from glofox.dashboard import lead_data, queries
from harness import PROJECT_ROOT, ScratchDatabase, patched_environ

AS_OF = "2026-03-31"
# 1,000 characters of U+0800..U+4E1F (3 bytes each in UTF-8), drawn from MD5s: ~3 KB that
# PostgreSQL's compression cannot shrink.
NOISE = (
    "(select string_agg(chr(2048 + (('x' || substr(md5('{seed}' || i), 1, 4))::bit(16)::int"
    " % 18000)), '') from generate_series(1, 1000) as i)"
)
X = "ffffffff-ffff-4fff-8fff-0000000010"  # the users of these cases: X01 ... X06


def long_id(seed: str) -> str:
    """About 3 KB of hex digits from SHA-256s: longer than a B-tree index entry may be
    (2,704 bytes) and too random for PostgreSQL's compression to shrink."""
    return "".join(hashlib.sha256(f"{seed}{i}".encode()).hexdigest() for i in range(47))


LONG_USER, LONG_BRANCH, LONG_PURCHASE, LONG_PAYMENT = (
    long_id(seed) for seed in ("user", "branch", "purchase", "payment")
)

EXTREMES = f"""
insert into public.dim_branch (branch_id, name, email, city, country, timezone_id, created_at)
values
    ('b-x14', e'Kiritimati\\x01Gym\\x7f', 'k@example.com', 'Kiritimati', 'Kiribati',
     'Pacific/Kiritimati', '9999-12-31 23:00'),
    ('{LONG_BRANCH}', 'Long Id Gym', null, 'Warsaw', 'Poland', 'Europe/Warsaw', '2025-01-01'),
    ('b-xneg', {NOISE.format(seed="branch")}, null, null, null, 'UTC', '-infinity');
insert into public.dim_user (user_id, branch_id, name, email, created_at) values
    ('{X}01', 'b-001', 'Infinite', 'x1@example.com', 'infinity'),
    ('{X}02', 'b-001', 'Minus Infinite', 'x2@example.com', '-infinity'),
    ('{X}03', 'b-001', 'Year One', 'x3@example.com', '0001-01-01 00:00'),
    ('{X}04', 'b-x14', 'Year 9999 in +14', 'x4@example.com', '9999-12-31 23:00'),
    ('{X}06', 'b-002', e'Ctrl\\x01\\x02\\x1b[31m\\t\\r\\n' || {NOISE.format(seed="name")},
     e'x6\\x07@example.com', '2025-11-02 10:00'),
    ('{LONG_USER}', '{LONG_BRANCH}', 'Long Id', 'x7@example.com', '2025-11-03 10:00');
insert into public.fct_membership_purchases values
    ('{X}01', 'b-001', 'm-x1', 'infinity', 'infinity', '{{}}'),
    ('{X}02', 'b-001', 'm-x2', '-infinity', '-infinity', '{{}}'),
    ('{X}03', 'b-001', 'm-x3', '0001-01-02 00:00', '0001-01-02 00:00', '{{}}'),
    ('{X}04', 'b-x14', 'm-x4', '9999-12-31 23:30', '9999-12-31 23:30', '{{}}'),
    ('{X}06', 'b-002', e'm-\\x01x6', '2025-11-04 10:00', '2025-11-04 10:00', '{{}}'),
    ('{LONG_USER}', '{LONG_BRANCH}', '{LONG_PURCHASE}', '2025-11-05 10:00', '2025-11-05 10:00',
     '{{}}');
insert into public.fct_credit_pack_purchases values
    ('{X}02', 'b-001', 'c-x2', 'infinity', 'infinity', '{{}}'),
    ('{X}01', 'b-001', 'c-x1', '-infinity', '-infinity', '{{}}');
insert into app.users (id, created_at, last_active) values
    ('aaaaaaaa-0000-4000-8000-0000000000f1', 'infinity', '-infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000f2', '-infinity', 'infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000f3', '0001-01-01', '9999-12-31 23:59:59'),
    ('aaaaaaaa-0000-4000-8000-0000000000f4', '2026-03-10', '2026-03-11');
insert into app.conversations (id, created_at) values
    ('aaaaaaaa-0000-4000-8000-0000000000c1', 'infinity');
insert into app.messages (id, conversation_id, user_id, created_at) values
    ('aaaaaaaa-0000-4000-8000-0000000000e1', 'aaaaaaaa-0000-4000-8000-0000000000c1',
     'aaaaaaaa-0000-4000-8000-0000000000f1', 'infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000e2', 'aaaaaaaa-0000-4000-8000-0000000000c1',
     'aaaaaaaa-0000-4000-8000-0000000000f4', '-infinity'),
    ('aaaaaaaa-0000-4000-8000-0000000000e3', 'aaaaaaaa-0000-4000-8000-0000000000c1',
     'aaaaaaaa-0000-4000-8000-0000000000f4', '9999-12-31 23:59:59');
insert into app.payment_events (document, loaded_at) values
    ('{{"_id": "x-pay-1", "user_id": "aaaaaaaa-0000-4000-8000-0000000000f4",
       "payment_amount": 5, "transaction_date": "9999-12-31T23:59:59Z"}}', '2026-03-20'),
    ('{{"_id": "x-pay-2", "user_id": "aaaaaaaa-0000-4000-8000-0000000000f4",
       "payment_amount": 5, "transaction_date": "0001-01-01"}}', '2026-03-20'),
    ('{{"_id": "x-pay-3", "user_id": "aaaaaaaa-0000-4000-8000-0000000000f4",
       "payment_amount": {{"$numberDouble": "5.5"}},
       "transaction_date": "9999-12-31T23:59:59-14:00"}}', '2026-03-20'),
    ('{{"_id": "{LONG_PAYMENT}", "user_id": "aaaaaaaa-0000-4000-8000-0000000000f4",
       "payment_amount": 7, "transaction_date": "2026-03-12T10:00:00Z"}}', '2026-03-20');
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("extreme_values")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    db.execute(EXTREMES)
    rejects = Path(tmp_path_factory.mktemp("payments")) / "rejects.jsonl"
    payments_loader.load_file(
        db.conn, payments_loader.sample_file(), rejects_path=rejects, progress=False
    )
    # Every model, seed, unit test and data test: none may fail on these values.
    db.dbt("build", vars={"as_of_date": AS_OF})
    yield db
    db.drop()


def test_the_extreme_rows_reach_the_marts(built: ScratchDatabase) -> None:
    local_times = {
        row[0]
        for row in built.query(
            "select cast(local_user_created_at as text) from marts.fct_lead_conversions"
            " where user_id like %s",
            (X + "%",),
        )
    }
    assert {"infinity", "-infinity"} <= local_times
    assert any(text.startswith(("0001-", "0000-")) for text in local_times)  # year 1, local
    assert any(text.startswith("10000-01-01") for text in local_times)  # 9999-12-31 in +14


def test_every_csv_is_written(built: ScratchDatabase, tmp_path: Path) -> None:
    written = export.export_all(built.conn, target=tmp_path)
    assert {path.name for path, _ in written} == {o.file_name for o in export.OUTPUTS}
    leads = (tmp_path / "fct_lead_conversions.csv").read_text(encoding="utf-8")
    assert ",infinity," in leads and ",-infinity," in leads and ",10000-01-01 " in leads


def test_the_dashboard_reads_dates_python_cannot_hold(built: ScratchDatabase) -> None:
    with patched_environ(built.conn.env()), queries.connect() as connection:
        rows = connection.execute(
            "select user_id, local_user_created_at, days_to_conversion"
            " from marts.dash_lead_members where user_id like %s order by user_id",
            (X + "%",),
        ).fetchall()
    values = {user: (created, days) for user, created, days in rows}
    assert values[X + "01"][0] == "infinity" and values[X + "01"][1] is None
    assert values[X + "02"][0] == "-infinity"
    assert str(values[X + "04"][0]).startswith("10000-01-01")


def test_the_lead_drill_down_lists_a_member_created_past_year_9999(built) -> None:
    branch = built.query(
        "select branch from marts.dash_lead_members where user_id = %s limit 1", (X + "04",)
    )[0][0]
    filters = {
        "event_filter": "ALL",
        "window_days": None,
        "countries": [],
        "branches": [],
        "sources": [],
        "cohorts": [],
        "policies": [],
    }
    with patched_environ(built.conn.env()):
        listed = lead_data.drill("v-extremes", filters, "branch", branch)
    created = listed["signup_local"].astype(str).tolist()
    assert any(text.startswith("10000-01-01") for text in created)


def test_ids_of_kilobytes_are_kept_in_every_mart(built: ScratchDatabase) -> None:
    # An id is an id (L1): none is set aside or cut for its length, and no index refuses it.
    events = built.query(
        "select branch_id, lead_status, client_conversion_event_id, first_user_membership_id"
        " from marts.fct_client_conversion_events where user_id = %s",
        (LONG_USER,),
    )
    assert events == [(LONG_BRANCH, "CLIENT", LONG_PURCHASE, LONG_PURCHASE)]
    filters = built.query(
        "select client_conversion_event_filter from marts.fct_lead_conversions"
        " where user_id = %s order by 1",
        (LONG_USER,),
    )
    assert filters == [("ALL",), ("MEMBERSHIP",)]
    assert built.query(
        "select branch_name from marts.dim_branches where branch_id = %s", (LONG_BRANCH,)
    ) == [("Long Id Gym",)]
    assert built.query(
        "select branch from marts.dash_lead_members where user_id = %s order by 1", (LONG_USER,)
    ) == [("Long Id Gym",), ("Long Id Gym",)]
    assert built.query(
        "select payment_amount, set_aside_reason_code is null from staging.stg_app__payment_events"
        " where payment_id = %s",
        (LONG_PAYMENT,),
    ) == [(7, True)]


def setup_long_text(seed: str) -> str:
    """setup.sql's labels of kilobytes: 94 md5s of '<seed>1' .. '<seed>94', 3,008 hex digits."""
    return "".join(hashlib.md5(f"{seed}{n}".encode()).hexdigest() for n in range(1, 95))


def test_labels_of_kilobytes_are_kept_and_drilled_into(built: ScratchDatabase) -> None:
    # setup.sql's d69 (branch name, country and source of ~3 KB that do not compress) and
    # d70 (a branch id of ~3 KB, no branch row): the build above indexed them, and each
    # drill-down of the lead page finds its member by that label.
    name, country = (
        setup_long_text("setup-long-branch-name-"),
        setup_long_text("setup-long-country-"),
    )
    source, branch_id = (
        setup_long_text("setup-long-source-"),
        setup_long_text("setup-long-unknown-branch-"),
    )
    d69, d70 = "d69-kilobyte-labels", "d70-kilobyte-branch-id"
    assert built.query(
        "select client_conversion_event_filter, branch, country, source_label"
        " from marts.dash_lead_members where user_id = %s order by 1",
        (d69,),
    ) == [("ALL", name, country, source), ("MEMBERSHIP", name, country, source)]
    filters = {
        "event_filter": "ALL",
        "window_days": None,
        "countries": [],
        "branches": [],
        "sources": [],
        "cohorts": [],
        "policies": [],
    }
    with patched_environ(built.conn.env()):
        for dimension, value, member in (
            ("branch", name, d69),
            ("country", country, d69),
            ("source", source, d69),
            ("branch", branch_id, d70),
        ):
            listed = lead_data.drill("v-kilobytes", filters, dimension, value)
            assert listed["member_id"].tolist() == [member], dimension
            assert lead_data.drill_count("v-kilobytes", filters, dimension, value) == 1


def test_spark_load_copies_infinite_times_as_null_and_says_so(built: ScratchDatabase) -> None:
    # Spark's TIMESTAMP cannot hold `infinity`: the copy for Spark reads it as NULL, line by
    # table, instead of failing on it (psycopg cannot read it into a Python datetime).
    lines: list[str] = []
    tables = spark_loader.read_postgres(built.conn, "public", log=lines.append)
    created = {row["user_id"]: row["created_at"] for row in tables["dim_user"]}
    assert created[X + "01"] is None and created[X + "02"] is None
    assert str(created[X + "03"]).startswith("0001-01-01")
    assert created["d71-infinite-signup"] is None  # setup.sql's own case
    times = {row["id"]: (row["created_at"], row["last_active"]) for row in tables["users"]}
    assert times["aaaaaaaa-0000-4000-8000-0000000000f1"] == (None, None)
    counted = {line.split(":")[0].strip(): line for line in lines}
    assert "infinite" in counted["public.dim_user"] and "app.messages" in counted
