"""Readers never see a mart empty or half-built while dbt rebuilds it (issue 6).

A reader thread counts the rows of the lead marts over and over on its own connection while
the main thread runs `dbt run` (a full refresh: tables swapped by rename; then an incremental
run: delete+insert), after new rows changed what the marts hold. Every count a reader saw must
be the mart's count before or after the build, never 0 and never anything in between. A
control run shows the reader loop does catch a rebuild that is not atomic (truncate, then
insert, committed apart).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
import pytest

from harness import PROJECT_ROOT, ScratchDatabase

AS_OF = {"as_of_date": "2026-03-31"}
SELECTION = ("--selector", "lead_conversions", "--exclude", "resource_type:seed")
MARTS = ("marts.fct_client_conversion_events", "marts.fct_lead_conversions", "marts.dim_branches")
MAX_READS = 20_000  # per loop: bounded however long the build takes
MAX_SECONDS = 300.0

NEW_ROWS = """
insert into public.dim_user values
    ('ffffffff-ffff-4fff-8fff-{n:012d}', 'b-001', 'Reader Test', null, '2026-03-30 08:00:00');
insert into public.fct_membership_purchases values
    ('ffffffff-ffff-4fff-8fff-{n:012d}', 'b-001', 'm-reader-{n}', '2026-03-30 09:00:00',
     '2026-03-30 09:00:00', '{{"name": "Reader", "source": "KIOSK"}}');
"""


@dataclass
class Reads:
    counts: dict[str, list[int]] = field(default_factory=lambda: {mart: [] for mart in MARTS})
    errors: list[str] = field(default_factory=list)


def read_while(db: ScratchDatabase, action: Callable[[], None]) -> Reads:
    """Run `action` while another connection counts each mart's rows in a loop."""
    reads = Reads()
    stop = threading.Event()

    def loop() -> None:
        started = time.monotonic()
        with db.connect(autocommit=True) as reader:
            reader.execute("set lock_timeout = '60s'")
            for _ in range(MAX_READS):
                if stop.is_set() or time.monotonic() - started > MAX_SECONDS:
                    return
                for mart in MARTS:
                    try:
                        (count,) = reader.execute(f"select count(*) from {mart}").fetchone()
                        reads.counts[mart].append(count)
                    except psycopg.Error as error:
                        reads.errors.append(f"{mart}: {error}")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        time.sleep(0.2)  # the reader is reading before the build starts
        action()
        time.sleep(0.2)  # ... and after it ends
    finally:
        stop.set()
        thread.join(timeout=MAX_SECONDS)
    return reads


def counts(db: ScratchDatabase) -> dict[str, int]:
    return {mart: db.query(f"select count(*) from {mart}")[0][0] for mart in MARTS}


def assert_only_complete_reads(reads: Reads, before: dict[str, int], after: dict[str, int]):
    assert not reads.errors, f"readers got errors during the build: {reads.errors[:3]}"
    for mart in MARTS:
        seen = reads.counts[mart]
        assert len(seen) >= 3, f"{mart}: only {len(seen)} reads, the loop did not run"
        allowed = {before[mart], after[mart]}
        wrong = sorted(set(seen) - allowed)
        assert not wrong, f"{mart}: readers saw {wrong} rows; complete marts have {allowed}"
        assert 0 not in seen, f"{mart}: a reader saw it empty"


@pytest.fixture(scope="module")
def db():
    database = ScratchDatabase("readers")
    database.load_sql_file(PROJECT_ROOT / "setup.sql")
    database.dbt("seed", "--select", "tag:lead_conversions")
    database.dbt("run", *SELECTION, "--full-refresh", vars=AS_OF)
    yield database
    database.drop()


def test_readers_see_complete_marts_during_a_full_refresh(db: ScratchDatabase) -> None:
    db.execute(NEW_ROWS.format(n=1))
    before = counts(db)
    reads = read_while(db, lambda: db.dbt("run", *SELECTION, "--full-refresh", vars=AS_OF))
    after = counts(db)
    assert after != before, "the new rows changed no mart: the test would prove nothing"
    assert_only_complete_reads(reads, before, after)


def test_readers_see_complete_marts_during_an_incremental_run(db: ScratchDatabase) -> None:
    db.execute(NEW_ROWS.format(n=2))
    before = counts(db)
    reads = read_while(db, lambda: db.dbt("run", *SELECTION, vars=AS_OF))
    after = counts(db)
    assert after != before, "the new rows changed no mart: the test would prove nothing"
    assert_only_complete_reads(reads, before, after)


def test_reader_loop_catches_a_rebuild_that_is_not_atomic(db: ScratchDatabase) -> None:
    """Control: truncate and refill committed apart, slowly; the same check must fail."""
    before = counts(db)

    def torn_rebuild() -> None:
        with db.connect(autocommit=True) as writer:
            writer.execute("create temporary table saved as select * from marts.dim_branches")
            writer.execute("truncate marts.dim_branches")
            time.sleep(0.5)
            writer.execute("insert into marts.dim_branches select * from saved")

    reads = read_while(db, torn_rebuild)
    with pytest.raises(AssertionError, match="dim_branches"):
        assert_only_complete_reads(reads, before, counts(db))
