"""Data quality page: how many input rows were set aside or flagged, and why, in words.

Filters and renders only: the counts come from glofox.dashboard.quality_data.
"""

from __future__ import annotations

import altair as alt
import psycopg
import streamlit as st

from glofox.dashboard import formatting, quality_data


def render() -> None:
    st.title("Data quality")
    st.caption(
        "Every input row is used or listed in an audit model with the rule that set it aside. "
        "Rows *set aside* are not in the marts; values *flagged, kept* are in the marts as "
        "given and listed for review."
    )
    try:
        frame, missing = quality_data.counts()
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

    frame = frame.assign(
        rule=[quality_data.RULE_WORDS.get(rule, rule) for rule in frame["rule_id"]]
    )
    rules = sorted(frame["rule"].dropna().unique().tolist())
    chosen = st.multiselect("Rule", rules, key="rule", bind="query-params")
    shown = frame[frame["rule"].isin(chosen)] if chosen else frame

    columns = st.columns(len(quality_data.OUTCOMES) + 1)
    for column, outcome in zip(columns, quality_data.OUTCOMES, strict=False):
        total = int(shown.loc[shown["outcome"] == outcome, "row_count"].sum())
        column.metric(f"Rows {outcome}", formatting.count(total), border=True)
    columns[-1].metric("Rules involved", formatting.count(shown["rule"].nunique()), border=True)

    by_rule = (
        shown.groupby(["rule", "outcome"], as_index=False)["row_count"].sum().sort_values("rule")
    )
    if not by_rule.empty:
        chart = (
            alt.Chart(by_rule)
            .mark_bar()
            .encode(
                x=alt.X("rule:N", title="Rule", sort=None),  # the table's order
                y=alt.Y("row_count:Q", title="Rows"),
                color=alt.Color("outcome:N", title="Outcome"),
                tooltip=[
                    alt.Tooltip("rule:N", title="Rule"),
                    alt.Tooltip("outcome:N", title="Outcome"),
                    alt.Tooltip("row_count:Q", title="Rows"),
                ],
            )
        )
        st.altair_chart(chart)
    st.subheader("By rule and reason")
    st.table(
        shown.sort_values(["rule", "input_table", "reason"])[
            ["outcome", "rule", "input_table", "reason", "row_count", "audit_model"]
        ]
        .rename(
            columns={
                "outcome": "Outcome",
                "input_table": "Input table",
                "rule": "Rule",
                "reason": "Reason",
                "row_count": "Rows",
                "audit_model": "Audit model",
            }
        )
        .reset_index(drop=True)
    )
