"""Fault injection: real faults against real `glofox run`s, and after each fault the next run
succeeds and its marts (and CSVs) equal those of a clean full build.

The suite works on a copy of the project (its tracked files) with an embedded PostgreSQL of its
own (.glofox/ of the copy), so stopping that server or killing its dbt touches nothing else.
Faults: kill -9 of dbt early and late in the build, the server stopped mid-build, two runs at
once (the first one's dbt killed late), an output file that cannot be written (a file size
limit: the disk is full for it), and kill -9 of the payment loader at two points of a load.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from harness import PROJECT_ROOT, ScratchDatabase

WORK = PROJECT_ROOT / "target" / "faults"


RUN_TIMEOUT = 900
# Relations that hold the time of the build itself.
BUILD_TIME_RELATIONS = {"marts.dash_build_info"}
# Lines of dbt's output at which to strike: early (staging) and late (the marts).
EARLY = "START sql view model staging."
LATE = "START sql table model marts."


def _env(project: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "DBT_", "GLOFOX_"))
    }
    env["GLOFOX_PROJECT_DIR"] = str(project)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


class Project:
    """The copy, and `glofox` commands run in it (a subprocess each, as a user runs them)."""

    def __init__(self, root: Path):
        self.root = root
        self.env = _env(root)

    def popen(self, *args: str, preexec=None) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "glofox.cli", *args],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=preexec,
        )

    def run(self, *args: str, preexec=None) -> subprocess.CompletedProcess:
        process = self.popen(*args, preexec=preexec)
        out, _ = process.communicate(timeout=RUN_TIMEOUT)
        return subprocess.CompletedProcess(process.args, process.returncode, out, "")

    def connection(self) -> str:
        port = int((self.root / ".glofox" / "postgres" / "port").read_text())
        return f"host=127.0.0.1 port={port} user=postgres password=docker dbname=glofox"

    def marts(self) -> dict[str, str]:
        """Each relation of marts and audit: an MD5 of its rows in a fixed order (but those
        that record when the build ran, which differ from build to build by design)."""
        with psycopg.connect(self.connection()) as db:
            names = db.execute(
                "select table_schema, table_name from information_schema.tables"
                " where table_schema in ('marts', 'audit') order by 1, 2"
            ).fetchall()
            return {
                f"{schema}.{name}": db.execute(
                    f"select md5(coalesce(string_agg(t::text, e'\\n' order by t::text), ''))"
                    f' from "{schema}"."{name}" t'
                ).fetchone()[0]
                for schema, name in names
                if f"{schema}.{name}" not in BUILD_TIME_RELATIONS
            }

    def files(self) -> dict[str, str]:
        """outputs/ and solution.sql: name -> SHA-256 (no temporary files among them)."""
        paths = [*sorted((self.root / "outputs").iterdir()), self.root / "solution.sql"]
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _copy_project(target: Path) -> None:
    tracked = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "ls-files", "-z"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (t.decode() for t in tracked)):
        source = PROJECT_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def clean() -> Iterator[tuple[Project, dict[str, str], dict[str, str]]]:
    """The copy after a clean full build, with its marts and files as the reference."""
    root = WORK / "project"
    if root.exists():
        subprocess.run([sys.executable, "-m", "glofox.cli", "db", "stop"], env=_env(root), cwd=root)
        shutil.rmtree(root)
    root.mkdir(parents=True)
    os.chmod(WORK, 0o755)
    _copy_project(root)
    project = Project(root)
    first = project.run("run")
    assert first.returncode == 0, first.stdout[-3000:]
    yield project, project.marts(), project.files()
    project.run("db", "stop")
    shutil.rmtree(root, ignore_errors=True)


def _assert_recovers(project: Project, marts: dict[str, str], files: dict[str, str]) -> None:
    again = project.run("run")
    assert again.returncode == 0, again.stdout[-3000:]
    assert "Traceback" not in again.stdout
    assert project.marts() == marts
    assert project.files() == files


def _strike_at(process: subprocess.Popen, marker: str, strike) -> list[str]:
    """Read the run's output until `marker`, then strike; return the lines read."""
    lines = []
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            strike()
            break
    else:
        raise AssertionError(f"the run ended before {marker!r}:\n{''.join(lines[-40:])}")
    lines.extend(process.stdout)
    process.wait(timeout=RUN_TIMEOUT)
    return lines


def _dbt_pids(parent: int) -> list[int]:
    """The dbt processes below `parent` (glofox run starts dbt as a child)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and any(part.endswith(b"/dbt") for part in command[:2]):
            found.append(int(entry.name))
    return found


def _kill_dbt(run: subprocess.Popen):
    def strike() -> None:
        pids = _dbt_pids(run.pid)
        assert pids, "no dbt process to kill"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    return strike


def test_kill_9_of_dbt_early_then_the_next_run_equals_a_clean_build(clean) -> None:
    project, marts, files = clean
    run = project.popen("run")
    lines = _strike_at(run, EARLY, _kill_dbt(run))
    assert run.returncode != 0
    assert "Traceback" not in "".join(lines)
    assert "glofox run: dbt build failed" in lines[-1]
    _assert_recovers(project, marts, files)


def test_server_stopped_mid_build_says_how_to_resume(clean) -> None:
    project, marts, files = clean
    run = project.popen("run")
    lines = _strike_at(run, EARLY, lambda: project.run("db", "stop"))
    assert run.returncode != 0
    assert "Traceback" not in "".join(lines)
    last = lines[-1]
    assert "server stopped during the dbt build" in last and "glofox db start" in last
    # The next run starts the server again and finishes the build.
    _assert_recovers(project, marts, files)


def test_an_incremental_table_of_an_older_version_asks_for_a_full_refresh(clean) -> None:
    # An incremental model whose table has other columns than its SQL now gives (built by an
    # older version of the project): the run stops with one line that says what to do, and
    # `glofox run --full-refresh` rebuilds it to what a clean build gives.
    project, marts, files = clean
    with psycopg.connect(project.connection(), autocommit=True) as db:
        db.execute(
            "alter table staging.stg_app__payment_events drop column set_aside_reason cascade"
        )
    stopped = project.run("run")
    assert stopped.returncode != 0
    assert "Traceback" not in stopped.stdout
    last = stopped.stdout.strip().splitlines()[-1]
    assert "columns changed" in last and "glofox run --full-refresh" in last
    again = project.run("run", "--full-refresh")
    assert again.returncode == 0, again.stdout[-3000:]
    assert project.marts() == marts
    assert project.files() == files


def test_two_runs_at_once_and_kill_9_of_dbt_late(clean) -> None:
    """A second run waits for the first; the first's dbt is killed late in its build, and the
    second, the next run after that fault, builds what a clean build gives."""
    project, marts, files = clean
    first = project.popen("run")
    seen = []
    for line in first.stdout:
        seen.append(line)
        if "dbt build" in line:
            break
    second = project.popen("run")
    lines = _strike_at(first, LATE, _kill_dbt(first))
    assert first.returncode != 0 and "glofox run: dbt build failed" in lines[-1]
    out, _ = second.communicate(timeout=RUN_TIMEOUT)
    assert second.returncode == 0, out[-3000:]
    assert "Another `glofox run` is building glofox" in out
    assert "Traceback" not in "".join(seen + lines) + out
    assert project.marts() == marts
    assert project.files() == files


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past it fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_an_output_that_cannot_be_written_keeps_the_previous_file(clean) -> None:
    project, marts, files = clean
    # The largest CSV cannot be written whole: the disk is "full" at 64 KB for this process.
    outputs = project.root / "outputs"
    largest = max(outputs.glob("*.csv"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size > 65536
    failed = project.run("export", preexec=_file_size_limit(65536))
    assert failed.returncode != 0
    assert "Traceback" not in failed.stdout
    # The first CSV past the limit stops the export with one line naming it and the cause.
    last = failed.stdout.strip().splitlines()[-1]
    assert f"cannot write {outputs}/" in last and last.endswith(": File too large"), last
    assert project.files() == files  # every file as before, none half written
    assert not list(outputs.glob(".*"))  # no temporary file left
    again = project.run("export")
    assert again.returncode == 0, again.stdout
    assert project.files() == files


# --- the payment loader ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stream(tmp_path_factory) -> Path:
    """A payment stream long enough to kill the loader in the middle of it."""
    path = tmp_path_factory.mktemp("stream") / "payments.jsonl"
    with path.open("w") as handle:
        for n in range(300_000):
            handle.write(
                f'{{"_id": {{"$oid": "{n:024x}"}}, "user_id": '
                f'"9b2f3c1e-0a4d-4c1b-8f3e-{n:012d}", "payment_amount": {{"$numberDouble": '
                f'"{n % 500 + 1}.5"}}, "transaction_date": {{"$date": "2026-03-05T10:00:00Z"}}}}\n'
            )
            if n % 1000 == 0:
                handle.write("not json\n")
    return path


@pytest.fixture
def payments_db() -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("faults_payments")
    db.execute(
        "create schema app; create table app.payment_events (document jsonb not null,"
        " loaded_at timestamptz not null default now())"
    )
    yield db
    db.drop()


def _load(db: ScratchDatabase, path: Path, rejects: Path) -> subprocess.Popen:
    env = {**os.environ, **db.conn.env(), "GLOFOX_PROJECT_DIR": str(PROJECT_ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "glofox.cli",
            "load-payments",
            str(path),
            "--no-progress",
            "--rejects",
            str(rejects),
            "--batch-size",
            "2000",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _copying(db: ScratchDatabase, timeout: float = 120) -> None:
    """Wait until the loader's COPY into payment_events is under way."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.query(
            "select count(*) from pg_stat_activity where query like 'copy %payment_events%'"
        )[0][0]:
            return
        time.sleep(0.05)
    raise AssertionError("the loader never started copying")


@pytest.mark.parametrize("seconds", [0.2, 1.5], ids=["first-batches", "later-batches"])
def test_kill_9_of_the_loader_leaves_nothing_and_the_next_load_is_whole(
    payments_db, stream, tmp_path, seconds
) -> None:
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text("the previous rejects file\n")
    loader = _load(payments_db, stream, rejects)
    _copying(payments_db)
    time.sleep(seconds)
    assert loader.poll() is None, "the loader finished before it could be killed"
    loader.kill()
    loader.wait()
    # Nothing of the killed load is in the table or the load log; the rejects file is the
    # previous one (a killed writer may leave only its hidden temporary file).
    assert payments_db.query("select count(*) from app.payment_events") == [(0,)]
    if payments_db.query("select to_regclass('app.payment_loads')")[0][0]:
        assert payments_db.query("select count(*) from app.payment_loads") == [(0,)]
    assert rejects.read_text() == "the previous rejects file\n"
    others = [p.name for p in tmp_path.iterdir() if p != rejects]
    assert all(name.startswith(".rejects.jsonl.glofox-tmp-") for name in others), others
    # The next load is whole and leaves no temporary file behind.
    again = _load(payments_db, stream, rejects)
    out, _ = again.communicate(timeout=RUN_TIMEOUT)
    assert again.returncode == 0, out
    text = stream.read_text()
    rejected = text.count("not json")
    loaded = text.count("\n") - rejected
    assert payments_db.query("select count(*) from app.payment_events") == [(loaded,)]
    assert len(rejects.read_text().splitlines()) == rejected
    assert [p.name for p in tmp_path.iterdir()] == ["rejects.jsonl"]


def test_payment_stream_fixture_is_long_enough(stream) -> None:
    # The kills above need a load that lasts; a stream this long takes seconds to load.
    assert stream.stat().st_size > 40_000_000
