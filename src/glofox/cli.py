"""The `glofox` command: everything around the dbt project that is not dbt itself.

Each sub-command has --help. The ones `make` calls:
  glofox run            make run: database up, dbt build, CSVs, summary
  glofox db start|stop|status|url
  glofox exec -- CMD    run CMD (dbt, sqlfluff, pytest, psql ...) against the project's database
  glofox export         write the marts as CSV under outputs/
  glofox dashboard      make dashboard: the Streamlit app over the marts (--port N)
  glofox experiment-report / experiment-plan   A/B test result and sample size
  glofox solution       write solution.sql from the dbt models (--check: is it current?)
  glofox generate       synthetic dirty data at scale (--users N --seed S [--database NAME])
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

import psycopg

from glofox import (
    activity_metrics,
    database,
    dbt_runner,
    embedded_postgres,
    export,
    files,
    settings,
)


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "start":
        database.up(load_setup=not args.no_setup)
        return 0
    if args.action == "stop":
        if settings.uses_external_server():
            print("PGHOST/PGPORT point at another server; there is no embedded server to stop.")
            return 0
        stopped = embedded_postgres.stop()
        print("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")
        return 0
    if args.action == "status":
        if settings.uses_external_server():
            print(f"external server: {settings.connection().describe()}")
            return 0
        port = embedded_postgres.running_port()
        if port is None:
            print("embedded PostgreSQL: not running")
            return 1
        conn = settings.connection(embedded_port=port)
        print(f"embedded PostgreSQL: running, {conn.describe()}, JDBC {conn.jdbc_url()}")
        return 0
    if args.action == "url":
        print(database.current().describe())
        return 0
    if args.action == "reload-setup":
        conn = database.up(load_setup=False)
        database.load_sql_file(conn, settings.project_root() / "setup.sql")
        print(f"setup.sql reloaded into {conn.database}.")
        # The incremental models keep what they staged from the earlier rows (the sources
        # are append-only to them), so a plain run would mix the two loads.
        print("Next: `glofox run --full-refresh` rebuilds the models from the reloaded data.")
        return 0
    raise AssertionError(args.action)


def cmd_exec(args: argparse.Namespace) -> int:
    command = [a for a in args.command if a != "--"] if args.command[:1] == ["--"] else args.command
    if not command:
        raise SystemExit("glofox exec: give a command, e.g. `glofox exec -- dbt build`")
    conn = database.current()
    database.require_database(conn)
    return dbt_runner.run(command, conn, check=False)


# dbt arguments that need no database: dbt answers them by itself.
DBT_OFFLINE_ARGS = {"-h", "--help", "--version", "-v", "help"}


def cmd_dbt(args: argparse.Namespace) -> int:
    if not args.dbt_args or args.dbt_args[0] in DBT_OFFLINE_ARGS or "--help" in args.dbt_args:
        conn = settings.connection(embedded_port=embedded_postgres.running_port())
        return dbt_runner.run(["dbt", *args.dbt_args], conn, check=False)
    conn = database.current()
    database.require_database(conn)
    return dbt_runner.run(["dbt", *args.dbt_args], conn, check=False)


def cmd_export(args: argparse.Namespace) -> int:
    for path, rows in export.export_all(database.current()):
        print(f"  {path.relative_to(settings.project_root())}: {rows} rows")
    return 0


def cmd_load_payments(args: argparse.Namespace) -> int:
    from glofox import payments_loader as loader

    try:
        summary = loader.load_file(
            database.current(),
            args.file,
            schema=args.schema,
            force=args.force,
            rejects_path=args.rejects,
            batch_size=args.batch_size,
            progress=not args.no_progress,
        )
    except loader.AlreadyLoaded as refused:
        print(f"glofox load-payments: {refused}", file=sys.stderr)
        return loader.EXIT_ALREADY_LOADED
    except (loader.LoadError, OSError) as error:
        print(f"glofox load-payments: {error}", file=sys.stderr)
        return loader.EXIT_ERROR
    print("\n".join(summary.lines()))
    return loader.EXIT_OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    from glofox.dashboard import role, server

    if args.grant_only:
        role.ensure(database.up(load_setup=False), requested=True)
        return 0
    return server.serve(port=args.port, address=args.address)


def cmd_experiment_plan(args: argparse.Namespace) -> int:
    from glofox import experiment_stats

    try:
        n = experiment_stats.sample_size_per_arm(args.baseline, args.mde, args.alpha, args.power)
    except ValueError as error:
        raise SystemExit(
            f"glofox experiment-plan: {error}; rates are fractions (0.30 = 30%)."
        ) from error
    print(
        f"{n} users per arm ({2 * n} in all) to detect a change of {args.mde * 100:+.1f} pp from "
        f"a baseline of {args.baseline * 100:.1f}% with {args.power:.0%} power at alpha "
        f"{args.alpha} (two-sided pooled two-proportion z-test)."
    )
    return 0


def cmd_experiment_report(args: argparse.Namespace) -> int:
    from glofox import experiment_report

    try:
        text = experiment_report.run(args.experiment, args.as_of, args.format)
    except experiment_report.ReportError as error:
        raise SystemExit(f"glofox experiment-report: {error}") from error
    if args.output:
        files.write_text(args.output, text)
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_solution(args: argparse.Namespace) -> int:
    from glofox import solution

    output = args.output or solution.default_output()
    conn = database.current()
    if args.check:
        if solution.check(conn, output):
            print(f"{output.name} is up to date with the dbt models.")
            return 0
        print(
            f"{output} differs from what the dbt models generate now: "
            "run `glofox solution` and commit the result.",
            file=sys.stderr,
        )
        return 1
    print(f"Compiling the lead-conversion models and writing {output.name} ...")
    solution.write(conn, output)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    import dataclasses

    from glofox import synthetic

    conn = database.up(load_setup=False)
    if args.database:
        conn = dataclasses.replace(conn, database=args.database)
        database.ensure_database(conn)
    try:
        summary = synthetic.generate(conn, args.users, args.seed, progress=not args.no_progress)
    except synthetic.GenerateError as error:
        raise SystemExit(f"glofox generate: {error}") from error
    print("\n".join(summary.lines()))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from glofox import pipeline

    return pipeline.run(full_refresh=args.full_refresh, as_of=args.as_of)


def cmd_spark_load(args: argparse.Namespace) -> int:
    python = settings.project_root() / ".venv-spark" / "bin" / "python"
    if not python.exists():
        raise SystemExit(
            "glofox spark-load: .venv-spark is missing. Run `make spark-setup` first (dbt-spark "
            "and pyspark, about 630 MB; Spark needs Java 17)."
        )
    argv = [
        *("--source-schema", args.source_schema, "--target-schema", args.target_schema),
        *("--app-source-schema", args.app_source_schema),
        *("--app-target-schema", args.app_target_schema),
    ]
    command = [str(python), "-m", "glofox.spark_loader", *argv]
    return dbt_runner.run(command, database.up(), check=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glofox",
        description="Commands of the glofox-analytics dbt project that are not dbt.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    sub = parser.add_subparsers(dest="command_name", required=True, metavar="COMMAND")

    db = sub.add_parser(
        "db",
        help="start / stop / inspect the database",
        description=(
            "Manage the project's PostgreSQL. Without PGHOST/PGPORT this is the embedded "
            "PostgreSQL 16 of the pgserver wheel, on 127.0.0.1 (5432 or the next free port), "
            "user postgres, password docker, database glofox, data in .glofox/postgres/."
        ),
    )
    db.add_argument("action", choices=["start", "stop", "status", "url", "reload-setup"])
    db.add_argument("--no-setup", action="store_true", help="with start: do not load setup.sql")
    db.set_defaults(func=cmd_db)

    ex = sub.add_parser(
        "exec",
        help="run a command with the database connection in its environment",
        description=(
            "Run CMD with PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and DBT_PROFILES_DIR set."
        ),
    )
    ex.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    ex.set_defaults(func=cmd_exec)

    dbt = sub.add_parser(
        "dbt",
        help="run dbt against the project's database",
        description=(
            "Run dbt with the project's database connection in its environment (what "
            "`glofox exec -- dbt ...` does): every argument after `dbt` goes to dbt unchanged, "
            "e.g. `glofox dbt build --select metrics_30d`. `glofox dbt COMMAND --help` shows "
            "dbt's own help for COMMAND."
        ),
    )
    dbt.add_argument(
        "dbt_args", nargs=argparse.REMAINDER, metavar="DBT_ARGS", help="dbt's arguments"
    )
    dbt.set_defaults(func=cmd_dbt)

    exp = sub.add_parser(
        "export",
        help="write the marts as CSV files under outputs/",
        description="Write the marts (and the activity deliverables) as CSV files under outputs/.",
    )
    exp.set_defaults(func=cmd_export)

    lp = sub.add_parser(
        "load-payments",
        help="load a JSON Lines payment stream into app.payment_events",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Stream FILE (one document a line, as mongoexport writes it) into\n"
            "app.payment_events, in one transaction. Lines that are not JSON go to\n"
            "the rejects file with their line number, the reason and the raw line; the load\n"
            "goes on. Valid JSON is loaded whatever it holds: the dbt audit model lists the\n"
            "documents that are not payments. Blank lines are skipped and counted.\n"
            "A gzip file is read as it is (other compressions are refused: decompress first).\n"
            "A file whose SHA-256 was loaded before is refused unless --force (the load log\n"
            "is app.payment_loads); a file with nothing in it loads nothing and blocks no\n"
            "later file. The rejects file is replaced only once the load is committed.\n"
            "A progress bar shows on a terminal for files over 1 MB."
        ),
        epilog=(
            "exit codes:\n"
            "  0  loaded (rejected lines, if any, are in the rejects file)\n"
            "  1  nothing loaded: missing file, no database, missing table, ...\n"
            "  2  bad arguments\n"
            "  3  nothing loaded: the same file (same SHA-256) was loaded before; use --force"
        ),
    )
    lp.add_argument("file", type=Path, metavar="FILE", help="the JSON Lines file")
    lp.add_argument("--force", action="store_true", help="load even if this file was loaded before")
    lp.add_argument(
        "--rejects",
        type=Path,
        metavar="PATH",
        help="where to write rejected lines (default: FILE.rejects.jsonl beside FILE)",
    )
    lp.add_argument(
        "--batch-size", type=int, default=5000, metavar="N", help="lines per COPY batch (5000)"
    )
    lp.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    lp.add_argument(
        "--schema", default="app", help="schema of payment_events (dbt var app_source_schema)"
    )
    lp.set_defaults(func=cmd_load_payments)

    run = sub.add_parser(
        "run",
        help="database up, dbt build, CSVs, summary (what `make run` does)",
        description="Start the database if needed, load setup.sql once, dbt build, export CSVs.",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model and seed from scratch (needed once after a project update"
        " changes an incremental model's columns)",
    )
    run.add_argument(
        "--as-of",
        type=_iso_date,
        default=activity_metrics.DEFAULT_AS_OF_DATE,
        metavar="YYYY-MM-DD",
        help="as-of date D of the 30-day activity metrics (default %(default)s)",
    )
    run.set_defaults(func=cmd_run)

    dash = sub.add_parser(
        "dashboard",
        help="serve the Streamlit dashboard over the marts (what `make dashboard` does)",
        description=(
            "Start the database if needed and serve the app on 127.0.0.1:PORT, connected as a "
            "read-only role (GLOFOX_DASHBOARD_USER, default glofox_dashboard) that reads only "
            "the relations the dashboard shows. On the embedded server the role is created or "
            "refreshed here (password GLOFOX_DASHBOARD_PASSWORD, else a random one kept in "
            ".glofox/). On another server nothing is created unless --grant-only or "
            "GLOFOX_DASHBOARD_CREATE_ROLE=1 asks for it; the password always comes from "
            "GLOFOX_DASHBOARD_PASSWORD. Build the marts first with `make run`."
        ),
    )
    dash.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    dash.add_argument("--address", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    dash.add_argument(
        "--grant-only",
        action="store_true",
        help="only create/refresh the read-only role and its grants (on any server), then exit",
    )
    dash.set_defaults(func=cmd_dashboard)

    plan = sub.add_parser(
        "experiment-plan",
        help="users per arm an A/B test needs",
        description=(
            "Pre-launch sample size: users per arm (equal arms) for a two-sided pooled "
            "two-proportion z-test to detect an absolute change MDE from a BASELINE rate. "
            "Rates are fractions: 0.30 is 30%, 0.05 is 5 percentage points."
        ),
    )
    plan.add_argument(
        "--baseline", type=float, required=True, metavar="RATE", help="control rate, e.g. 0.30"
    )
    plan.add_argument(
        "--mde", type=float, required=True, metavar="DIFF", help="absolute effect, e.g. 0.05"
    )
    plan.add_argument(
        "--alpha", type=float, default=0.05, help="two-sided significance level (0.05)"
    )
    plan.add_argument("--power", type=float, default=0.8, help="power (0.8)")
    plan.set_defaults(func=cmd_experiment_plan)

    report = sub.add_parser(
        "experiment-report",
        help="the A/B test result of an experiment for an as-of date",
        description=(
            "Read marts.fct_experiment_arm_metrics (built by dbt for the as_of_date var) and print "
            "the SRM check, each goal metric's arms, difference with Newcombe 95% interval, "
            "z-test p-value, relative lift with delta-method interval, Holm-adjusted p-values, "
            "the minimum detectable effect, the users still in progress and a verdict. "
            "Refuses to answer if the models were built for another date."
        ),
    )
    report.add_argument(
        "--experiment",
        required=True,
        metavar="KEY",
        help="experiment_key, e.g. onboarding_checklist",
    )
    report.add_argument(
        "--as-of", required=True, type=_iso_date, metavar="YYYY-MM-DD", help="the as-of date D"
    )
    report.add_argument(
        "--format",
        choices=["json", "markdown"],
        default="markdown",
        help="output format (markdown)",
    )
    report.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    report.set_defaults(func=cmd_experiment_report)

    gen = sub.add_parser(
        "generate",
        help="fill the setup.sql tables with synthetic dirty data at scale",
        description=(
            "Drop and recreate the tables of setup.sql (their DDL is read from setup.sql) and "
            "fill every glofox and app table with synthetic data with the same kinds of dirty "
            "rows as setup.sql, a few percent of each: about N gym users, 3N purchases, 10N "
            "messages and N payment documents. Streams with COPY in chunks of users (bounded "
            "memory); the same --users and --seed give the same data. Overwrites the tables: "
            "use --database for a database of its own."
        ),
    )
    gen.add_argument("--users", type=int, required=True, metavar="N", help="gym users, e.g. 100000")
    gen.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    gen.add_argument(
        "--database",
        metavar="NAME",
        help="database to fill, created when missing (default: PGDATABASE / glofox)",
    )
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")
    gen.set_defaults(func=cmd_generate)

    sol = sub.add_parser(
        "solution",
        help="generate solution.sql from the dbt models",
        description=(
            "Compile the models the two lead-conversion marts need (dbt compile) and write them "
            "as one psql script that rebuilds public.fct_client_conversion_events and "
            "public.fct_lead_conversions: psql -h localhost -U postgres -d glofox -f solution.sql"
        ),
    )
    sol.add_argument(
        "--output", type=Path, metavar="FILE", help="where to write (default: solution.sql)"
    )
    sol.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when FILE differs from what would be generated",
    )
    sol.set_defaults(func=cmd_solution)

    from glofox import spark_loader

    spark = sub.add_parser(
        "spark-load",
        help="copy the lead and app input tables into Spark (optional Spark engine)",
        description=spark_loader.DESCRIPTION,
    )
    spark_loader.add_arguments(spark)
    spark.set_defaults(func=cmd_spark_load)
    return parser


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in YYYY-MM-DD form") from error


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv[:1] == ["dbt"] and argv[1:2] not in (["-h"], ["--help"]):
        # Everything after `dbt` is dbt's, its options included (argparse would claim them).
        args = argparse.Namespace(func=cmd_dbt, dbt_args=argv[1:])
    else:
        args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except psycopg.errors.InsufficientPrivilege as error:
        user = os.environ.get("PGUSER", settings.DEMO_USER)
        print(database.privilege_message(user, error), file=sys.stderr)
    except psycopg.OperationalError as error:
        print(
            f"glofox: the database is unreachable: {database.one_line(error)}. Start it with "
            "`glofox db start` (or `make run`), or check PGHOST/PGPORT/PGUSER/PGPASSWORD, "
            "then run the command again.",
            file=sys.stderr,
        )
    except psycopg.Error as error:
        print(f"glofox: database error: {database.one_line(error)}", file=sys.stderr)
    except files.WriteError as error:
        print(f"glofox: {error}", file=sys.stderr)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"glofox: {where}{error.strerror or database.one_line(error)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
