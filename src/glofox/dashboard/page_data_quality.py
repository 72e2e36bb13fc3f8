"""Data quality page: how many input rows the audit models set aside or flag, by rule.

Reads only counts from the audit schema: rows set aside (L2, L3, L5, L6; A1, A2; E1, E2) and
values flagged but kept (L6, L7, L8; A7), from each audit model's counts table
(`<audit model>_counts`, per input table x rule x reason, rebuilt with it: issue 6), so the
page never computes an audit view at query time. Each one is optional here: one that is not
built is named, and the others are still shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import psycopg
import streamlit as st
from psycopg import sql

from glofox.dashboard import formatting, queries


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
        """The audit model counted per input table x rule x reason: a small table (issue 6)."""
        return f"{self.relation}_counts"


SOURCES = (
    AuditSource(
        "audit.audit_glofox__rows_set_aside", "public.*", "set aside", "reason", "source_table"
    ),
    AuditSource(
        "audit.dq_glofox__flagged_values", "public.*", "flagged, kept", "check_name", "source_table"
    ),
    AuditSource(
        "audit.audit_app__documents_set_aside", "app.payment_events", "set aside", "reason"
    ),
    AuditSource("audit.audit_app__unknown_senders", "app.messages", "flagged, kept", "reason"),
    AuditSource(
        "audit.audit_experiments__assignments_set_aside",
        "app.experiment_assignments",
        "set aside",
        "reason",
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


def render() -> None:
    st.title("Data quality")
    st.caption(
        "Every input row is used or listed in an audit model with the rule that set it aside "
        "(L5, A2, E1). Rows *set aside* are not in the marts; values *flagged, kept* are in the "
        "marts as given and listed for review (L8, A7)."
    )
    try:
        frame, missing = counts()
    except psycopg.OperationalError as error:
        st.error(f"Cannot connect with the dashboard's role: run `make dashboard`.\n\n{error}")
        st.stop()
    if missing and frame.empty:
        st.error(
            "The audit models are not built yet: "
            + ", ".join(f"`{name}`" for name in missing)
            + ".\n\nRun `make run`, then reload this page."
        )
        st.stop()
    if missing:
        st.warning("Not built (yet): " + ", ".join(f"`{name}`" for name in missing))

    rules = sorted(frame["rule_id"].dropna().unique().tolist())
    chosen = st.multiselect("Rule", rules, key="rule", bind="query-params")
    shown = frame[frame["rule_id"].isin(chosen)] if chosen else frame

    columns = st.columns(len(OUTCOMES) + 1)
    for column, outcome in zip(columns, OUTCOMES, strict=False):
        total = int(shown.loc[shown["outcome"] == outcome, "row_count"].sum())
        column.metric(f"Rows {outcome}", formatting.count(total), border=True)
    columns[-1].metric("Rules involved", formatting.count(shown["rule_id"].nunique()), border=True)

    by_rule = (
        shown.groupby(["rule_id", "outcome"], as_index=False)["row_count"]
        .sum()
        .sort_values("rule_id")
    )
    if not by_rule.empty:
        chart = (
            alt.Chart(by_rule)
            .mark_bar()
            .encode(
                x=alt.X("rule_id:N", title="Rule"),
                y=alt.Y("row_count:Q", title="Rows"),
                color=alt.Color("outcome:N", title="Outcome"),
                tooltip=["rule_id", "outcome", "row_count"],
            )
        )
        st.altair_chart(chart)
    st.subheader("By rule and reason")
    st.table(
        shown.rename(
            columns={
                "outcome": "Outcome",
                "input_table": "Input table",
                "rule_id": "Rule",
                "reason": "Reason",
                "row_count": "Rows",
                "audit_model": "Audit model",
            }
        ).reset_index(drop=True)
    )
