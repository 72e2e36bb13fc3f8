"""The Data quality page's data: counts of the input rows the audit models set aside or flag.

Reads only counts from the audit schema: rows set aside (L2, L3, L5, L6; A1, A2; E1, E2) and
values flagged but kept (L6, L7, L8; A7), from each audit model's counts table
(`<audit model>_counts`, per input table x rule x reason, rebuilt with it), so the page never
computes an audit view at query time. Each one is optional: one that is not built is named,
and the others are still shown. RULE_WORDS says each rule in words, for the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from psycopg import sql

from glofox.dashboard import queries

# What each rule that sets rows aside or flags them checks, in the words the page shows.
RULE_WORDS = {
    "L2": "Users without an id, or listed twice",
    "L3": "Purchases without an id, user or time, or listed twice",
    "L5": "Purchases of people not in the user list",
    "L6": "Branches without an id, listed twice, or with an unknown time zone",
    "L7": "Users without a known branch (UTC used)",
    "L8": "Missing or implausible dates (kept as given)",
    "A1": "Payment documents delivered more than once",
    "A2": "Payment documents that are not valid payments",
    "A7": "Messages from senders missing from the app's users",
    "E1": "Experiment assignments repeated or in both variants",
    "E2": "Experiment assignments that cannot be analysed",
}


@dataclass(frozen=True)
class AuditSource:
    relation: str
    input_table: str
    outcome: str  # "set aside" (not in the marts) or "flagged, kept" (in the marts, flagged)
    reason_column: str
    table_column: str | None = None  # when the audit model names the input table itself

    @property
    def query_name(self) -> str:
        return f"dq_{self.relation}"

    @property
    def counts_relation(self) -> str:
        """The audit model counted per input table x rule x reason: a small table."""
        return f"{self.relation}_counts"


SOURCES = (
    AuditSource(
        "audit.audit_glofox__rows_set_aside",
        "public.*",
        "set aside",
        "set_aside_reason",
        "source_table",
    ),
    AuditSource(
        "audit.dq_glofox__flagged_values", "public.*", "flagged, kept", "check_name", "source_table"
    ),
    AuditSource(
        "audit.audit_app__documents_set_aside",
        "app.payment_events",
        "set aside",
        "set_aside_reason",
    ),
    AuditSource("audit.audit_app__unknown_senders", "app.messages", "flagged, kept", "reason"),
    AuditSource(
        "audit.audit_experiments__assignments_set_aside",
        "app.experiment_assignments",
        "set aside",
        "set_aside_reason",
    ),
)
OUTCOMES = ("set aside", "flagged, kept")


def _count_query(source: AuditSource) -> sql.Composable:
    schema, name = source.counts_relation.split(".")
    return sql.SQL(
        """
        select input_table, rule_id, reason, row_count
        from {relation}
        order by rule_id, input_table, reason
        """
    ).format(relation=sql.Identifier(schema, name))


for _source in SOURCES:
    queries.register(_source.query_name, _count_query(_source))


def counts() -> tuple[pd.DataFrame, list[str]]:
    """Counts by outcome, input table, rule and reason; and the audit models not built."""
    frames, missing = [], []
    for source in SOURCES:
        try:
            version = queries.data_version([source.counts_relation])
        except queries.MartsMissing:
            missing.append(source.counts_relation)
            continue
        frame = queries.frame(source.query_name, version)
        frames.append(frame.assign(outcome=source.outcome, audit_model=source.relation))
    columns = ["outcome", "input_table", "rule_id", "reason", "row_count", "audit_model"]
    if not frames:
        return pd.DataFrame(columns=columns), missing
    return pd.concat(frames, ignore_index=True)[columns], missing
