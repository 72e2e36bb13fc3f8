"""Incremental runs of the activity models equal a full rebuild (A1-A11).

The payment documents are staged incrementally by load time, the daily facts
(int_user_activity_days) by dbt's microbatch one day per batch (a plain run rebuilds the last
`activity_lookback_days` (3) days before today), and metrics_30d recomputes only the as-of
dates those days can change, from what int_user_activity_summaries holds per user and the
facts of the last few days. On a scratch database whose data ends yesterday, everything is
built through yesterday; then rows are appended and runs add today: today's rows, late ones
for the three previous days (inside the lookback), re-deliveries of payments already staged
(A1: the first loaded copy stays), a new `_id` whose first copy is malformed (A2), and
documents whose load committed late, with a load time before the latest staged one, that are
the first loaded copies of `_id`s staged earlier (A1 moves to them, one to another day). A
plain run must then give the same staged documents, first copies, audit, facts, summaries
and series (every day) as a --full-refresh of the same data, the same series as the Python
reference, and account for every document. A row older than the lookback is not
picked up by a plain run; dbt's --event-time-start / --event-time-end backfill of its day picks
it up, in the facts and in every as-of date of the series it changes.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal

import pytest

import activity_reference as ref
from harness import PROJECT_ROOT, ScratchDatabase

TODAY = datetime.datetime.now(datetime.UTC).date()
MIDNIGHT = datetime.datetime.combine(TODAY, datetime.time())
YESTERDAY = TODAY - datetime.timedelta(days=1)
# Long enough for a retention cohort (A10: first payments 30 to 59 days before D).
BEGIN = TODAY - datetime.timedelta(days=40)
# Everything the facts feed, with every parent: what a full build leaves behind, so the README's
# backfill command (int_user_activity_days+) finds the relations it reads.
SELECT = ("--select", "@int_user_activity_days", "audit_app__documents_set_aside")
VARS = {"as_of_date": TODAY.isoformat(), "activity_facts_begin": BEGIN.isoformat()}
APP_DDL = """
create schema app;
create table app.users (id uuid, created_at timestamp, last_active timestamp);
create table app.conversations (id uuid, created_at timestamp);
create table app.messages (id uuid, conversation_id uuid, user_id uuid, created_at timestamp);
create table app.payment_events (
    document jsonb not null, loaded_at timestamptz not null default now()
);
"""
USERS = [str(uuid.UUID(int=n + 1)) for n in range(9)]


def day(offset: int, hours: float = 12) -> datetime.datetime:
    """A time `offset` days from today (negative: before), at `hours` past midnight."""
    return MIDNIGHT + datetime.timedelta(days=offset, hours=hours)


def payment(pay_id: str, user: str, amount: object, moment: datetime.datetime) -> str:
    return json.dumps(
        {
            "_id": {"$oid": pay_id},
            "user_id": user,
            "payment_amount": amount,
            "transaction_date": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
    )


class Data:
    """The rows loaded so far, as the reference takes them."""

    # loaded_at of the documents added, in order; `committed_late` moves one back in time

    def __init__(self, db: ScratchDatabase):
        self.db = db
        self.users: list[ref.User] = []
        self.messages: list[ref.Message] = []
        self.documents: list[ref.Document] = []
        self.loads = 0

    def add(self, users=(), messages=(), documents=(), loaded_before=None) -> None:
        """`loaded_before`: documents loaded that long before the latest one loaded so far, as
        rows of a load whose transaction committed late."""
        with self.db.connect() as conn, conn.cursor() as cur:
            for user_id, created_at in users:
                cur.execute(
                    "insert into app.users values (%s, %s, %s)", (user_id, created_at, None)
                )
                self.users.append(ref.User(user_id, created_at, None))
            for user_id, sent_at in messages:
                cur.execute(
                    "insert into app.messages values (%s, null, %s, %s)",
                    (str(uuid.uuid4()), user_id, sent_at),
                )
                self.messages.append(ref.Message(user_id, sent_at))
            for text in documents:
                # Loaded now, in order (A1: the first loaded copy wins).
                self.loads += 1
                loaded_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
                loaded_at += datetime.timedelta(microseconds=self.loads)
                if loaded_before is not None:
                    latest = max(document.loaded_at for document in self.documents)
                    loaded_at = latest - loaded_before + datetime.timedelta(microseconds=self.loads)
                cur.execute(
                    "insert into app.payment_events values (cast(%s as jsonb), %s)",
                    (text, loaded_at.replace(tzinfo=datetime.UTC)),
                )
                self.documents.append(ref.Document(text, loaded_at))

    def reference(self, as_of: datetime.date = TODAY) -> list[dict[str, object]]:
        return ref.series(as_of, self.users, self.messages, self.documents)


def snapshot(db: ScratchDatabase) -> dict[str, list[tuple]]:
    """Every relation a run rebuilds or updates, and the A1/A2 count identity."""
    documents, payments, audited = db.query(
        "select (select count(*) from app.payment_events),"
        " (select count(*) from intermediate.int_payments_deduplicated),"
        " (select count(*) from audit.audit_app__documents_set_aside)"
    )[0]
    assert documents == payments + audited, (documents, payments, audited)
    return {
        relation: db.query(f"select * from {relation} order by {order}")
        for relation, order in (
            ("staging.stg_app__payment_events", "document_key"),
            ("intermediate.int_payment_first_copies", "payment_id"),
            ("audit.audit_app__documents_set_aside", "document_key"),
            ("intermediate.int_user_activity_days", "1, 2"),
            ("marts.metrics_30d", "as_of_date"),
        )
    }


def summaries(db: ScratchDatabase) -> list[tuple]:
    """int_user_activity_summaries, and the day before which it read the facts."""
    (before,) = db.query("select max(facts_before) from intermediate.int_user_activity_summaries")
    rows = db.query(
        "select user_id, last_message_day, last_payment_day, signup_day, first_payment_day,"
        " first_paid_at, second_paid_at from intermediate.int_user_activity_summaries"
        " order by user_id"
    )
    return [before, *rows]


def series_as_dicts(db: ScratchDatabase) -> list[dict[str, object]]:
    with db.connect() as conn:
        cursor = conn.execute("select * from marts.metrics_30d order by as_of_date")
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def assert_matches_reference(db: ScratchDatabase, data: Data, as_of=TODAY) -> None:
    expected = data.reference(as_of)
    actual = series_as_dicts(db)
    assert [r["as_of_date"] for r in actual] == [r["as_of_date"] for r in expected]
    for got, want in zip(actual, expected, strict=True):
        wrong = {
            k: (got[k], v)
            for k, v in want.items()
            if not (got[k] == v or (isinstance(v, Decimal) and abs(got[k] - v) < Decimal("1e-15")))
        }
        assert not wrong, f"metrics_30d (dbt, reference) for {want['as_of_date']}: {wrong}"


@pytest.fixture(scope="module")
def built():
    db = ScratchDatabase("activity_incremental")
    # The brief's lead tables, which the segments read for branch, country and source; the app
    # tables are this test's own.
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    db.execute("drop schema app cascade")
    db.execute(APP_DDL)
    db.dbt("seed")
    data = Data(db)
    # Through yesterday: signups, messages and payments on the days before today.
    data.add(
        users=[(USERS[0], day(-15)), (USERS[1], day(-6)), (USERS[2], day(-2, 23.99))],
        messages=[(USERS[0], day(-14)), (USERS[1], day(-5)), (USERS[3], day(-1))],
        documents=[
            payment("a" * 24, USERS[0], 10, day(-13)),
            payment("b" * 24, USERS[1], 20, day(-4)),
            payment("c" * 24, USERS[3], 5, day(-1, 0)),
            # A10: a first payment in today's cohort, its follow-up open until day -2.
            payment("2" * 24, USERS[8], 15, day(-32)),
        ],
    )
    # The series through yesterday; the runs below add today.
    db.dbt("run", *SELECT, vars={**VARS, "as_of_date": YESTERDAY.isoformat()})
    yield db, data
    db.drop()


def test_a1_to_a11_a_run_after_late_rows_equals_a_full_rebuild(built) -> None:
    db, data = built
    assert_matches_reference(db, data, YESTERDAY)
    # Today's rows and late ones inside the lookback (days -1, -2, -3).
    data.add(
        users=[(USERS[4], day(0, 1)), (USERS[5], day(-3, 0))],
        messages=[(USERS[4], day(0, 2)), (USERS[2], day(-3, 0)), (USERS[5], day(-2))],
        documents=[
            payment("d" * 24, USERS[4], 7.5, day(0, 3)),
            payment("e" * 24, USERS[2], {"$numberDecimal": "12.25"}, day(-2)),
            payment("f" * 24, USERS[5], "3", day(-3, 0)),
            # A1: a re-delivery of a counted payment with another amount and day never counts.
            payment("b" * 24, USERS[1], 999, day(-1)),
            # A2 then A1: a malformed first copy is kept (set aside), its fix is a duplicate.
            payment("0" * 24, USERS[5], "abc", day(-1)),
            payment("0" * 24, USERS[5], 50, day(-1)),
            # The only row of its user and day: the late-committed load below moves it.
            payment("1" * 24, USERS[7], 4, day(-1)),
            # A10: the payment after that first one, late: the user is retained.
            payment("3" * 24, USERS[8], 6, day(-3)),
        ],
    )
    db.dbt("run", *SELECT, vars=VARS)
    assert_matches_reference(db, data)
    # A1 across runs: a load that committed late, its rows dated an hour before the latest
    # staged document (inside payment_events_lookback_hours): its copies of "d" and "1" are
    # the first loaded ones, so they replace the copies staged by the run before; "1" moves
    # to the day before, and its user's fact of the day it leaves goes (a microbatch batch
    # replaces its days).
    data.add(
        documents=[
            payment("d" * 24, USERS[4], 8.5, day(0, 4)),
            payment("1" * 24, USERS[7], 4, day(-2)),
        ],
        loaded_before=datetime.timedelta(hours=1),
    )
    db.dbt("run", *SELECT, vars=VARS)
    assert db.query(
        "select amount from intermediate.int_payments_deduplicated where payment_id = %s",
        ("d" * 24,),
    ) == [(Decimal("8.5"),)]
    assert db.query(
        "select activity_date - current_date from intermediate.int_user_activity_days"
        " where user_id = %s",
        (USERS[7],),
    ) == [(-2,)]
    incremental = snapshot(db)
    summarised = summaries(db)
    # Built through yesterday, then run for today: the summaries moved on by a day.
    assert summarised[0] == (TODAY - datetime.timedelta(days=4),)
    assert_matches_reference(db, data)
    db.dbt("run", *SELECT, "--full-refresh", vars=VARS)
    assert snapshot(db) == incremental
    assert summaries(db) == summarised


def test_a4_a_late_row_older_than_the_lookback_needs_a_backfill_of_its_day(built) -> None:
    db, data = built
    late = TODAY - datetime.timedelta(days=8)
    data.add(
        messages=[(USERS[6], day(-8))],
        documents=[payment("9" * 24, USERS[6], 40, day(-8))],
    )
    db.dbt("run", *SELECT, vars=VARS)
    facts_days = [
        row[0]
        for row in db.query(
            "select activity_date from intermediate.int_user_activity_days where user_id = %s",
            (USERS[6],),
        )
    ]
    assert facts_days == [], "a plain run rebuilt a day older than the lookback"
    db.dbt(
        "run",
        "--select",
        "int_user_activity_days+",
        "--event-time-start",
        late.isoformat(),
        "--event-time-end",
        (late + datetime.timedelta(days=1)).isoformat(),
        vars=VARS,
    )
    backfilled = snapshot(db)
    assert_matches_reference(db, data)
    db.dbt("run", *SELECT, "--full-refresh", vars=VARS)
    assert snapshot(db) == backfilled
