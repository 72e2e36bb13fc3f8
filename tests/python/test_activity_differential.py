"""Differential test of the activity models (A1-A11) against activity_reference.py.

Hypothesis draws app users, messages and payment documents (every shape the rules allow
and malformed ones: non-objects, missing fields, bad ids, non-numeric and non-positive
amounts, unparseable and impossible dates, re-deliveries), and an as-of date D. The same
data goes into a scratch database; the activity models are built through D; every day of
the metrics_30d series (from its first day through D), the retention cohorts of D and the
A1/A2 classification of every document must equal the reference's. Timestamps cluster on
window and follow-up edges (00:00, 23:59:59.999999).

Speed: dbt re-parses the whole project whenever --vars change, so the fixture runs dbt once
to create every model, and dbt compiles the models that depend on the data or on D once per
(D, first day); each example then only re-creates those from dbt's compiled SQL. The daily
facts are created from their compiled SQL without dbt's batch filter, kept to the days dbt's
batches cover (from the var activity_facts_begin through today): the union of every day's
batch (test_activity_incremental.py checks dbt's batches give the same).

Extreme times: signups and messages at PostgreSQL's `infinity` / `-infinity` (infinite_times.py)
and in years 0001 and 9999, outside the days of the facts (they count for no window), and
last-active times at both ends.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import activity_reference as ref
from harness import PROJECT_ROOT, ScratchDatabase
from infinite_times import INFINITE_TIMES, adapt

BASE = datetime.datetime(2026, 1, 1)
# (as-of date, first day of the series or None for the default): before any data, on the
# data, and past its end (data spans days 0..110); a first day before the data, inside it.
SERIES = [
    (datetime.date(2025, 12, 1), None),
    (datetime.date(2026, 2, 20), None),
    (datetime.date(2026, 3, 31), None),
    (datetime.date(2026, 4, 19), datetime.date(2025, 12, 20)),
    (datetime.date(2026, 6, 30), datetime.date(2026, 3, 1)),
]
MODELS = (
    "stg_app__users",
    "int_app_users",
    "stg_app__messages",
    "stg_app__payment_events",
    "int_payment_first_copies",
    "int_payments_deduplicated",
    "int_first_payments_followed_up",
    "int_user_activity_windowed",
    "int_user_activity_days",
    "metrics_30d",
    "fct_retention_by_first_payment_cohort",
    "audit_app__documents_set_aside",
)
# The models rebuilt for each case, in build order: (schema, name, kind). The parsed
# documents, their first copies (A1) and the users (A5) are tables, refilled in place
# ("refill") so the views on them stay, like the daily facts; the others depend on the as-of
# date.
DATED_MODELS = (
    ("staging", "stg_app__payment_events", "refill"),
    ("intermediate", "int_payment_first_copies", "refill"),
    ("intermediate", "int_app_users", "refill"),
    ("intermediate", "int_user_activity_days", "refill"),
    ("intermediate", "int_user_activity_windowed", "view"),
    ("marts", "metrics_30d", "table"),
    ("marts", "fct_retention_by_first_payment_cohort", "table"),
)
USER_POOL = [str(uuid.UUID(int=n + 1)) for n in range(6)]
# Besides short ids: a control character, and ~3 KB of hex that does not compress (more than a
# B-tree index entry may hold; kept like any other id).
PAYMENT_IDS = [f"pay-{n}" for n in range(30)] + [
    "pay-\x01\x1b",
    "".join(hashlib.sha256(f"pay{n}".encode()).hexdigest() for n in range(47)),
]
# Times at the ends of the timestamp range (years 0001 and 9999) and PostgreSQL's infinite
# times: signups, messages and last-active times. The daily facts begin at the var
# activity_facts_begin and end today, so signups and messages at these times count for no
# window (those before the first day are listed in audit_app__rows_set_aside).
EXTREME_MOMENTS = [
    datetime.datetime(1, 1, 1),
    datetime.datetime(9999, 12, 31, 23, 59, 59),
    *INFINITE_TIMES,
]
# The first day of the daily facts (dbt_project.yml's var activity_facts_begin).
FACTS_BEGIN = datetime.date.fromisoformat(
    yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]["activity_facts_begin"]
)
# Payment times before FACTS_BEGIN: a microsecond, a day and a fortnight.
EARLY_MOMENTS = [
    datetime.datetime.combine(FACTS_BEGIN, datetime.time()) - before
    for before in (
        datetime.timedelta(microseconds=1),
        datetime.timedelta(days=1),
        datetime.timedelta(days=14, hours=3),
    )
]
# A10 edges of a second payment: first + 30 days exactly, 1 µs either side, the same instant.
FOLLOW_UP_DELTAS = [
    datetime.timedelta(days=30),
    datetime.timedelta(days=30, microseconds=1),
    datetime.timedelta(days=30, microseconds=-1),
    datetime.timedelta(0),
]
APP_DDL = """
drop schema if exists app cascade;
create schema app;
create table app.users (id uuid, created_at timestamp, last_active timestamp);
create table app.conversations (id uuid, created_at timestamp);
create table app.messages (id uuid, conversation_id uuid, user_id uuid, created_at timestamp);
create table app.payment_events (
    document jsonb not null, loaded_at timestamptz not null default now()
);
"""

# Times of day that sit on the A4 / A10 edges, and one ordinary time.
TIMES = [
    datetime.timedelta(0),
    datetime.timedelta(days=1, microseconds=-1),
    datetime.timedelta(microseconds=1),
    datetime.timedelta(hours=12, minutes=30, seconds=15, microseconds=250000),
]


@st.composite
def moments(draw) -> datetime.datetime:
    return BASE + datetime.timedelta(days=draw(st.integers(0, 110))) + draw(st.sampled_from(TIMES))


def _iso(moment: datetime.datetime, style: str) -> str:
    if style == "z":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if style == "offset":
        local = moment + datetime.timedelta(hours=5, minutes=30)
        return local.strftime("%Y-%m-%dT%H:%M:%S.%f+05:30")
    if style == "negative_offset":
        local = moment - datetime.timedelta(hours=3)
        return local.strftime("%Y-%m-%dT%H:%M:%S.%f-0300")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")  # no offset: UTC


BAD_DATES = [
    "now",
    "yesterday",
    "epoch",
    "infinity",
    "-infinity",
    "2026-13-01",
    "2026-02-30",
    "2026-02-10T24:00:00",
    "10/02/2026",
    "",
]


@st.composite
def transaction_dates(draw, moment: datetime.datetime) -> object:
    shape = draw(
        st.sampled_from(
            ["iso", "iso", "date_iso", "date_iso", "epoch", "date_only", "bad", "wrong_shape"]
        )
    )
    if shape == "iso":
        return _iso(moment, draw(st.sampled_from(["z", "offset", "negative_offset", "plain"])))
    if shape == "date_iso":
        return {"$date": _iso(moment, draw(st.sampled_from(["z", "offset", "plain"])))}
    if shape == "epoch":
        millis = (moment - ref.EPOCH) // datetime.timedelta(milliseconds=1)
        return {"$date": {"$numberLong": str(millis)}}
    if shape == "date_only":
        return moment.strftime("%Y-%m-%d")
    if shape == "bad":
        bad = draw(st.sampled_from(BAD_DATES))
        return draw(st.sampled_from([bad, {"$date": bad}]))
    return draw(st.sampled_from([20260210, {"$date": 1770681600000}, ["2026-02-10"], None]))


@st.composite
def amounts(draw) -> object:
    cents = draw(st.integers(-200, 20000))
    value = Decimal(cents) / 100
    shape = draw(
        st.sampled_from(["number", "number", "string", "decimal", "decimal", "extended", "bad"])
    )
    if shape == "number":
        return float(value)
    if shape == "string":
        return f" {value} "
    if shape == "decimal":
        return {"$numberDecimal": str(value)}
    if shape == "extended":
        # Canonical Extended JSON number types (the integer ones hold whole amounts).
        key = draw(st.sampled_from(["$numberDouble", "$numberLong", "$numberInt"]))
        return {key: str(value) if key == "$numberDouble" else str(cents // 100)}
    return draw(
        st.sampled_from(
            [
                "abc",
                "NaN",
                "Infinity",
                {"$numberDecimal": "-Infinity"},
                {"$numberDouble": "Infinity"},
                {"$numberDouble": "NaN"},
                True,
                "1,5",
                None,
                "1e999",
                {"$numberDouble": "1e308"},
                {"$numberLong": "9223372036854775807"},
            ]
        )
    )


@st.composite
def payment_plans(draw) -> list[tuple[str, datetime.datetime]]:
    """(user, time) of the payments to write: some users pay again exactly on the A10
    follow-up edge (first + 30 days, 1 µs either side) or at the same instant."""
    plans = []
    for _ in range(draw(st.integers(0, 14))):
        # Sometimes before the first day of the daily facts: no user's first payment (A10).
        moment = draw(st.one_of(moments(), moments(), st.sampled_from(EARLY_MOMENTS)))
        user = draw(st.sampled_from(USER_POOL))
        plans.append((user, moment))
        follow = draw(st.sampled_from([None, None, *FOLLOW_UP_DELTAS]))
        if follow is not None:
            plans.append((user, moment + follow))
    return plans


@st.composite
def documents(draw, user: str, moment: datetime.datetime) -> object:
    """A payment document for (user, moment) in a random allowed shape, sometimes malformed."""
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.sampled_from([[1, 2], "text", 42, None]))
    document: dict[str, object] = {
        "_id": draw(
            st.sampled_from([{"$oid": p} for p in PAYMENT_IDS] + PAYMENT_IDS + [" pay-1 ", ""])
        ),
        "user_id": user if kind > 2 else draw(st.sampled_from([user.upper(), "not-a-uuid", 7])),
        "payment_amount": draw(amounts()),
        "transaction_date": draw(transaction_dates(moment)),
    }
    if kind == 1:
        del document[draw(st.sampled_from(sorted(document)))]
    return document


@dataclass
class Case:
    as_of: datetime.date
    first_day: datetime.date | None
    users: list[ref.User]
    messages: list[ref.Message]
    documents: list[ref.Document]


@st.composite
def cases(draw) -> Case:
    # Ids repeat, or are missing (A5: one user per id, the earliest signup).
    user_ids = draw(st.lists(st.sampled_from([*USER_POOL, None]), max_size=len(USER_POOL) + 3))
    times = st.one_of(moments(), moments(), moments(), st.sampled_from(EXTREME_MOMENTS))
    users = [
        ref.User(user_id, draw(st.one_of(st.none(), times)), draw(st.one_of(st.none(), times)))
        for user_id in user_ids
    ]
    messages = [
        ref.Message(draw(st.sampled_from([*USER_POOL, None])), draw(times))
        for _ in range(draw(st.integers(0, 12)))
    ]
    texts = [json.dumps(draw(documents(user, moment))) for user, moment in draw(payment_plans())]
    # Exact re-deliveries of documents already drawn (A1).
    texts += draw(st.lists(st.sampled_from(texts), max_size=5)) if texts else []
    order = draw(st.permutations(range(len(texts))))
    loaded = [
        ref.Document(texts[i], datetime.datetime(2026, 6, 1) + datetime.timedelta(seconds=position))
        for position, i in enumerate(order)
    ]
    as_of, first_day = draw(st.sampled_from(SERIES))
    return Case(as_of, first_day, users, messages, loaded)


@pytest.fixture(scope="module")
def db():
    scratch = ScratchDatabase("activity_differential")
    scratch.execute(APP_DDL)
    # One batch of the daily facts creates their table; each case refills it.
    scratch.dbt(
        "run",
        "--select",
        *MODELS,
        "--event-time-start",
        "2026-01-01",
        "--event-time-end",
        "2026-01-02",
        vars={"as_of_date": SERIES[0][0].isoformat()},
    )
    yield scratch
    scratch.drop()


@pytest.fixture(scope="module")
def compiled(db: ScratchDatabase):
    """The compiled SQL of the rebuilt models per (as-of date, first day), compiled on demand."""
    cache: dict[tuple, dict[str, str]] = {}

    def for_series(as_of: datetime.date, first_day: datetime.date | None) -> dict[str, str]:
        if (as_of, first_day) not in cache:
            names = [name for _, name, _ in DATED_MODELS]
            variables = {"as_of_date": as_of.isoformat()}
            if first_day is not None:
                variables["activity_first_day"] = first_day.isoformat()
            # As a full build compiles them (an incremental model's SQL for all its input).
            result = db.dbt("compile", "--select", *names, "--full-refresh", vars=variables)
            cache[as_of, first_day] = {
                r.node.name: r.node.compiled_code for r in result.result.results
            }
        return cache[as_of, first_day]

    return for_series


def rebuild_for(db: ScratchDatabase, sql_by_model: dict[str, str]) -> None:
    """Re-create the D-dependent models from dbt's compiled SQL, as dbt would."""
    with db.connect(autocommit=True) as conn:
        for schema, name, kind in DATED_MODELS:
            relation = f'"{schema}"."{name}"'
            if kind == "view":
                conn.execute(f"create or replace view {relation} as {sql_by_model[name]}")
            elif kind == "refill" and name == "int_user_activity_days":
                # dbt's batches cover the days from activity_facts_begin through today (UTC)
                conn.execute(f"truncate {relation}")
                conn.execute(
                    f"insert into {relation} select * from ({sql_by_model[name]}) as facts"
                    " where activity_date between %s and cast(now() at time zone 'UTC' as date)",
                    (FACTS_BEGIN,),
                )
            elif kind == "refill":
                conn.execute(f"truncate {relation}")
                conn.execute(f"insert into {relation} {sql_by_model[name]}")
            else:
                conn.execute(f"drop table if exists {relation}")
                conn.execute(f"create table {relation} as {sql_by_model[name]}")


def load(db: ScratchDatabase, case: Case) -> None:
    with adapt(db.connect()) as conn:
        conn.execute("truncate app.users, app.messages, app.payment_events")
        with conn.cursor() as cur:
            cur.executemany(
                "insert into app.users values (%s, %s, %s)",
                [(u.user_id, u.created_at, u.last_active) for u in case.users],
            )
            cur.executemany(
                "insert into app.messages values (%s, %s, %s, %s)",
                [(str(uuid.uuid4()), None, m.user_id, m.sent_at) for m in case.messages],
            )
            cur.executemany(
                "insert into app.payment_events (document, loaded_at)"
                " values (cast(%s as jsonb), %s)",
                [(d.text, d.loaded_at.replace(tzinfo=datetime.UTC)) for d in case.documents],
            )


def close(left: object, right: object) -> bool:
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return abs(left - right) < Decimal("1e-15")
    return left == right


def test_a1_to_a11_models_match_the_reference(
    db: ScratchDatabase, compiled, hypothesis_examples: int
) -> None:
    @settings(
        max_examples=hypothesis_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases())
    def check(case: Case) -> None:
        load(db, case)
        rebuild_for(db, compiled(case.as_of, case.first_day))

        # A1, A2: every document classified as the reference does, in load order (each
        # case's documents are loaded at distinct times).
        classified = db.query(
            "select audited.set_aside_reason_code"
            " from staging.stg_app__payment_events as staged"
            " left join audit.audit_app__documents_set_aside as audited"
            " on staged.document_key = audited.document_key"
            " order by staged.loaded_at"
        )
        assert [row[0] for row in classified] == [
            reason for _, reason in ref.classify(case.documents)
        ]

        # A4-A11: every day of the metrics_30d series.
        expected = ref.series(
            case.as_of,
            case.users,
            case.messages,
            case.documents,
            first_day=case.first_day,
            facts_days=(FACTS_BEGIN, datetime.datetime.now(datetime.UTC).date()),
        )
        columns = list(expected[0]) if expected else ["as_of_date"]
        rows = db.query(f"select {', '.join(columns)} from marts.metrics_30d order by as_of_date")
        actual = [dict(zip(columns, row, strict=True)) for row in rows]
        assert [r["as_of_date"] for r in actual] == [r["as_of_date"] for r in expected]
        for got, want in zip(actual, expected, strict=True):
            mismatched = {c: (got[c], want[c]) for c in columns if not close(got[c], want[c])}
            assert not mismatched, (
                f"metrics_30d (actual, reference) for D={want['as_of_date']}: {mismatched}"
            )

        # A10: retention by first-payment cohort.
        cohorts = db.query(
            "select cohort_grain, cohort_start, cohort_end, cohort_users, retained_users "
            "from marts.fct_retention_by_first_payment_cohort"
        )
        assert set(cohorts) == ref.retention_by_cohort(case.as_of, case.documents, FACTS_BEGIN)

    check()
