"""Copy the project's input tables from PostgreSQL into Spark.

Runs under `.venv-spark` (pyspark): `glofox spark-load` starts it there. The Spark session is
built from the `spark` target of profiles.yml (same warehouse, metastore and session settings
dbt uses), so dbt finds the tables where its sources point: the four lead-conversion tables in
`glofox_source_schema` (default `public`), the app tables (users, conversations, messages,
payment_events, experiment_assignments) in `app_source_schema` (default `app`). An app table
missing from PostgreSQL (the brief's container has none) is skipped with a line saying so.

Texts stay text, UUIDs become their canonical lower-case text (what PostgreSQL prints), times
become Spark TIMESTAMPs holding the same UTC wall-clock values (the session time zone is UTC;
timestamptz values are read as instants; `infinity` and `-infinity`, which Spark's TIMESTAMP
cannot hold, become NULL, and the load says how many), and JSON columns become STRING columns
holding the document's text as PostgreSQL stores it: json as written (spark__json_scalar_text
parses the lead details), jsonb in its normalised form (the payment documents; the spark__
JSON macros of the activity models parse it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import yaml

from glofox import database, settings

# The brief's input tables and columns (docs/rules.md, lead conversions), in table order.
INPUT_TABLES = database.LEAD_INPUT_COLUMNS
# The app tables (docs/rules.md, user activity and A/B tests), in table order.
APP_TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id", "created_at", "last_active"),
    "conversations": ("id", "created_at"),
    "messages": ("id", "conversation_id", "user_id", "created_at"),
    "payment_events": ("document", "loaded_at"),
    "experiment_assignments": ("user_id", "experiment_key", "variant", "assigned_at"),
}
TIMESTAMP_COLUMNS = frozenset(
    {
        "created_at",
        "membership_purchased_at",
        "credit_pack_purchased_at",
        "last_active",
        "loaded_at",
        "assigned_at",
    }
)
JSON_COLUMNS = frozenset(
    {"membership_purchase_details", "credit_pack_purchase_details", "document"}
)

# Rows per table name (the lead and app table names are distinct).
Rows = dict[str, list[dict[str, Any]]]


def profile_spark_conf(project_dir: Path | None = None) -> dict[str, str]:
    """The `server_side_parameters` of the `spark` target of profiles.yml, rendered with the
    current environment (env_var() as dbt renders it)."""
    root = project_dir or settings.project_root()
    text = (root / "profiles.yml").read_text(encoding="utf-8")

    def env_var(name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise SystemExit(f"glofox spark-load: profiles.yml needs the variable {name}; set it.")
        return value

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters["as_number"] = lambda value: value
    rendered = environment.from_string(text).render(env_var=env_var)
    outputs = yaml.safe_load(rendered)["glofox"]["outputs"]
    if "spark" not in outputs:
        raise SystemExit("glofox spark-load: profiles.yml has no `spark` target.")
    return {key: str(value) for key, value in outputs["spark"]["server_side_parameters"].items()}


def spark_session(conf: dict[str, str]):
    """The Spark session dbt-spark's session method would create (Hive metastore on)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SystemExit(
            "glofox spark-load: pyspark is not installed here. Run `make spark-setup` and use "
            ".venv-spark (glofox spark-load does that for you)."
        ) from error
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _select(schema: str, table: str, columns: Sequence[str]):
    """The table's columns (JSON as text, an infinite time as NULL) and, last, how many
    infinite times the row holds."""
    from psycopg import sql

    times = [column for column in columns if column in TIMESTAMP_COLUMNS]
    infinite = sql.SQL(" + ").join(
        sql.SQL("case when isfinite({}) then 0 else 1 end").format(sql.Identifier(column))
        for column in times
    )

    def read(column: str) -> sql.Composable:
        if column in JSON_COLUMNS:
            return sql.SQL("cast({} as text)").format(sql.Identifier(column))
        if column in TIMESTAMP_COLUMNS:
            return sql.SQL("case when isfinite({0}) then {0} end").format(sql.Identifier(column))
        return sql.Identifier(column)

    return sql.SQL("select {}, {} from {}").format(
        sql.SQL(", ").join(read(column) for column in columns),
        infinite if times else sql.SQL("0"),
        sql.Identifier(schema, table),
    )


def _read_table(db, schema: str, table: str, columns: Sequence[str]) -> tuple[list[dict], int]:
    """The rows of one table as dicts, and how many infinite times were read as NULL."""
    rows, infinite = [], 0
    for *values, infinite_in_row in db.execute(_select(schema, table, columns)):
        rows.append(
            {column: _text_if_uuid(value) for column, value in zip(columns, values, strict=True)}
        )
        infinite += infinite_in_row or 0
    return rows, infinite


def read_postgres(
    conn: settings.Connection,
    schema: str,
    app_schema: str = "app",
    log: Callable[[str], None] = print,
) -> Rows:
    """The four lead input tables from `schema` and the app tables of `app_schema` that exist;
    JSON documents as their stored text, UUIDs as text, an infinite time as NULL (logged per
    table: Spark's TIMESTAMP holds years 0001-9999 only)."""
    import psycopg

    tables: Rows = {}
    with psycopg.connect(conn.conninfo()) as db:
        sources = [(schema, table, columns) for table, columns in INPUT_TABLES.items()]
        for table, columns in APP_TABLES.items():
            found = db.execute("select to_regclass(%s)", (f'"{app_schema}"."{table}"',)).fetchone()
            if found is not None and found[0] is not None:
                sources.append((app_schema, table, columns))
        for source_schema, table, columns in sources:
            tables[table], infinite = _read_table(db, source_schema, table, columns)
            if infinite:
                log(
                    f"  {source_schema}.{table}: {infinite} infinite time(s) ('infinity' or "
                    "'-infinity') copied as NULL: Spark's TIMESTAMP cannot hold them"
                )
    return tables


def _text_if_uuid(value: Any) -> Any:
    """PostgreSQL's text of a UUID: lower-case, hyphenated (uuid.UUID's str is the same)."""
    return str(value) if isinstance(value, uuid.UUID) else value


def _spark_value(column: str, value: Any) -> Any:
    """A naive UTC datetime becomes an aware one: pyspark would read a naive one as local time."""
    if column in TIMESTAMP_COLUMNS and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _write_table(spark, schema: str, table: str, columns: Sequence[str], rows: list[dict]) -> int:
    from pyspark.sql.types import StringType, StructField, StructType, TimestampType

    spark_schema = StructType(
        [
            StructField(column, TimestampType() if column in TIMESTAMP_COLUMNS else StringType())
            for column in columns
        ]
    )
    values = [tuple(_spark_value(column, row[column]) for column in columns) for row in rows]
    frame = spark.createDataFrame(values, spark_schema)
    frame.write.mode("overwrite").format("parquet").saveAsTable(f"`{schema}`.`{table}`")
    return len(values)


def write_spark(
    spark,
    tables: Rows,
    schema: str,
    log: Callable[[str], None] = print,
    app_schema: str = "app",
) -> None:
    """Replace the Spark tables of `tables` with these rows (parquet, managed tables): the
    lead tables in `<schema>`, the app tables in `<app_schema>`."""
    for target, names in ((schema, INPUT_TABLES), (app_schema, APP_TABLES)):
        present = [table for table in names if table in tables]
        if present:
            spark.sql(f"create database if not exists `{target}`")
        for table in present:
            count = _write_table(spark, target, table, names[table], tables[table])
            log(f"  {target}.{table}: {count} rows")


def load(
    conn: settings.Connection,
    source_schema: str,
    target_schema: str,
    conf: dict[str, str],
    log: Callable[[str], None] = print,
    app_source_schema: str = "app",
    app_target_schema: str = "app",
) -> None:
    log(
        f"Reading {', '.join(INPUT_TABLES)} (schema {source_schema}) and the app tables "
        f"(schema {app_source_schema}) from {conn.describe()} ..."
    )
    tables = read_postgres(conn, source_schema, app_source_schema, log)
    missing = [table for table in APP_TABLES if table not in tables]
    if missing:
        names = ", ".join(f"{app_source_schema}.{table}" for table in missing)
        log(f"  not in PostgreSQL, not copied: {names}")
    log("Starting Spark (about 10 s) ...")
    spark = spark_session(conf)
    log(f"Writing them to Spark (warehouse {conf.get('spark.sql.warehouse.dir')}):")
    write_spark(spark, tables, target_schema, log, app_target_schema)


DESCRIPTION = (
    "Copy the lead-conversion input tables (dim_branch, dim_user, fct_membership_purchases, "
    "fct_credit_pack_purchases) and the app tables (users, conversations, messages, "
    "payment_events, experiment_assignments; those that exist) from the project's PostgreSQL "
    "into Spark tables of the same names, so that `dbt build --target spark` builds the lead "
    "marts and the activity and experiment models on Spark. Uses the `spark` target "
    "of profiles.yml: warehouse and Derby metastore under GLOFOX_SPARK_DIR (default "
    ".glofox/spark). Runs in .venv-spark (`make spark-setup`). Existing Spark tables are replaced."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source-schema",
        default="public",
        help="PostgreSQL schema holding the four lead tables (default: public)",
    )
    parser.add_argument(
        "--target-schema",
        default="public",
        help="Spark database to write them to, dbt's var glofox_source_schema (default: public)",
    )
    parser.add_argument(
        "--app-source-schema",
        default="app",
        help="PostgreSQL schema holding the app tables (default: app)",
    )
    parser.add_argument(
        "--app-target-schema",
        default="app",
        help="Spark database to write them to, dbt's var app_source_schema (default: app)",
    )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glofox spark-load", description=DESCRIPTION)
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    load(
        database.current(),
        args.source_schema,
        args.target_schema,
        profile_spark_conf(),
        app_source_schema=args.app_source_schema,
        app_target_schema=args.app_target_schema,
    )
    print("Done. Next: make spark-run (dbt build --target spark of the lead and activity parts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
