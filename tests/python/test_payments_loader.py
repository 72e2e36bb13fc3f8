"""`glofox load-payments` (rule A3) on real files and a real PostgreSQL scratch database."""

from __future__ import annotations

import bz2
import fcntl
import gzip
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from glofox import payments_loader
from glofox.payments_loader import AlreadyLoaded, LoadError, load_file
from harness import PROJECT_ROOT, ScratchDatabase

SPEC_DDL = """
create schema if not exists app;
drop table if exists app.payment_loads;
drop table if exists app.payment_events;
create table app.payment_events (
    document jsonb not null,
    loaded_at timestamptz not null default now()
);
"""

PAYMENT = {
    "_id": {"$oid": "65f000000000000000000001"},
    "user_id": "9b2f3c1e-0a4d-4c1b-8f3e-2d7a6b5c4e31",
    "payment_amount": {"$numberDecimal": "12.50"},
    "transaction_date": {"$date": "2026-03-05T10:00:00.000Z"},
}


def doc(n: int, **changes: object) -> dict:
    return {**PAYMENT, "_id": {"$oid": f"65f{n:021d}"}, **changes}


def line(document: object) -> str:
    return json.dumps(document, separators=(",", ":"))


@pytest.fixture(scope="module")
def scratch() -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("payments_loader")
    yield db
    db.drop()


@pytest.fixture
def db(scratch: ScratchDatabase) -> ScratchDatabase:
    scratch.execute(SPEC_DDL)
    return scratch


def write(path: Path, lines: list[str], newline: str = "\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return path


def loaded_documents(db: ScratchDatabase) -> list[object]:
    return [
        row[0] for row in db.query("select document from app.payment_events order by loaded_at")
    ]


def rejects_of(path: Path) -> list[dict]:
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


def cli(db: ScratchDatabase, *args: str, stderr: int | None = subprocess.PIPE):
    """Run the real `glofox` executable against the scratch database."""
    env = {**os.environ, **db.conn.env(), "GLOFOX_PROJECT_DIR": str(PROJECT_ROOT)}
    glofox = Path(sys.executable).with_name("glofox")
    return subprocess.run(
        [str(glofox), "load-payments", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def test_a3_rejects_file_has_line_number_reason_and_raw_line(db, tmp_path):
    path = write(
        tmp_path / "stream.jsonl",
        [
            line(doc(1)),
            "not json at all",
            line(doc(2)),
            '{"_id": "cut", "user_id":',
            "NaN",
            line(doc(3)),
        ],
    )
    summary = load_file(db.conn, path)

    rejects = rejects_of(tmp_path / "stream.jsonl.rejects.jsonl")
    assert [(r["line"], r["raw"]) for r in rejects] == [
        (2, "not json at all"),
        (4, '{"_id": "cut", "user_id":'),
        (5, "NaN"),
    ]
    assert all(r["reason"].startswith("not JSON: ") for r in rejects)
    assert "NaN" in rejects[2]["reason"]
    assert loaded_documents(db) == [doc(1), doc(2), doc(3)]
    assert (summary.lines_read, summary.loaded, summary.rejected, summary.blank) == (6, 3, 3, 0)


def test_a3_summary_and_load_log_agree_with_the_table(db, tmp_path):
    path = write(tmp_path / "s.jsonl", [line(doc(n)) for n in range(7)] + ["oops", ""])
    summary = load_file(db.conn, path, rejects_path=tmp_path / "out" / "r.jsonl")
    stored = db.query("select count(*) from app.payment_events")[0][0]
    log = db.query(
        "select file_name, sha256, lines_read, lines_loaded, lines_rejected, lines_blank, forced"
        " from app.payment_loads"
    )
    assert stored == summary.loaded == 7
    assert log == [(str(path.resolve()), summary.sha256, 9, 7, 1, 1, False)]
    assert "9 lines read, 7 loaded, 1 rejected, 1 blank" in summary.lines()[0]
    assert (tmp_path / "out" / "r.jsonl").is_file()


def test_a2_valid_json_that_is_not_a_payment_is_loaded_for_the_audit(db, tmp_path):
    others: list[object] = [[1, 2], "a payment", 42, None, True, {}, {"_id": "x"}]
    path = write(tmp_path / "odd.jsonl", [json.dumps(o) for o in others])
    summary = load_file(db.conn, path)
    assert summary.rejected == 0
    assert loaded_documents(db) == others
    assert db.query("select count(*) from app.payment_events where document is null")[0][0] == 0


def test_a3_second_identical_load_is_refused_and_force_loads_again(db, tmp_path):
    path = write(tmp_path / "a.jsonl", [line(doc(1)), line(doc(2)), "bad"])
    load_file(db.conn, path)
    rejects_before = (tmp_path / "a.jsonl.rejects.jsonl").read_bytes()

    copy = tmp_path / "copy-of-a.jsonl"
    copy.write_bytes(path.read_bytes())
    for candidate in (path, copy):  # same content under another name: same SHA-256
        with pytest.raises(AlreadyLoaded, match="already loaded.*--force"):
            load_file(db.conn, candidate)
    assert db.query("select count(*) from app.payment_events")[0][0] == 2
    assert not (tmp_path / "copy-of-a.jsonl.rejects.jsonl").exists()
    assert (tmp_path / "a.jsonl.rejects.jsonl").read_bytes() == rejects_before

    summary = load_file(db.conn, path, force=True)
    assert summary.forced and summary.loaded == 2
    assert db.query("select count(*) from app.payment_events")[0][0] == 4
    assert db.query("select forced from app.payment_loads order by load_id") == [(False,), (True,)]


def test_a3_a_changed_file_is_a_new_load(db, tmp_path):
    path = write(tmp_path / "a.jsonl", [line(doc(1))])
    load_file(db.conn, path)
    write(path, [line(doc(1)), line(doc(2))])
    assert load_file(db.conn, path).loaded == 2


def test_a3_empty_file_loads_nothing_and_says_so(db, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    summary = load_file(db.conn, path)
    assert (summary.lines_read, summary.loaded, summary.rejected, summary.blank) == (0, 0, 0, 0)
    assert (tmp_path / "empty.jsonl.rejects.jsonl").read_text() == ""
    assert db.query("select lines_read from app.payment_loads") == [(0,)]


def test_a3_an_empty_file_blocks_no_later_empty_file(db, tmp_path):
    for name, content in [("e1.jsonl", b""), ("e2.jsonl", b""), ("blank.jsonl", b"\n  \n")]:
        (tmp_path / name).write_bytes(content)
        assert load_file(db.conn, tmp_path / name).loaded == 0  # never AlreadyLoaded
    assert load_file(db.conn, tmp_path / "e1.jsonl").loaded == 0
    assert db.query("select count(*) from app.payment_events") == [(0,)]


def test_a3_gzip_input_is_read_as_it_is(db, tmp_path):
    lines = [line(doc(1)), "not json", line(doc(2))]
    plain = write(tmp_path / "p.jsonl", lines)
    packed = tmp_path / "p.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    summary = load_file(db.conn, packed)
    assert (summary.lines_read, summary.loaded, summary.rejected) == (3, 2, 1)
    assert summary.sha256 == payments_loader.file_sha256(packed)  # the file as given
    assert loaded_documents(db) == [doc(1), doc(2)]
    with pytest.raises(AlreadyLoaded):
        load_file(db.conn, packed)


def test_a3_other_compressions_and_broken_gzip_are_refused_with_a_hint(db, tmp_path):
    data = write(tmp_path / "d.jsonl", [line(doc(1))]).read_bytes()
    (tmp_path / "d.jsonl.bz2").write_bytes(bz2.compress(data))
    with pytest.raises(LoadError, match="bzip2-compressed.*Decompress"):
        load_file(db.conn, tmp_path / "d.jsonl.bz2")
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(data * 50)[:-12])
    with pytest.raises(LoadError, match="not a readable gzip file"):
        load_file(db.conn, tmp_path / "cut.jsonl.gz")
    assert db.query("select count(*) from app.payment_events") == [(0,)]


def test_a3_blank_lines_are_skipped_and_counted_not_rejected(db, tmp_path):
    path = write(tmp_path / "b.jsonl", ["", line(doc(1)), "   ", "\t", line(doc(2)), ""])
    summary = load_file(db.conn, path)
    assert (summary.lines_read, summary.loaded, summary.rejected, summary.blank) == (6, 2, 0, 4)
    assert loaded_documents(db) == [doc(1), doc(2)]


def test_a3_crlf_lines_load_and_rejects_keep_no_carriage_return(db, tmp_path):
    path = write(tmp_path / "w.jsonl", [line(doc(1)), "bad line", line(doc(2))], newline="\r\n")
    summary = load_file(db.conn, path)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert rejects_of(tmp_path / "w.jsonl.rejects.jsonl") == [
        {
            "line": 2,
            "reason": "not JSON: Expecting value: line 1 column 1 (char 0)",
            "raw": "bad line",
        }
    ]
    assert loaded_documents(db) == [doc(1), doc(2)]


def test_a3_utf8_bom_on_the_first_line_is_ignored_elsewhere_rejected(db, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + line(doc(1)).encode() + b"\n\xef\xbb\xbf" + line(doc(2)).encode() + b"\n"
    )
    summary = load_file(db.conn, path)
    assert (summary.loaded, summary.rejected) == (1, 1)
    assert loaded_documents(db) == [doc(1)]
    assert rejects_of(tmp_path / "bom.jsonl.rejects.jsonl")[0]["line"] == 2


def test_a3_line_that_is_not_utf8_is_rejected(db, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(line(doc(1)).encode() + b'\n{"name": "Ren\xe9"}\n')
    summary = load_file(db.conn, path)
    (reject,) = rejects_of(tmp_path / "latin1.jsonl.rejects.jsonl")
    assert (summary.loaded, reject["line"]) == (1, 2)
    assert reject["reason"].startswith("not UTF-8")
    assert reject["raw"] == '{"name": "Ren\\xe9"}'


def test_a3_huge_lines_load_or_are_rejected_whole(db, tmp_path):
    big_note = "x" * 3_000_000
    huge_garbage = "{" + "y" * 2_000_000
    path = write(tmp_path / "huge.jsonl", [line(doc(1, note=big_note)), huge_garbage, line(doc(2))])
    summary = load_file(db.conn, path)
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert db.query("select length(document ->> 'note') from app.payment_events")[0][0] == 3_000_000
    (reject,) = rejects_of(tmp_path / "huge.jsonl.rejects.jsonl")
    assert reject["line"] == 2 and reject["raw"] == huge_garbage


def test_a3_json_that_jsonb_refuses_is_rejected_and_the_batch_goes_on(db, tmp_path):
    lines = [
        line(doc(1)),
        '{"_id": "nul", "note": "\\u0000"}',
        line(doc(2)),
        '{"_id": "too-big", "payment_amount": 1e1000000}',
        line(doc(3)),
        line(doc(4)),
    ]
    path = write(tmp_path / "pg.jsonl", lines)
    summary = load_file(db.conn, path, batch_size=3)
    assert (summary.loaded, summary.rejected) == (4, 2)
    assert loaded_documents(db) == [doc(1), doc(2), doc(3), doc(4)]
    rejects = rejects_of(tmp_path / "pg.jsonl.rejects.jsonl")
    assert [r["line"] for r in rejects] == [2, 4]
    assert all(r["reason"].startswith("JSON that PostgreSQL jsonb refuses") for r in rejects)


def test_a1_loaded_at_follows_file_order_also_inside_one_load(db, tmp_path):
    same_id = [line(doc(1)), line(doc(1, payment_amount=99)), line(doc(1, payment_amount=1))]
    load_file(db.conn, write(tmp_path / "dup.jsonl", same_id), batch_size=2)
    rows = db.query("select document ->> 'payment_amount', loaded_at from app.payment_events")
    assert len({loaded_at for _, loaded_at in rows}) == 3
    first = min(rows, key=lambda row: row[1])
    assert json.loads(first[0]) == PAYMENT["payment_amount"]


def test_a3_sample_stream_rejects_exactly_what_postgresql_cannot_read(db, tmp_path):
    sample = payments_loader.sample_file()
    rejects_path = tmp_path / "sample.rejects.jsonl"
    summary = load_file(db.conn, sample, rejects_path=rejects_path)
    lines = sample.read_text(encoding="utf-8").splitlines()
    # PostgreSQL itself is the oracle: a line is rejected iff it is not valid jsonb input.
    valid = db.query(
        "select ordinality from unnest(cast(%s as text[])) with ordinality as lines (text)"
        " where pg_input_is_valid(text, 'jsonb')",
        (lines,),
    )
    invalid_numbers = sorted(set(range(1, len(lines) + 1)) - {row[0] for row in valid})
    assert [r["line"] for r in rejects_of(rejects_path)] == invalid_numbers
    assert invalid_numbers, "the sample stream must exercise the rejects file"
    assert summary.loaded == len(valid) == db.query("select count(*) from app.payment_events")[0][0]


def test_a3_missing_table_says_how_to_create_it(scratch, tmp_path):
    scratch.execute("drop schema if exists app cascade")
    path = write(tmp_path / "x.jsonl", [line(doc(1))])
    with pytest.raises(LoadError, match="glofox db start"):
        load_file(scratch.conn, path)
    assert not (tmp_path / "x.jsonl.rejects.jsonl").exists()


def test_a3_progress_decision():
    read, write_end = os.pipe()
    master, slave = terminal()
    try:
        with (
            os.fdopen(write_end, "w", closefd=False) as pipe,
            open(slave, "w", closefd=False) as tty,
        ):
            big = payments_loader.PROGRESS_MIN_BYTES
            assert payments_loader.should_show_progress(tty, big)
            assert not payments_loader.should_show_progress(tty, big - 1)
            assert not payments_loader.should_show_progress(tty, big, enabled=False)
            assert not payments_loader.should_show_progress(pipe, big)
    finally:
        for fd in (read, write_end, master, slave):
            os.close(fd)


def terminal() -> tuple[int, int]:
    """A real pseudo-terminal of 24 x 100 characters: (master, slave)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    return master, slave


def long_file(path: Path) -> Path:
    rows = [line(doc(n, note="z" * 200)) for n in range(6000)]
    write(path, rows)
    assert path.stat().st_size >= payments_loader.PROGRESS_MIN_BYTES
    return path


def test_a3_cli_progress_bar_only_on_a_terminal(db, tmp_path):
    piped = cli(db, str(long_file(tmp_path / "long.jsonl")))
    assert piped.returncode == 0, piped.stderr
    assert "%|" not in piped.stderr and "it/s" not in piped.stderr and "B/s" not in piped.stderr
    assert "6000 lines read, 6000 loaded, 0 rejected" in piped.stdout

    master, slave = terminal()
    try:
        on_tty = cli(db, str(long_file(tmp_path / "long2.jsonl")), "--force", stderr=slave)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert on_tty.returncode == 0
    assert b"%|" in shown and b"long2.jsonl" in shown


def test_a3_cli_exit_codes_and_messages(db, tmp_path):
    path = write(tmp_path / "c.jsonl", [line(doc(1)), "not json"])

    first = cli(db, str(path), "--no-progress", "--rejects", str(tmp_path / "rej.jsonl"))
    assert first.returncode == payments_loader.EXIT_OK, first.stderr
    assert "2 lines read, 1 loaded, 1 rejected" in first.stdout
    assert str(tmp_path / "rej.jsonl") in first.stdout
    assert rejects_of(tmp_path / "rej.jsonl")[0]["line"] == 2

    again = cli(db, str(path))
    assert again.returncode == payments_loader.EXIT_ALREADY_LOADED
    assert "already loaded" in again.stderr and "--force" in again.stderr

    forced = cli(db, str(path), "--force")
    assert forced.returncode == payments_loader.EXIT_OK
    assert db.query("select count(*) from app.payment_events")[0][0] == 2

    missing = cli(db, str(tmp_path / "nope.jsonl"))
    assert missing.returncode == payments_loader.EXIT_ERROR
    assert "is not a file" in missing.stderr and "Traceback" not in missing.stderr

    usage = cli(db, str(path), "--batch-size", "many")
    assert usage.returncode == payments_loader.EXIT_USAGE


def test_a3_cli_without_a_database_says_what_to_do(db, tmp_path):
    path = write(tmp_path / "d.jsonl", [line(doc(1))])
    env = {**os.environ, **db.conn.env(), "PGDATABASE": "glofox_test_no_such_database"}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("glofox")), "load-payments", str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == payments_loader.EXIT_ERROR
    assert "glofox db start" in result.stderr and "Traceback" not in result.stderr
