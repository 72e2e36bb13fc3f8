"""Experiments page (E1-E10): the report of `glofox experiment-report`, rendered, SRM first.

Filters and renders only: the per-arm rows come from glofox.dashboard.experiment_data and go
to glofox.experiment_report, the module behind the command, so the page and the command give
the same numbers, checks and verdict (E5-E9).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from glofox import experiment_report
from glofox.dashboard import components, experiment_data, formatting

# converted_30d is the paid-or-messaged kind of conversion: named as on the Activity page.
SHORT_LABELS = {
    "converted_30d": "30-day total conversion",
    "retained_30d": "30-day retention",
}


def _p_text(value: float | None) -> str:
    shown = formatting.p_value(value)
    return shown if shown.startswith("<") else f"= {shown}"


def _metric_tiles(report: dict) -> None:
    for metric in report["metrics"]:
        label = SHORT_LABELS.get(metric["metric"], metric["metric"])
        columns = st.columns(3)
        for column, arm in zip(columns[:2], ("control", "treatment"), strict=True):
            values = metric[arm]
            components.kpi(
                column,
                f"{label}: {arm}",
                formatting.rate(values["successes"], values["n"]),
                formatting.ratio_caption(values["successes"], values["n"]),
                "successes / eligible users: those whose window has fully elapsed",
            )
        diff = metric["abs_diff"]
        components.kpi(
            columns[2],
            f"{label}: difference",
            "n/a" if diff is None else f"{diff * 100:+.2f} pp",
            f"Holm-adjusted p {_p_text(metric['p_value_holm'])}",
            "treatment - control in percentage points; p adjusted by Holm for the metrics tested",
        )


def render() -> None:
    st.title("Experiments")
    version = components.require(experiment_data.RELATIONS)
    rows = experiment_data.rows(version)
    keys = sorted({row.experiment_key for row in rows})
    if not keys:
        st.warning(
            "No experiment results yet: no experiment had a user assigned by the as-of date "
            "the experiment models were built for."
        )
        return
    experiment = st.selectbox("Experiment", keys, key="experiment", bind="query-params")
    built_for = sorted({row.as_of_date for row in rows})
    as_of: dt.date = built_for[-1]
    st.caption(
        f"As of {as_of.isoformat()}: the date the experiment models were built for. For another "
        "date, rebuild them (`make run AS_OF=YYYY-MM-DD`) "
        "and reload."
    )
    try:
        selected = experiment_report.select_rows(rows, experiment or keys[0], as_of)
    except experiment_report.ReportError as error:
        st.error(str(error))
        return
    report = experiment_report.build_report(selected, experiment or keys[0], as_of)
    assigned = report["assigned"]
    # The sample ratio check first: decides whether anything below can be trusted.
    srm = (
        f"control {formatting.count(assigned['control'])} vs treatment "
        f"{formatting.count(assigned['treatment'])} assigned for a planned 50/50; "
        f"SRM p {_p_text(report['srm_p_value'])}"
    )
    if report["srm_flag"]:
        st.error(f"**Sample ratio mismatch: do not trust this result.** {srm}.")
    else:
        st.success(f"Sample ratio check passed: {srm}.")
    st.info(f"**Verdict:** {report['verdict']}")
    _metric_tiles(report)
    with st.expander("The full report (as `glofox experiment-report --format markdown`)", True):
        st.markdown(experiment_report.render_markdown(report))
