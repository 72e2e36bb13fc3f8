"""Experiments page (E1-E10): the report of `glofox experiment-report`, rendered, SRM first.

Reads marts.fct_experiment_arm_metrics (E1-E4) through the dashboard's query layer and hands the
rows to glofox.experiment_report, the module behind the command, so the page and the
command give the same numbers, checks and verdict (E5-E9).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from glofox import experiment_report
from glofox.dashboard import components, formatting, queries

RELATIONS = (experiment_report.RELATION,)
SHORT_LABELS = {"converted_30d": "30-day conversion", "retained_30d": "30-day retention"}

Q_ARM_ROWS = queries.register(
    "experiment_arm_rows",
    """
    select
        as_of_date,
        experiment_key,
        variant,
        metric,
        assigned_users,
        crossover_users,
        eligible_users,
        successes,
        in_progress_users
    from marts.fct_experiment_arm_metrics
    order by experiment_key, variant, metric
    """,
)


def _rows(version: str) -> list[experiment_report.ArmRow]:
    frame = queries.frame(Q_ARM_ROWS, version)
    return [
        experiment_report.ArmRow(
            as_of_date=row.as_of_date,
            experiment_key=str(row.experiment_key),
            variant=str(row.variant),
            metric=str(row.metric),
            assigned_users=int(row.assigned_users),
            crossover_users=int(row.crossover_users),
            eligible_users=int(row.eligible_users),
            successes=int(row.successes),
            in_progress_users=int(row.in_progress_users),
        )
        for row in frame.itertuples(index=False)
    ]


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
                "successes / eligible users (E2-E4)",
            )
        diff = metric["abs_diff"]
        components.kpi(
            columns[2],
            f"{label}: difference",
            "n/a" if diff is None else f"{diff * 100:+.2f} pp",
            f"Holm-adjusted p {_p_text(metric['p_value_holm'])}",
            "treatment - control in percentage points (E6), p adjusted by Holm (E7)",
        )


def render() -> None:
    st.title("Experiments")
    version = components.require(RELATIONS)
    rows = _rows(version)
    keys = sorted({row.experiment_key for row in rows})
    if not keys:
        st.warning(
            "marts.fct_experiment_arm_metrics is empty: no experiment had a user assigned by the "
            "as-of date it was built for."
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
    # E5 first: the sample ratio check decides whether anything below can be trusted.
    srm = (
        f"control {formatting.count(assigned['control'])} vs treatment "
        f"{formatting.count(assigned['treatment'])} assigned for a planned 50/50; "
        f"SRM p {_p_text(report['srm_p_value'])}"
    )
    if report["srm_flag"]:
        st.error(f"**Sample ratio mismatch (E5): do not trust this result.** {srm}.")
    else:
        st.success(f"Sample ratio check (E5) passed: {srm}.")
    st.info(f"**Verdict:** {report['verdict']}")
    _metric_tiles(report)
    with st.expander("The full report (as `glofox experiment-report --format markdown`)", True):
        st.markdown(experiment_report.render_markdown(report))
