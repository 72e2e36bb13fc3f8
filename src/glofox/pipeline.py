"""`make run`: from a fresh clone to built marts and CSV answers, idempotently."""

from __future__ import annotations

import contextlib
import datetime
import json
import time
from collections.abc import Iterator

import psycopg

from glofox import (
    activity_metrics,
    database,
    dbt_runner,
    embedded_postgres,
    experiment_report,
    export,
    payments_loader,
    settings,
    solution,
)
from glofox.dashboard import role as dashboard_role

# One `glofox run` at a time per database: a session-level advisory lock (advisory locks are
# per database) held from before setup.sql is loaded until the last file is written.
RUN_LOCK_KEY = 5_202_606


@contextlib.contextmanager
def run_lock(conn: settings.Connection, log=print) -> Iterator[None]:
    """Hold the database's run lock; wait (saying so) while another run holds it."""
    db = psycopg.connect(conn.conninfo(), autocommit=True, application_name="glofox run")
    try:
        locked = db.execute("select pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,)).fetchone()[0]
        if not locked:
            holder = db.execute(
                "select a.pid, a.backend_start from pg_locks l join pg_stat_activity a"
                " on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
                " and l.objid = %s and l.database = (select oid from pg_database"
                " where datname = current_database())",
                (RUN_LOCK_KEY,),
            ).fetchone()
            since = f" (since {holder[1]:%H:%M:%S})" if holder else ""
            log(
                f"Another `glofox run` is building {conn.database}{since}; waiting for it to "
                "finish (Ctrl-C to give up) ..."
            )
            started = time.monotonic()
            db.execute("select pg_advisory_lock(%s)", (RUN_LOCK_KEY,))
            log(f"  ... it finished after {time.monotonic() - started:.0f}s; this run goes on.")
        yield
    finally:
        # Closing the session releases the lock, also when the server went away meanwhile.
        with contextlib.suppress(psycopg.Error):
            db.close()


def server_reachable(conn: settings.Connection) -> bool:
    try:
        with psycopg.connect(conn.conninfo(), connect_timeout=5):
            return True
    except psycopg.Error:
        return False


def build(conn: settings.Connection, args: list[str]) -> None:
    """dbt build; when it fails, one line that says why and what to do."""
    code = dbt_runner.run(args, conn, check=False)
    if code == 0:
        return
    if not server_reachable(conn):
        restart = (
            "start it again (`glofox db start`)"
            if not settings.uses_external_server()
            else f"bring {conn.host}:{conn.port} back"
        )
        raise SystemExit(
            f"glofox run: the database server stopped during the dbt build. {restart.capitalize()}"
            " and run `make run` (or `glofox run`) again: it resumes, rebuilding what was not"
            " built; nothing already loaded is lost."
        )
    if incremental_schema_changed():
        raise SystemExit(
            "glofox run: an incremental model's columns changed since the database was built"
            " (a newer version of the project); run `glofox run --full-refresh` once to rebuild"
            " it. The CSVs and solution.sql were not refreshed."
        )
    raise SystemExit(
        f"glofox run: dbt build failed (exit {code}); the errors are listed above "
        "(details in logs/dbt.log). The CSVs and solution.sql were not refreshed."
    )


def incremental_schema_changed() -> bool:
    """Whether the last dbt build stopped at an incremental model whose table has other columns
    than its SQL now gives (dbt's "out of sync" error): only a full refresh rebuilds it."""
    path = settings.project_root() / "target" / "run_results.json"
    try:
        results = json.loads(path.read_text()).get("results", [])
    except (OSError, ValueError):
        return False
    return any(
        result.get("status") == "error" and "out of sync" in (result.get("message") or "")
        for result in results
    )


def run(
    full_refresh: bool = False, as_of: datetime.date = activity_metrics.DEFAULT_AS_OF_DATE
) -> int:
    print("[1/3] Database")
    conn = database.up(load_setup=False)
    with run_lock(conn):
        return _run_locked(conn, full_refresh, as_of)


def _run_locked(conn: settings.Connection, full_refresh: bool, as_of: datetime.date) -> int:
    database.load_missing_sections(conn)
    # A3: the sample payment stream (data/payments/); a second run finds it loaded.
    payments_loader.load_sample(conn)
    # The read-only role `make dashboard` connects with (idempotent); before the build, so that
    # dbt grants it the dashboard's relations as it builds them. Elsewhere only when asked.
    dashboard_role.ensure(conn)

    print("[2/3] dbt source freshness, then dbt build (models, seeds and tests)")
    # How recently the replicas and the payment stream got rows: it warns, it never stops the
    # run (the sample data is months old, so every app table warns on it).
    dbt_runner.run(["dbt", "source", "freshness"], conn, check=False)
    # A4: the 30-day activity metrics are built for the as-of date D.
    args = ["dbt", "build", *activity_metrics.dbt_vars(as_of)]
    if not full_refresh and activity_metrics.series_ends_after(conn, as_of):
        print(f"  the metrics series was built through a later day than {as_of}: a full rebuild")
        full_refresh = True
    if full_refresh:
        args.append("--full-refresh")
    build(conn, args)
    # L15: solution.sql is generated from the models just built, so it never drifts.
    solution.write(conn, solution.default_output())

    print("[3/3] CSV outputs")
    written = export.export_all(conn)
    root = settings.project_root()
    for path, rows in written:
        print(f"  {path.relative_to(root)}: {rows} rows")
    # A12: the headline 30-day metrics of the as-of date (the series' last day).
    headline = activity_metrics.read_headline(conn, as_of)
    print()
    if headline is not None:
        print("\n".join(activity_metrics.format_headline(headline)))
    else:
        print(activity_metrics.NO_INPUT)
    # E9: the sample experiment's report (JSON and markdown) for the same as-of date.
    for path in experiment_report.write_reports(conn, as_of, export.outputs_dir()):
        print(f"  {path.relative_to(root)}: experiment report")
    print()
    print("Done.")
    print(f"  database : {conn.describe()}  (password from PGPASSWORD, default 'docker')")
    if not settings.uses_external_server():
        print(f"  JDBC     : {conn.jdbc_url()}")
        home = embedded_postgres.home()
        print(f"  data     : {home}  (`make stop` stops it, `make clean` removes it)")
    print("  marts    : schema marts (fct_client_conversion_events, fct_lead_conversions, ...)")
    print(f"  CSVs     : {export.outputs_dir()}")
    print("  dashboard: `make dashboard`, then http://127.0.0.1:8501")
    return 0
