"""Copy the four lead-conversion input tables from PostgreSQL into Spark (issue 7).

Runs under `.venv-spark` (pyspark): `glofox spark-load` starts it there. The Spark session is
built from the `spark` target of profiles.yml (same warehouse, metastore and session settings
dbt uses), so dbt finds the tables in the source schema (`glofox_source_schema`, default
`public`). Texts stay text, times become Spark TIMESTAMPs holding the same UTC wall-clock
values (the session time zone is UTC), and the JSON details columns become STRING columns
holding the document's text as PostgreSQL stores it (spark__json_scalar_text parses them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
import yaml

from glofox import database, settings

# The brief's input tables and columns (spec lead-conversions.md, Inputs), in table order.
INPUT_TABLES = database.LEAD_INPUT_COLUMNS
TIMESTAMP_COLUMNS = frozenset({"created_at", "membership_purchased_at", "credit_pack_purchased_at"})
JSON_COLUMNS = frozenset({"membership_purchase_details", "credit_pack_purchase_details"})

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


def read_postgres(conn: settings.Connection, schema: str) -> Rows:
    """The four input tables from PostgreSQL; JSON documents as their stored text."""
    import psycopg
    from psycopg import sql

    tables: Rows = {}
    with psycopg.connect(conn.conninfo()) as db:
        for table, columns in INPUT_TABLES.items():
            select = sql.SQL(", ").join(
                sql.SQL("cast({} as text)").format(sql.Identifier(column))
                if column in JSON_COLUMNS
                else sql.Identifier(column)
                for column in columns
            )
            query = sql.SQL("select {} from {}").format(select, sql.Identifier(schema, table))
            rows = db.execute(query).fetchall()
            tables[table] = [dict(zip(columns, row, strict=True)) for row in rows]
    return tables


def _spark_value(column: str, value: Any) -> Any:
    """A naive UTC datetime becomes an aware one: pyspark would read a naive one as local time."""
    if column in TIMESTAMP_COLUMNS and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def write_spark(
    spark,
    tables: Rows,
    schema: str,
    log: Callable[[str], None] = print,
) -> None:
    """Replace the Spark tables `<schema>.<table>` with these rows (parquet, managed tables)."""
    from pyspark.sql.types import StringType, StructField, StructType, TimestampType

    spark.sql(f"create database if not exists `{schema}`")
    for table, columns in INPUT_TABLES.items():
        spark_schema = StructType(
            [
                StructField(
                    column, TimestampType() if column in TIMESTAMP_COLUMNS else StringType()
                )
                for column in columns
            ]
        )
        rows = [
            tuple(_spark_value(column, row[column]) for column in columns)
            for row in tables.get(table, [])
        ]
        frame = spark.createDataFrame(rows, spark_schema)
        frame.write.mode("overwrite").format("parquet").saveAsTable(f"`{schema}`.`{table}`")
        log(f"  {schema}.{table}: {len(rows)} rows")


def load(
    conn: settings.Connection,
    source_schema: str,
    target_schema: str,
    conf: dict[str, str],
    log: Callable[[str], None] = print,
) -> None:
    log(f"Reading {', '.join(INPUT_TABLES)} from {conn.describe()} (schema {source_schema}) ...")
    tables = read_postgres(conn, source_schema)
    log("Starting Spark (about 10 s) ...")
    spark = spark_session(conf)
    log(f"Writing them to Spark (warehouse {conf.get('spark.sql.warehouse.dir')}):")
    write_spark(spark, tables, target_schema, log)


DESCRIPTION = (
    "Copy dim_branch, dim_user, fct_membership_purchases and fct_credit_pack_purchases from the "
    "project's PostgreSQL into Spark tables of the same names, so that `dbt build --target spark "
    "--selector lead_conversions` builds the lead marts on Spark. Uses the `spark` "
    "target of profiles.yml: warehouse and Derby metastore under GLOFOX_SPARK_DIR (default "
    ".glofox/spark). Runs in .venv-spark (`make spark-setup`). Existing Spark tables are replaced."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source-schema",
        default="public",
        help="PostgreSQL schema holding the four tables (default: public)",
    )
    parser.add_argument(
        "--target-schema",
        default="public",
        help="Spark database to write them to, dbt's var glofox_source_schema (default: public)",
    )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="glofox spark-load", description=DESCRIPTION)
    add_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    load(database.current(), args.source_schema, args.target_schema, profile_spark_conf())
    print("Done. Next: .venv-spark/bin/dbt build --target spark --selector lead_conversions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
