"""`make run`: from a fresh clone to built marts and CSV answers, idempotently."""

from __future__ import annotations

import datetime

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


def run(
    full_refresh: bool = False, as_of: datetime.date = activity_metrics.DEFAULT_AS_OF_DATE
) -> int:
    print("[1/3] Database")
    conn = database.up()
    # Spec A3: the sample payment stream (data/payments/); a second run finds it loaded.
    payments_loader.load_sample(conn)

    print("[2/3] dbt source freshness, then dbt build (models, seeds and tests)")
    # How recently the replicas and the payment stream got rows: it warns, it never stops the
    # run (the sample data is months old, so every app table warns on it).
    dbt_runner.run(["dbt", "source", "freshness"], conn, check=False)
    # Spec A4: the 30-day activity metrics are built for the as-of date D.
    args = ["dbt", "build", *activity_metrics.dbt_vars(as_of)]
    if full_refresh:
        args.append("--full-refresh")
    dbt_runner.run(args, conn)
    # Spec L15: solution.sql is generated from the models just built, so it never drifts.
    solution.write(conn, solution.default_output())

    print("[3/3] CSV outputs")
    written = export.export_all(conn)
    root = settings.project_root()
    for path, rows in written:
        print(f"  {path.relative_to(root)}: {rows} rows")
    # Spec A12: the headline 30-day metrics of the as-of date.
    headline = activity_metrics.read_headline(conn)
    if headline is not None:
        print()
        print("\n".join(activity_metrics.format_headline(headline)))
    # Spec E9: the sample experiment's report (JSON and markdown) for the same as-of date.
    for path in experiment_report.write_reports(conn, as_of, export.outputs_dir()):
        print(f"  {path.relative_to(root)}: experiment report")
    # The read-only role `make dashboard` connects with (issue 5); idempotent.
    dashboard_role.ensure(conn)

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
