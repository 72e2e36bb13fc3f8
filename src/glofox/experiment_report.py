"""`glofox experiment-report`: the A/B test result of one experiment for one as-of date (E5-E9).

Reads the per-arm counts the dbt models built (marts.fct_experiment_arm_metrics, E1-E4), runs
the statistics of `experiment_stats` (E5-E8) and writes the result as JSON (the fields of
E9) or as a markdown page (SRM check first, the per-metric table, the users still in
progress and a one-line verdict). It never answers for a date other than the one asked: if
the models were built for another as-of date it stops and says how to rebuild them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glofox import database, files, settings
from glofox.experiment_stats import (
    ALPHA,
    SRM_ALPHA,
    Arm,
    MetricComparison,
    compare,
    compare_metrics,
    srm_test,
)

RELATION = "marts.fct_experiment_arm_metrics"
GOAL_METRICS = ("converted_30d", "retained_30d")  # E7: tested together, Holm-adjusted
SECONDARY_METRICS = ("retained_30d_among_payers",)  # E4: shown, labelled, not in the family
ARMS = ("control", "treatment")
METRIC_LABELS = {
    "converted_30d": "30-day conversion",
    "retained_30d": "30-day retention (all assigned users)",
    "retained_30d_among_payers": "30-day retention among payers (secondary)",
}


class ReportError(Exception):
    """A report that cannot be given; the message says what to do."""


@dataclass(frozen=True)
class ArmRow:
    """One row of marts.fct_experiment_arm_metrics."""

    as_of_date: dt.date
    experiment_key: str
    variant: str
    metric: str
    assigned_users: int
    crossover_users: int
    eligible_users: int
    successes: int
    in_progress_users: int


def rebuild_hint(as_of: dt.date) -> str:
    return (
        f"Rebuild the experiment models for that date: `glofox exec -- dbt build --selector "
        f"experiments --vars '{{as_of_date: {as_of.isoformat()}}}'` (or `make run "
        f"AS_OF={as_of.isoformat()}`), then run the report again."
    )


def fetch_rows(conn: settings.Connection) -> list[ArmRow]:
    """Every row of marts.fct_experiment_arm_metrics; ReportError when it is not built."""
    with database.connect(conn) as db:
        if db.execute("select to_regclass(%s)", (RELATION,)).fetchone()[0] is None:
            raise ReportError(
                f"{RELATION} does not exist in {conn.database}: the experiment models are not "
                "built. Run `make run` (or `glofox exec -- dbt build --selector experiments`)."
            )
        rows = db.execute(
            "select as_of_date, experiment_key, variant, metric, assigned_users, "
            "crossover_users, eligible_users, successes, in_progress_users "
            f"from {RELATION} order by as_of_date, experiment_key, variant, metric"
        ).fetchall()
    return [ArmRow(*row) for row in rows]


def select_rows(rows: list[ArmRow], experiment_key: str, as_of: dt.date) -> list[ArmRow]:
    """The experiment's rows, after the checks that make the answer one for `as_of` (E9)."""
    if not rows:
        raise ReportError(
            f"{RELATION} is empty: no experiment had a user assigned by the end of the date "
            f"it was built for. {rebuild_hint(as_of)}"
        )
    # The models hold a daily series: every as-of date from the first assignment through
    # the date they were built for; any of those days is answered without a rebuild.
    built_for = sorted({row.as_of_date for row in rows})
    if as_of not in built_for:
        raise ReportError(
            f"The experiment models were built for as-of dates {built_for[0].isoformat()} to "
            f"{built_for[-1].isoformat()}, not {as_of.isoformat()}; the report will not answer "
            f"for another date. {rebuild_hint(as_of)}"
        )
    rows = [row for row in rows if row.as_of_date == as_of]
    known = sorted({row.experiment_key for row in rows})
    selected = [row for row in rows if row.experiment_key == experiment_key]
    if not selected:
        raise ReportError(
            f"Unknown experiment {experiment_key!r}: no user of it was assigned by the end of "
            f"{as_of.isoformat()}. Known experiments: {', '.join(known)}."
        )
    assigned = {row.variant: row.assigned_users for row in selected}
    missing = [arm for arm in ARMS if assigned.get(arm, 0) == 0]
    if missing:
        raise ReportError(
            f"Experiment {experiment_key!r} has no {' and no '.join(missing)} users assigned by "
            f"the end of {as_of.isoformat()} (crossovers excluded): there is nothing to compare. "
            "Check app.experiment_assignments (variants must be 'control' and 'treatment') "
            "and the audit audit.audit_experiments__assignments_set_aside."
        )
    primary = {row.variant: row for row in selected if row.metric == GOAL_METRICS[0]}
    empty = [arm for arm in ARMS if primary[arm].eligible_users == 0]
    if empty:
        raise ReportError(
            f"No eligible users in {' and '.join(empty)} on {as_of.isoformat()}: no 30-day "
            "conversion window of this experiment has fully elapsed by the end of that date. "
            "Choose a later --as-of date (and rebuild the models for it)."
        )
    return selected


def _number(value: float) -> float | None:
    """JSON has no NaN: an undefined value is null."""
    return None if value is None or math.isnan(value) else float(value)


def _arm_json(arm: Arm) -> dict[str, Any]:
    return {"n": arm.n, "successes": arm.successes, "rate": _number(arm.rate)}


def _metric_json(result: MetricComparison) -> dict[str, Any]:
    return {
        "metric": result.metric,
        "control": _arm_json(result.control),
        "treatment": _arm_json(result.treatment),
        "abs_diff": _number(result.abs_diff),
        "abs_ci": [_number(result.abs_ci[0]), _number(result.abs_ci[1])],
        "rel_lift": _number(result.rel_lift),
        "rel_ci": [_number(result.rel_ci[0]), _number(result.rel_ci[1])],
        "p_value": _number(result.p_value),
        "p_value_holm": _number(result.p_value_holm),
        "z": _number(result.z),
        "mde": _number(result.mde),
    }


def _arms(rows: list[ArmRow], metric: str) -> tuple[Arm, Arm]:
    by_arm = {row.variant: row for row in rows if row.metric == metric}
    return tuple(Arm(by_arm[a].eligible_users, by_arm[a].successes) for a in ARMS)  # type: ignore[return-value]


def build_report(rows: list[ArmRow], experiment_key: str, as_of: dt.date) -> dict[str, Any]:
    """The E9 JSON document for the experiment's (already checked) rows."""
    assigned = {row.variant: row.assigned_users for row in rows if row.metric == GOAL_METRICS[0]}
    srm = srm_test(assigned["control"], assigned["treatment"])
    goals = compare_metrics([(metric, *_arms(rows, metric)) for metric in GOAL_METRICS])
    secondary = [compare(metric, *_arms(rows, metric)) for metric in SECONDARY_METRICS]
    report: dict[str, Any] = {
        "experiment_key": experiment_key,
        "as_of": as_of.isoformat(),
        "srm_p_value": _number(srm.p_value),
        "srm_flag": srm.flag,
        "srm_chi2": _number(srm.chi2),
        "assigned": {arm: assigned[arm] for arm in ARMS},
        "crossovers": sum(row.crossover_users for row in rows if row.metric == GOAL_METRICS[0]),
        "in_progress": {
            metric: {row.variant: row.in_progress_users for row in rows if row.metric == metric}
            for metric in GOAL_METRICS
        },
        "alpha": ALPHA,
        "srm_alpha": SRM_ALPHA,
        "metrics": [_metric_json(result) for result in goals],
        "secondary_metrics": [_metric_json(result) for result in secondary],
    }
    report["verdict"] = verdict(report)
    return report


def _pp(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f} pp"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def verdict(report: dict[str, Any]) -> str:
    """One plain line: SRM first (E5), then each goal metric by its Holm-adjusted p (E7)."""
    if report["srm_flag"]:
        assigned = report["assigned"]
        return (
            f"Do not trust this result: sample ratio mismatch (control {assigned['control']}"
            f" vs treatment {assigned['treatment']} for a planned 50/50, SRM p = "
            f"{_p(report['srm_p_value'])}). Find and fix the assignment problem before reading "
            "any metric; no effect is claimed."
        )
    parts = []
    for metric in report["metrics"]:
        label = METRIC_LABELS[metric["metric"]].split(" (")[0]
        p_holm = metric["p_value_holm"]
        if p_holm is None:
            parts.append(f"{label} cannot be tested yet (no eligible users or no variation)")
        elif p_holm < report["alpha"]:
            direction = "raises" if metric["abs_diff"] > 0 else "lowers"
            low, high = metric["abs_ci"]
            parts.append(
                f"treatment {direction} {label} by {abs(metric['abs_diff']) * 100:.1f} pp "
                f"(95% CI {_pp(low)} to {_pp(high)}, Holm-adjusted p {_p(p_holm)})"
            )
        else:
            mde = metric["mde"]
            size = (
                f"; effects below {mde * 100:.1f} pp are not reliably detectable at this n"
                if mde is not None
                else ""
            )
            parts.append(
                f"no significant difference in {label} (Holm-adjusted p {_p(p_holm)}{size})"
            )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _fmt_rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _fmt_ci(ci: list[float | None], scale: float = 100, unit: str = " pp") -> str:
    if ci[0] is None or ci[1] is None:
        return "n/a"
    return f"[{ci[0] * scale:+.1f}, {ci[1] * scale:+.1f}]{unit}"


def _table(metrics: list[dict[str, Any]], with_holm: bool) -> list[str]:
    header = (
        "| metric | control n | control rate | treatment n | treatment rate | difference | "
        "95% CI (Newcombe) | relative lift | 95% CI (delta) | p | "
        + ("Holm p | " if with_holm else "")
        + "MDE (80% power) |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for m in metrics:
        lift = "n/a" if m["rel_lift"] is None else f"{m['rel_lift'] * 100:+.1f}%"
        cells = [
            METRIC_LABELS[m["metric"]],
            str(m["control"]["n"]),
            _fmt_rate(m["control"]["rate"]),
            str(m["treatment"]["n"]),
            _fmt_rate(m["treatment"]["rate"]),
            _pp(m["abs_diff"]),
            _fmt_ci(m["abs_ci"]),
            lift,
            _fmt_ci(m["rel_ci"], unit="%"),
            _p(m["p_value"]),
        ]
        if with_holm:
            cells.append(_p(m["p_value_holm"]))
        cells.append("n/a" if m["mde"] is None else f"{m['mde'] * 100:.1f} pp")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render_markdown(report: dict[str, Any]) -> str:
    """The report as a markdown page: SRM check first, then the metrics and the verdict."""
    assigned = report["assigned"]
    srm = (
        f"control {assigned['control']}, treatment {assigned['treatment']} assigned (planned "
        f"50/50); chi-squared {report['srm_chi2']:.2f}, p = {_p(report['srm_p_value'])}"
    )
    lines = [f"# A/B test report: {report['experiment_key']}, as of {report['as_of']}", ""]
    if report["srm_flag"]:
        lines += [
            f"> **WARNING: sample ratio mismatch.** {srm} < {report['srm_alpha']}. The "
            "assignment is broken or users are lost unevenly: the numbers below are not "
            "trustworthy.",
            "",
        ]
    else:
        lines += [f"Sample ratio check: OK, {srm}.", ""]
    lines += [
        f"Crossovers excluded (users logged in both variants): {report['crossovers']}.",
        "",
        "## Goal metrics (two-sided pooled z-test, Holm-adjusted across both)",
        "",
        *_table(report["metrics"], with_holm=True),
        "",
        "## Secondary figure (not part of the tested family)",
        "",
        *_table(report["secondary_metrics"], with_holm=False),
        "",
        "## Still in progress (window not yet elapsed by the end of the as-of date)",
        "",
        "| metric | control | treatment |",
        "|---|---|---|",
    ]
    for metric, arms in report["in_progress"].items():
        lines.append(
            f"| {METRIC_LABELS[metric]} | {arms.get('control', 0)} | {arms.get('treatment', 0)} |"
        )
    lines += [
        "",
        "Differences are treatment - control in percentage points; rates are over the users "
        "whose window has fully elapsed. MDE: the smallest increase detectable with 80% power "
        f"at alpha {report['alpha']} for these n.",
        "",
        f"**Verdict:** {report['verdict']}",
        "",
    ]
    return "\n".join(lines)


def run(
    experiment_key: str,
    as_of: dt.date,
    output_format: str,
    conn: settings.Connection | None = None,
) -> str:
    """The report for the project's database (or `conn`), as text in the asked format."""
    rows = select_rows(fetch_rows(conn or database.current()), experiment_key, as_of)
    report = build_report(rows, experiment_key, as_of)
    if output_format == "json":
        return json.dumps(report, indent=2, allow_nan=False) + "\n"
    return render_markdown(report)


SAMPLE_EXPERIMENT = "onboarding_checklist"  # the sample experiment of setup.sql


def write_reports(
    conn: settings.Connection,
    as_of: dt.date,
    directory: Path,
    experiment_key: str = SAMPLE_EXPERIMENT,
) -> list[Path]:
    """`make run`: the experiment's report as JSON and markdown files in `directory`.

    When no report can be given for `as_of` (e.g. no window has elapsed yet), says why and
    writes nothing, so `make run` goes on."""
    try:
        rows = select_rows(fetch_rows(conn), experiment_key, as_of)
    except ReportError as error:
        print(f"  experiment report for {experiment_key} not written: {error}")
        return []
    report = build_report(rows, experiment_key, as_of)
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"experiment_report_{experiment_key}"
    json_path, markdown_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    files.write_text(json_path, json.dumps(report, indent=2, allow_nan=False) + "\n")
    files.write_text(markdown_path, render_markdown(report))
    return [json_path, markdown_path]
