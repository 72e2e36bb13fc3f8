"""Load a JSON Lines payment stream (mongoexport format) into app.payment_events (rule A3).

The file is streamed line by line, so memory stays bounded by one batch of lines, and
written with COPY in batches. Each line is one of:
- blank (only whitespace): skipped and counted, never loaded;
- not JSON (or not UTF-8, or JSON that PostgreSQL's jsonb cannot hold, e.g. `NaN` or
  `\\u0000`): written to the rejects file with its line number, the reason and the raw line;
- JSON: loaded as it is, whatever it holds. Whether a document is a payment is the dbt
  models' call (A2: the audit model lists those that are not), so an array, a string or an
  object without `user_id` is loaded too.

Each row's `loaded_at` is the time the loader read its line, strictly increasing in file
order, so "the first loaded wins" (A1) is well defined also inside one file.

A gzip file is decompressed as it is read (its SHA-256 is that of the file as given); other
compressed formats are refused with a hint.

The whole file is one transaction: a load that fails leaves nothing behind, and the rejects
file is written to a temporary name and renamed only once the load is committed. Every load is
recorded in `<schema>.payment_loads` with the file's SHA-256; loading a file with the same
SHA-256 again is refused unless `force` is set; an earlier load that held nothing (an empty
file, blank lines only) blocks nothing.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql

from glofox import files, settings

# Exit codes of `glofox load-payments` (also listed in its --help).
EXIT_OK = 0  # loaded (lines that are not JSON are in the rejects file; the load went on)
EXIT_ERROR = 1  # nothing loaded: missing file, no database, tables missing, ...
EXIT_USAGE = 2  # bad arguments (argparse)
EXIT_ALREADY_LOADED = 3  # nothing loaded: a file with the same SHA-256 was loaded before

DEFAULT_BATCH_SIZE = 5000
# A progress bar is worth showing from this size on (and only on a terminal).
PROGRESS_MIN_BYTES = 1_000_000

BOM = codecs.BOM_UTF8


class LoadError(Exception):
    """A load that cannot happen; the message says what to do."""


class AlreadyLoaded(LoadError):
    """The same file (same SHA-256) was loaded before and `force` was not given."""

    def __init__(self, path: Path, sha256: str, loaded_at: datetime, previous_name: str):
        self.path = path
        self.sha256 = sha256
        self.loaded_at = loaded_at
        self.previous_name = previous_name
        super().__init__(
            f"{path} was already loaded on {loaded_at:%Y-%m-%d %H:%M:%S %Z} "
            f"(as {previous_name}, sha256 {sha256[:12]}...); nothing loaded. "
            "Use --force to load it again (its documents would be delivered twice; "
            "the models de-duplicate them on _id)."
        )


@dataclass
class Reject:
    line_number: int
    reason: str
    raw: str

    def to_json(self) -> str:
        return json.dumps(
            {"line": self.line_number, "reason": self.reason, "raw": self.raw},
            ensure_ascii=False,
        )


@dataclass
class LoadSummary:
    path: Path
    sha256: str
    rejects_path: Path
    forced: bool = False
    lines_read: int = 0
    loaded: int = 0
    rejected: int = 0
    blank: int = 0
    elapsed_seconds: float = 0.0
    reject_reasons: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"{self.path}: {self.lines_read} lines read, {self.loaded} loaded, "
            f"{self.rejected} rejected, {self.blank} blank, in {self.elapsed_seconds:.1f}s"
            + (" (forced reload)" if self.forced else ""),
        ]
        if self.rejected:
            out.append(f"  rejected lines (line number, reason, raw line): {self.rejects_path}")
        return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_rejects_path(path: Path) -> Path:
    """`<file>.rejects.jsonl` beside the input."""
    return path.with_name(path.name + ".rejects.jsonl")


def should_show_progress(stream: IO[Any], size_bytes: int, enabled: bool = True) -> bool:
    """A bar only on a terminal, for a long file, and when not switched off."""
    if not enabled or size_bytes < PROGRESS_MIN_BYTES:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def classify_line(line_number: int, raw: bytes) -> str | Reject | None:
    """The document text of a line, a Reject, or None for a blank line."""
    if line_number == 1 and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    raw = raw.rstrip(b"\r\n")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Reject(line_number, f"not UTF-8: {error}", raw.decode("utf-8", "backslashreplace"))
    if not text.strip():
        return None
    try:
        # Numbers stay text here: PostgreSQL parses them (Python would round or refuse huge ones).
        json.loads(text, parse_constant=_reject_constant, parse_int=str, parse_float=str)
    except (ValueError, RecursionError) as error:
        return Reject(line_number, f"not JSON: {error}", text)
    return text


def iter_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number from 1, raw bytes) for every line, CRLF or LF."""
    yield from enumerate(handle, start=1)


GZIP_MAGIC = b"\x1f\x8b"
# Other compressed formats, refused with a hint (gzip is read as it is).
OTHER_COMPRESSIONS = {
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
    b"(\xb5/\xfd": "zstd",
}


class _HashingReader(io.RawIOBase):
    """The file's bytes as they are read, hashed on the way (SHA-256 of the file as given,
    compressed or not), and how many have been read (for the progress bar)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        if count:
            self.digest.update(memoryview(buffer)[:count])
            self.bytes_read += count
        return count or 0


def compression_of(path: Path) -> str | None:
    """'gzip', another format's name, or None for a plain file."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    for magic, name in OTHER_COMPRESSIONS.items():
        if head.startswith(magic):
            return name
    return None


class _Clock:
    """Per-line load times: now, but strictly increasing (one microsecond apart at least)."""

    def __init__(self) -> None:
        self.last: datetime | None = None

    def __call__(self) -> datetime:
        now = datetime.now(UTC)
        if self.last is not None and now <= self.last:
            now = self.last + timedelta(microseconds=1)
        self.last = now
        return now


def _relation(schema: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def ensure_bookkeeping(db: psycopg.Connection, schema: str) -> None:
    """Check the target table exists; create the load log if needed."""
    found = db.execute("select to_regclass(%s)", (f"{schema}.payment_events",)).fetchone()
    if found is None or found[0] is None:
        raise LoadError(
            f"table {schema}.payment_events does not exist in this database. Run "
            "`glofox db start` (loads setup.sql when its tables are missing) or "
            "`glofox db reload-setup`, or create it as docs/rules.md says "
            "(document jsonb not null, loaded_at timestamptz not null default now())."
        )
    db.execute(
        sql.SQL(
            """
            create table if not exists {} (
                load_id bigint generated always as identity primary key,
                file_name text not null,
                sha256 text not null,
                file_bytes bigint not null,
                lines_read bigint not null,
                lines_loaded bigint not null,
                lines_rejected bigint not null,
                lines_blank bigint not null,
                forced boolean not null,
                loaded_at timestamptz not null default now()
            )
            """
        ).format(_relation(schema, "payment_loads"))
    )


def previous_load(db: psycopg.Connection, schema: str, sha256: str) -> tuple[datetime, str] | None:
    """The first earlier load of the same bytes that held anything: a file with nothing in it
    (empty, or blank lines only) loads nothing, so it never blocks a later one."""
    row = db.execute(
        sql.SQL(
            "select loaded_at, file_name from {} where sha256 = %s"
            " and (lines_loaded > 0 or lines_rejected > 0) order by loaded_at limit 1"
        ).format(_relation(schema, "payment_loads")),
        (sha256,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def _refused_value(error: psycopg.Error) -> bool:
    """Errors about one value (class 22: data exception, 54: e.g. nesting too deep)."""
    return (error.sqlstate or "")[:2] in {"22", "54"}


class _BatchWriter:
    """COPY a batch in a savepoint; when PostgreSQL refuses it, retry row by row and
    reject only the rows it refuses (e.g. a number too large for numeric)."""

    def __init__(self, db: psycopg.Connection, schema: str, on_reject: Callable[[Reject], None]):
        self.db = db
        self.on_reject = on_reject
        self.copy_sql = sql.SQL("copy {} (document, loaded_at) from stdin").format(
            _relation(schema, "payment_events")
        )
        self.insert_sql = sql.SQL(
            "insert into {} (document, loaded_at) values (cast(%s as jsonb), %s)"
        ).format(_relation(schema, "payment_events"))

    def write(self, rows: list[tuple[int, str, datetime]]) -> int:
        if not rows:
            return 0
        try:
            with self.db.transaction(), self.db.cursor().copy(self.copy_sql) as copy:
                for _, text, loaded_at in rows:
                    copy.write_row((text, loaded_at))
            return len(rows)
        except psycopg.Error as error:
            if not _refused_value(error):
                raise
        loaded = 0
        for line_number, text, loaded_at in rows:
            try:
                with self.db.transaction():
                    self.db.execute(self.insert_sql, (text, loaded_at))
                loaded += 1
            except psycopg.Error as error:
                if not _refused_value(error):
                    raise
                detail = error.diag.message_detail
                reason = error.diag.message_primary or str(error)
                self.on_reject(
                    Reject(
                        line_number,
                        f"JSON that PostgreSQL jsonb refuses: {reason}"
                        + (f" ({detail})" if detail else ""),
                        text,
                    )
                )
        return loaded


def _copy_lines(
    db: psycopg.Connection,
    schema: str,
    path: Path,
    size: int,
    batch_size: int,
    summary: LoadSummary,
    rejects: IO[str],
    progress: bool,
    stream: IO[Any],
    compressed: bool,
) -> None:
    """Stream the file into the table (inside the caller's transaction), counting as it goes."""
    clock = _Clock()
    with path.open("rb", buffering=0) as raw:
        hashing = _HashingReader(raw)
        buffered = io.BufferedReader(hashing, buffer_size=1 << 20)
        handle = gzip.GzipFile(fileobj=buffered, mode="rb") if compressed else buffered

        def on_reject(reject: Reject) -> None:
            rejects.write(reject.to_json() + "\n")
            summary.rejected += 1
            key = reject.reason.split(":", 1)[0]
            summary.reject_reasons[key] = summary.reject_reasons.get(key, 0) + 1

        writer = _BatchWriter(db, schema, on_reject)
        bar = None
        if should_show_progress(stream, size, progress):
            from tqdm import tqdm

            bar = tqdm(total=size, unit="B", unit_scale=True, desc=path.name, file=stream)
        batch: list[tuple[int, str, datetime]] = []
        try:
            for line_number, raw in _lines(handle, path, compressed):
                summary.lines_read = line_number
                outcome = classify_line(line_number, raw)
                if outcome is None:
                    summary.blank += 1
                elif isinstance(outcome, Reject):
                    on_reject(outcome)
                else:
                    batch.append((line_number, outcome, clock()))
                    if len(batch) >= batch_size:
                        summary.loaded += writer.write(batch)
                        batch = []
                if bar is not None:
                    bar.update(hashing.bytes_read - bar.n)
            summary.loaded += writer.write(batch)
        finally:
            if bar is not None:
                bar.close()
        buffered.read()  # the rest of the file (a gzip trailer), for the digest
    if hashing.digest.hexdigest() != summary.sha256:
        raise LoadError(f"{path} changed while it was being loaded; nothing loaded. Try again.")


def _lines(handle: IO[bytes], path: Path, compressed: bool) -> Iterator[tuple[int, bytes]]:
    try:
        yield from iter_lines(handle)
    except (OSError, EOFError, zlib.error) as error:
        if not compressed:
            raise
        raise LoadError(
            f"{path} is not a readable gzip file ({error}); nothing loaded. Check the file, "
            "or decompress it with `gunzip` and load the result."
        ) from error


def load_file(
    conn: settings.Connection,
    path: Path,
    *,
    schema: str = "app",
    force: bool = False,
    rejects_path: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    progress_stream: IO[Any] | None = None,
) -> LoadSummary:
    """Load one JSON Lines file; raise LoadError (or AlreadyLoaded) when nothing was loaded."""
    if batch_size < 1:
        raise LoadError("--batch-size must be at least 1")
    path = Path(path)
    if not path.is_file():
        raise LoadError(
            f"{path} is not a file. Give the path of a JSON Lines file "
            "(one document a line, as mongoexport writes it)."
        )
    started = time.monotonic()
    size = path.stat().st_size
    sha256 = file_sha256(path)
    rejects_path = Path(rejects_path) if rejects_path else default_rejects_path(path)
    if rejects_path.resolve() == path.resolve():
        raise LoadError("the rejects file must not be the input file; give another --rejects PATH")
    compression = compression_of(path)
    if compression not in (None, "gzip"):
        raise LoadError(
            f"{path} is {compression}-compressed; nothing loaded. Decompress it first "
            "(gzip files are read as they are)."
        )
    summary = LoadSummary(path=path, sha256=sha256, rejects_path=rejects_path, forced=force)
    stream = progress_stream if progress_stream is not None else sys.stderr

    try:
        db = psycopg.connect(conn.conninfo())
    except psycopg.OperationalError as error:
        raise LoadError(
            f"cannot connect to {conn.describe()}: {error}\n"
            "Start the database with `glofox db start` (or `make run`), or check "
            "PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE."
        ) from error

    with db:
        ensure_bookkeeping(db, schema)
        # One load at a time: a second loader of the same file waits here, then is refused.
        db.execute(
            sql.SQL("lock table {} in share row exclusive mode").format(
                _relation(schema, "payment_loads")
            )
        )
        earlier = previous_load(db, schema, sha256)
        if earlier and not force:
            raise AlreadyLoaded(path, sha256, earlier[0], earlier[1])

        # Left by a loader killed before this version wrote rejects files atomically.
        rejects_path.with_name(rejects_path.name + ".partial").unlink(missing_ok=True)
        # The rejects file appears only once the load is committed (it is empty when none);
        # until then the previous one stays, and a kill leaves no part of a new one.
        with files.atomic_write(rejects_path) as rejects:
            _copy_lines(
                db,
                schema,
                path,
                size,
                batch_size,
                summary,
                rejects,
                progress,
                stream,
                compression == "gzip",
            )
            db.execute(
                sql.SQL(
                    "insert into {} (file_name, sha256, file_bytes, lines_read, lines_loaded,"
                    " lines_rejected, lines_blank, forced) values (%s, %s, %s, %s, %s, %s, %s, %s)"
                ).format(_relation(schema, "payment_loads")),
                (
                    str(path.resolve()),
                    sha256,
                    size,
                    summary.lines_read,
                    summary.loaded,
                    summary.rejected,
                    summary.blank,
                    force,
                ),
            )
            db.commit()
    summary.elapsed_seconds = time.monotonic() - started
    return summary


def sample_file() -> Path:
    """The sample stream `make run` loads."""
    return settings.project_root() / "data" / "payments" / "payments_sample.jsonl"


def load_sample(conn: settings.Connection, log: Callable[[str], None] = print) -> None:
    """`make run`'s step: load the sample stream once; when it is loaded already, say so."""
    path = sample_file()
    rejects = settings.project_root() / "outputs" / (path.stem + ".rejects.jsonl")
    try:
        summary = load_file(conn, path, rejects_path=rejects, progress=False)
    except AlreadyLoaded as loaded:
        log(
            f"  {path.name} is already loaded (on {loaded.loaded_at:%Y-%m-%d %H:%M:%S %Z});"
            " nothing to do."
        )
        return
    except LoadError as error:
        raise SystemExit(f"glofox: loading the sample payment stream failed: {error}") from error
    for line in summary.lines():
        log(f"  {line}")
