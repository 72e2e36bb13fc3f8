"""Write the published marts as CSV files under outputs/ (the brief asks for CSV answers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from glofox import database, files, settings


@dataclass(frozen=True)
class CsvOutput:
    file_name: str
    schema: str
    relation: str
    order_by: tuple[str, ...]
    # The columns to write, in order; empty = every column of the relation.
    columns: tuple[str, ...] = ()
    # Only the rows of the latest as_of_date (a deliverable of one D out of the series).
    latest_day_only: bool = False


# The window columns that lead each activity deliverable CSV (rule A4).
ACTIVITY_WINDOW = ("as_of_date", "window_start", "window_end")

# One entry per answer the brief asks for as a CSV.
OUTPUTS: list[CsvOutput] = [
    CsvOutput(
        "fct_client_conversion_events.csv", "marts", "fct_client_conversion_events", ("user_id",)
    ),
    CsvOutput(
        "fct_lead_conversions.csv",
        "marts",
        "fct_lead_conversions",
        ("user_id", "client_conversion_event_filter"),
    ),
    # A5-A12: one CSV per deliverable of the activity brief, for the as-of date of the run
    # (the series' last day); activity_metrics_30d.csv is the whole daily series.
    CsvOutput("activity_d1_new_users.csv", "marts", "dim_new_users_30d", ("created_at", "id")),
    CsvOutput(
        "activity_d2_new_user_revenue.csv",
        "marts",
        "metrics_30d",
        ("as_of_date",),
        (*ACTIVITY_WINDOW, "new_users", "new_user_revenue"),
        latest_day_only=True,
    ),
    CsvOutput(
        "activity_d3_active_users.csv",
        "marts",
        "metrics_30d",
        ("as_of_date",),
        (*ACTIVITY_WINDOW, "active_users", "active_paying_users"),
        latest_day_only=True,
    ),
    CsvOutput(
        "activity_d4_conversion_rate.csv",
        "marts",
        "metrics_30d",
        ("as_of_date",),
        (*ACTIVITY_WINDOW, "new_users", "converted_new_users", "conversion_rate"),
        latest_day_only=True,
    ),
    CsvOutput(
        "activity_d5_retention_rate.csv",
        "marts",
        "metrics_30d",
        ("as_of_date",),
        (
            *ACTIVITY_WINDOW,
            "retention_cohort_start",
            "retention_cohort_end",
            "retention_cohort_users",
            "retained_users",
            "retention_rate",
        ),
        latest_day_only=True,
    ),
    CsvOutput(
        "activity_d5_retention_by_first_payment_cohort.csv",
        "marts",
        "fct_retention_by_first_payment_cohort",
        ("cohort_grain", "cohort_start"),
    ),
    CsvOutput("activity_metrics_30d.csv", "marts", "metrics_30d", ("as_of_date",)),
    CsvOutput(
        "activity_segments_30d.csv",
        "marts",
        "fct_activity_segments_30d",
        ("branch_id", "country", "acquisition_source"),
    ),
    CsvOutput(
        "activity_daily_segments_30d.csv",
        "marts",
        "fct_activity_daily_segments_30d",
        ("activity_date", "branch_id", "country", "acquisition_source"),
    ),
]


def outputs_dir() -> Path:
    return settings.project_root() / "outputs"


def export_all(
    conn: settings.Connection,
    outputs: list[CsvOutput] | None = None,
    target: Path | None = None,
) -> list[tuple[Path, int]]:
    """Export every output (into `target`, default outputs/); return (path, row count) pairs."""
    target = target or outputs_dir()
    target.mkdir(exist_ok=True)
    written = []
    with database.connect(conn) as db:
        for output in outputs or OUTPUTS:
            types = dict(
                db.execute(
                    "select column_name, data_type from information_schema.columns"
                    " where table_schema = %s and table_name = %s order by ordinal_position",
                    (output.schema, output.relation),
                ).fetchall()
            )
            # Numbers as written by hand: 6628.2, not the contract's 18 decimal places.
            selected = sql.SQL(", ").join(
                sql.SQL("trim_scale({0}) as {0}" if types.get(c) == "numeric" else "{0}").format(
                    sql.Identifier(c)
                )
                for c in (output.columns or tuple(types))
            )
            relation = sql.SQL("{}.{}").format(
                sql.Identifier(output.schema), sql.Identifier(output.relation)
            )
            where = (
                sql.SQL(" where as_of_date = (select max(as_of_date) from {})").format(relation)
                if output.latest_day_only
                else sql.SQL("")
            )
            query = sql.SQL(
                "copy (select {} from {}{} order by {}) to stdout with (format csv, header)"
            ).format(
                selected,
                relation,
                where,
                # Ordered by each column's text in byte order (ids, dates, UUIDs alike).
                sql.SQL(", ").join(
                    sql.SQL('cast({} as text) collate "C"').format(sql.Identifier(c))
                    for c in output.order_by
                ),
            )
            path = target / output.file_name
            with files.atomic_write(path, "wb") as handle, db.cursor().copy(query) as copy:
                for chunk in copy:
                    handle.write(chunk)
            count = sql.SQL("select count(*) from {}{}").format(relation, where)
            written.append((path, db.execute(count).fetchone()[0]))
    return written
