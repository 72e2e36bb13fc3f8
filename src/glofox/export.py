"""Write the published marts as CSV files under outputs/ (the brief asks for CSV answers)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from glofox import database, settings


@dataclass(frozen=True)
class CsvOutput:
    file_name: str
    schema: str
    relation: str
    order_by: tuple[str, ...]


# One entry per answer; later issues add theirs here.
OUTPUTS: list[CsvOutput] = [
    CsvOutput("fct_client_conversion_events.csv", "marts", "fct_client_conversion_events", ("user_id",)),
    CsvOutput(
        "fct_lead_conversions.csv",
        "marts",
        "fct_lead_conversions",
        ("user_id", "client_conversion_event_filter"),
    ),
]


def outputs_dir() -> Path:
    return settings.project_root() / "outputs"


def export_all(conn: settings.Connection, outputs: list[CsvOutput] | None = None) -> list[tuple[Path, int]]:
    """Export every output; return (path, row count) pairs."""
    target = outputs_dir()
    target.mkdir(exist_ok=True)
    written = []
    with database.connect(conn) as db:
        for output in outputs or OUTPUTS:
            query = sql.SQL("copy (select * from {}.{} order by {}) to stdout with (format csv, header)").format(
                sql.Identifier(output.schema),
                sql.Identifier(output.relation),
                sql.SQL(", ").join(sql.SQL("{} collate \"C\"").format(sql.Identifier(c)) for c in output.order_by),
            )
            path = target / output.file_name
            with path.open("wb") as handle, db.cursor().copy(query) as copy:
                for chunk in copy:
                    handle.write(chunk)
            count = sql.SQL("select count(*) from {}.{}").format(
                sql.Identifier(output.schema), sql.Identifier(output.relation)
            )
            written.append((path, db.execute(count).fetchone()[0]))
    return written
