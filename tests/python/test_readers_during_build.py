"""Readers never see a relation of `marts` or `audit`, nor the brief's output tables in
`public`, missing, empty or half-built while dbt rebuilds them.

A reader thread queries every such relation over and over on its own connection while the main
thread runs a full `dbt build` of the lead_conversions selector (what the brief's container
builds), after new rows changed what the marts hold. Every read must succeed and see the
relation's row count before or after the build, never anything in between. A build killed
half-way leaves every relation in place too. Controls show the reader loop does catch a rebuild
that is not atomic (truncate, then insert, committed apart) and a relation that is missing for a
moment (a view dropped and created again).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
import pytest

from glofox import dbt_runner
from harness import PROJECT_ROOT, ScratchDatabase

SELECTION = ("--selector", "lead_conversions")
# The brief's own output tables, rebuilt by the same build (L15).
OUTPUTS = ("public.fct_client_conversion_events", "public.fct_lead_conversions")
MAX_READS = 20_000  # per loop: bounded however long the build takes
MAX_SECONDS = 300.0

NEW_ROWS = """
insert into public.dim_user values
    ('ffffffff-ffff-4fff-8fff-{n:012d}', 'b-001', 'Reader Test', null, '2026-03-30 08:00:00');
insert into public.fct_membership_purchases values
    ('ffffffff-ffff-4fff-8fff-{n:012d}', 'b-001', 'm-reader-{n}', '2026-03-30 09:00:00',
     '2026-03-30 09:00:00', '{{"name": "Reader", "source": "KIOSK"}}');
insert into public.fct_membership_purchases values
    (null, 'b-001', 'm-reader-null-{n}', null, null, null);
"""


def watched_relations(db: ScratchDatabase) -> tuple[str, ...]:
    """Every table and view in the schemas marts and audit, and the brief's output tables."""
    rows = db.query(
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_schema in ('marts', 'audit') order by 1"
    )
    return (*(name for (name,) in rows), *OUTPUTS)


@dataclass
class Reads:
    relations: tuple[str, ...]
    counts: dict[str, list[int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    passes: int = 0  # full rounds over every relation

    def wait_for_passes(self, more: int) -> None:
        """Block until the reader has finished `more` further rounds: on a loaded machine a
        fixed sleep can end before the reader has looked at every relation once. The first of
        them may be a round already under way, which read some relations before the call: only
        `more` - 1 rounds surely read every relation after it."""
        target = self.passes + more
        deadline = time.monotonic() + MAX_SECONDS
        while self.passes < target and time.monotonic() < deadline:
            time.sleep(0.01)


def read_while(
    db: ScratchDatabase, relations: tuple[str, ...], action: Callable[[Reads], None]
) -> Reads:
    """Run `action` while another connection counts each relation's rows in a loop; the
    reader finishes a round before the action starts and two more after it ends."""
    reads = Reads(relations, {relation: [] for relation in relations})
    stop = threading.Event()

    def loop() -> None:
        started = time.monotonic()
        with db.connect(autocommit=True) as reader:
            reader.execute("set lock_timeout = '60s'")
            for _ in range(MAX_READS):
                if stop.is_set() or time.monotonic() - started > MAX_SECONDS:
                    return
                for relation in relations:
                    try:
                        (count,) = reader.execute(f"select count(*) from {relation}").fetchone()
                        reads.counts[relation].append(count)
                    except psycopg.Error as error:
                        reads.errors.append(f"{relation}: {str(error).strip()}")
                reads.passes += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        reads.wait_for_passes(1)  # the reader has read everything before the build starts
        action(reads)
        reads.wait_for_passes(2)  # ... and after it ends
    finally:
        stop.set()
        thread.join(timeout=MAX_SECONDS)
    return reads


def counts(db: ScratchDatabase, relations: tuple[str, ...]) -> dict[str, int]:
    return {relation: db.query(f"select count(*) from {relation}")[0][0] for relation in relations}


def assert_only_complete_reads(reads: Reads, before: dict[str, int], after: dict[str, int]):
    assert not reads.errors, f"readers got errors during the build: {reads.errors[:3]}"
    for relation in reads.relations:
        seen = reads.counts[relation]
        assert len(seen) >= 3, f"{relation}: only {len(seen)} reads, the loop did not run"
        allowed = {before[relation], after[relation]}
        wrong = sorted(set(seen) - allowed)
        assert not wrong, f"{relation}: readers saw {wrong} rows; complete, it has {allowed}"


def dbt_process(db: ScratchDatabase, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [dbt_runner.dbt_executable(), *args, "--project-dir", str(PROJECT_ROOT), "--quiet"],
        env={**os.environ, **db.dbt_env()},
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def db():
    database = ScratchDatabase("readers")
    database.load_sql_file(PROJECT_ROOT / "setup.sql")
    database.dbt("build", *SELECTION)
    yield database
    database.drop()


@pytest.fixture(scope="module")
def relations(db: ScratchDatabase) -> tuple[str, ...]:
    found = watched_relations(db)
    expected = {
        "marts.dim_branches",
        "marts.fct_client_conversion_events",
        "marts.fct_lead_conversions",
        "audit.audit_glofox__rows_set_aside",
        "audit.dq_glofox__flagged_values",
    }
    assert expected <= set(found), f"the build made {found}"
    return found


def test_readers_see_every_relation_complete_during_a_full_build(db, relations) -> None:
    db.execute(NEW_ROWS.format(n=1))
    before = counts(db, relations)
    reads = read_while(db, relations, lambda _reads: db.dbt("build", *SELECTION))
    after = counts(db, relations)
    changed = [relation for relation in relations if before[relation] != after[relation]]
    assert len(changed) >= 4, f"the new rows changed only {changed}: the test would prove little"
    assert_only_complete_reads(reads, before, after)


def test_a_killed_build_leaves_every_relation_in_place(db, relations) -> None:
    db.execute(NEW_ROWS.format(n=2))
    before = counts(db, relations)
    build = dbt_process(db, "build", *SELECTION)
    try:
        deadline = time.monotonic() + 120
        # kill it once it has replaced its first mart, while the rest is still to come
        while time.monotonic() < deadline and build.poll() is None:
            if counts(db, ("marts.fct_client_conversion_events",)) != {
                "marts.fct_client_conversion_events": before["marts.fct_client_conversion_events"]
            }:
                break
            time.sleep(0.05)
        assert build.poll() is None, "the build ended before it could be killed"
        build.send_signal(signal.SIGKILL)
    finally:
        build.wait(timeout=60)
    time.sleep(1)  # the server notices the dropped connection and rolls back
    missing = [
        name for name in relations if db.query("select to_regclass(%s)", (name,))[0][0] is None
    ]
    assert missing == [], f"a killed build left {missing} missing"
    after = counts(db, relations)
    assert (
        after["marts.fct_client_conversion_events"] != before["marts.fct_client_conversion_events"]
    )
    db.dbt("build", *SELECTION)  # the next build completes what the killed one left


def test_reader_loop_catches_a_rebuild_that_is_not_atomic(db, relations) -> None:
    """Control: truncate and refill committed apart, slowly; the same check must fail."""
    before = counts(db, relations)

    def torn_rebuild(reads: Reads) -> None:
        with db.connect(autocommit=True) as writer:
            writer.execute("create temporary table saved as select * from marts.dim_branches")
            writer.execute("truncate marts.dim_branches")
            reads.wait_for_passes(2)  # a whole round reads the empty table
            writer.execute("insert into marts.dim_branches select * from saved")

    reads = read_while(db, relations, torn_rebuild)
    with pytest.raises(AssertionError, match="dim_branches"):
        assert_only_complete_reads(reads, before, counts(db, relations))


def test_reader_loop_catches_a_relation_missing_for_a_moment(db, relations) -> None:
    """Control: an audit view dropped and created again (what a rebuild of a view under it
    used to do); the same check must fail."""
    before = counts(db, relations)
    (definition,) = db.query("select pg_get_viewdef('audit.dq_glofox__flagged_values')")[0]

    def dropped_view(reads: Reads) -> None:
        with db.connect(autocommit=True) as writer:
            writer.execute("drop view audit.dq_glofox__flagged_values")
            reads.wait_for_passes(2)  # a whole round looks for the missing view
            writer.execute(f"create view audit.dq_glofox__flagged_values as {definition}")

    reads = read_while(db, relations, dropped_view)
    with pytest.raises(AssertionError, match="dq_glofox__flagged_values"):
        assert_only_complete_reads(reads, before, counts(db, relations))
