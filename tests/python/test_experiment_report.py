"""E1-E9 end to end: setup.sql's sample experiment through dbt to `glofox experiment-report`.

One scratch database holds the real setup.sql plus a few experiments added here (a 60/40
split, an experiment without a control arm, one whose users all signed up in the last week);
dbt builds the experiment models for D = 2026-03-31 and the report reads them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from glofox import experiment_report
from glofox.experiment_report import ReportError
from harness import PROJECT_ROOT, ScratchDatabase, rule_codes

AS_OF = dt.date(2026, 3, 31)
SAMPLE = "onboarding_checklist"
# setup.sql, section experiments: a treatment user is nudged into one extra message inside
# the conversion window with probability 0.60, so the true lift of 30-day conversion is
# 0.60 x (1 - baseline conversion); retention has no planted effect (true difference 0).
NUDGE_SHARE = 0.60
# setup.sql plants 8 crossovers.
PLANTED_CROSSOVERS = 8

# Experiments added to the sample: the same signups, hashed into arms (deterministic).
EXTRA_EXPERIMENTS = """
insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select
    id,
    'paywall_copy',
    -- a planted 60/40 split: bytes 0..153 of 256 (60.2%) go to control
    case when get_byte(decode(md5('paywall_copy:' || cast(id as text)), 'hex'), 0) < 154
        then 'control' else 'treatment' end,
    created_at
from app.users
where created_at >= timestamp '2025-10-01' and created_at < timestamp '2026-04-01';

insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select id, 'treatment_only', 'treatment', created_at
from app.users
where created_at >= timestamp '2025-10-01' and created_at < timestamp '2026-04-01';

insert into app.experiment_assignments (user_id, experiment_key, variant, assigned_at)
select
    id,
    'just_launched',
    case when get_byte(decode(md5(cast(id as text)), 'hex'), 0) % 2 = 0
        then 'control' else 'treatment' end,
    created_at
from app.users
where created_at >= timestamp '2026-03-25' and created_at < timestamp '2026-04-01';
"""


@pytest.fixture(scope="module")
def db():
    database = ScratchDatabase("experiment_report")
    database.load_sql_file(PROJECT_ROOT / "setup.sql")
    database.execute(EXTRA_EXPERIMENTS)
    database.dbt("run", "--selector", "experiments", vars={"as_of_date": AS_OF.isoformat()})
    yield database
    database.drop()


@pytest.fixture(scope="module")
def sample_report(db):
    return json.loads(experiment_report.run(SAMPLE, AS_OF, "json", conn=db.conn))


def metric(report: dict, name: str) -> dict:
    return next(m for m in report["metrics"] if m["metric"] == name)


def test_e9_json_carries_every_field_of_the_spec(sample_report):
    for key in ("experiment_key", "as_of", "srm_p_value", "srm_flag", "crossovers", "in_progress"):
        assert key in sample_report
    assert [m["metric"] for m in sample_report["metrics"]] == ["converted_30d", "retained_30d"]
    for m in sample_report["metrics"]:
        for key in ("abs_diff", "abs_ci", "rel_lift", "rel_ci", "p_value", "p_value_holm"):
            assert key in m
        for arm in ("control", "treatment"):
            assert set(m[arm]) == {"n", "successes", "rate"}
    assert set(sample_report["in_progress"]) == {"converted_30d", "retained_30d"}
    assert sample_report["as_of"] == "2026-03-31"


def test_e5_e6_sample_recovers_the_planted_conversion_effect(sample_report):
    assert sample_report["srm_flag"] is False
    assert sample_report["srm_p_value"] > 0.001
    conversion = metric(sample_report, "converted_30d")
    planted = NUDGE_SHARE * (1 - conversion["control"]["rate"])
    low, high = conversion["abs_ci"]
    assert low <= planted <= high
    assert conversion["p_value_holm"] < 0.05  # the effect is detectable at this n
    assert "raises 30-day conversion" in sample_report["verdict"]


def test_e4_e7_sample_retention_has_no_planted_effect(sample_report):
    retention = metric(sample_report, "retained_30d")
    low, high = retention["abs_ci"]
    assert low <= 0 <= high
    assert retention["p_value_holm"] >= retention["p_value"]
    assert "no significant difference in 30-day retention" in sample_report["verdict"]


def test_e6_e7_report_statistics_match_statsmodels_on_its_counts(sample_report):
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    raw = []
    for m in sample_report["metrics"]:
        t, c = m["treatment"], m["control"]
        _, p = proportions_ztest([t["successes"], c["successes"]], [t["n"], c["n"]])
        ci = confint_proportions_2indep(
            t["successes"], t["n"], c["successes"], c["n"], method="newcomb"
        )
        assert m["p_value"] == pytest.approx(p, rel=1e-9)
        assert m["abs_ci"] == pytest.approx(list(ci), abs=1e-9)
        raw.append(p)
    _, holm, _, _ = multipletests(raw, method="holm")
    assert [m["p_value_holm"] for m in sample_report["metrics"]] == pytest.approx(list(holm))


def test_e1_e2_counts_match_the_per_user_outcomes(db, sample_report):
    assert sample_report["crossovers"] == PLANTED_CROSSOVERS
    rows = db.query(
        """
        select
            variant,
            count(*) filter (where not is_crossover),
            count(*) filter (where is_conversion_eligible),
            count(*) filter (where converted_30d),
            count(*) filter (where is_conversion_in_progress),
            count(*) filter (where is_retention_eligible),
            count(*) filter (where retained_30d),
            count(*) filter (where is_retention_in_progress)
        from marts.fct_experiment_user_outcomes
        where experiment_key = %s
        group by variant
        """,
        (SAMPLE,),
    )
    conversion = metric(sample_report, "converted_30d")
    retention = metric(sample_report, "retained_30d")
    for variant, assigned, n_conv, conv, conv_open, n_ret, ret, ret_open in rows:
        assert sample_report["assigned"][variant] == assigned
        assert conversion[variant] == {"n": n_conv, "successes": conv, "rate": conv / n_conv}
        assert retention[variant]["n"] == n_ret and retention[variant]["successes"] == ret
        assert sample_report["in_progress"]["converted_30d"][variant] == conv_open
        assert sample_report["in_progress"]["retained_30d"][variant] == ret_open
        assert conv_open > 0  # March signups are still in their window on 2026-03-31


def test_e5_planted_60_40_split_is_flagged_and_the_verdict_says_so(db):
    report = json.loads(experiment_report.run("paywall_copy", AS_OF, "json", conn=db.conn))
    share = report["assigned"]["control"] / sum(report["assigned"].values())
    assert 0.55 < share < 0.65
    assert report["srm_flag"] is True
    assert report["srm_p_value"] < 0.001
    assert report["verdict"].startswith("Do not trust this result: sample ratio mismatch")
    markdown = experiment_report.run("paywall_copy", AS_OF, "markdown", conn=db.conn)
    body = markdown.split("\n", 2)[2]  # after the title
    assert body.startswith("> **WARNING: sample ratio mismatch.**")
    assert "**Verdict:** Do not trust this result" in markdown
    assert rule_codes(markdown) == [], markdown


def test_e9_markdown_puts_the_srm_check_first_and_ends_with_the_verdict(db):
    markdown = experiment_report.run(SAMPLE, AS_OF, "markdown", conn=db.conn)
    lines = [line for line in markdown.splitlines() if line]
    assert lines[0] == f"# A/B test report: {SAMPLE}, as of 2026-03-31"
    assert lines[1].startswith("Sample ratio check: OK")
    assert lines[-1].startswith("**Verdict:** Treatment raises 30-day conversion")
    assert "| 30-day conversion |" in markdown
    assert "## Still in progress" in markdown
    # The page says its checks in words: a reader has no rule list at hand.
    assert rule_codes(markdown) == [], markdown


def test_e9_unknown_experiment_is_a_clear_error(db):
    with pytest.raises(
        ReportError, match="Unknown experiment 'nope'.*Known experiments: .*onboarding"
    ):
        experiment_report.run("nope", AS_OF, "json", conn=db.conn)


def test_e9_missing_arm_is_a_clear_error(db):
    with pytest.raises(ReportError, match="has no control users"):
        experiment_report.run("treatment_only", AS_OF, "json", conn=db.conn)


def test_e2_as_of_without_eligible_users_is_a_clear_error(db):
    with pytest.raises(ReportError, match="No eligible users.*later --as-of") as error:
        experiment_report.run("just_launched", AS_OF, "json", conn=db.conn)
    assert rule_codes(str(error.value)) == [], error.value


def test_e9_a_date_after_the_series_is_refused(db):
    with pytest.raises(ReportError, match="to 2026-03-31, not 2026-04-30.*dbt build"):
        experiment_report.run(SAMPLE, dt.date(2026, 4, 30), "json", conn=db.conn)


def test_e9_any_day_of_the_series_is_answered_without_a_rebuild(db):
    """The report for a day inside the series equals the one after a build for that day."""
    earlier = dt.date(2026, 2, 28)
    from_series = experiment_report.run(SAMPLE, earlier, "json", conn=db.conn)
    try:
        db.dbt("run", "--selector", "experiments", vars={"as_of_date": earlier.isoformat()})
        rebuilt = experiment_report.run(SAMPLE, earlier, "json", conn=db.conn)
    finally:
        db.dbt("run", "--selector", "experiments", vars={"as_of_date": AS_OF.isoformat()})
    assert from_series == rebuilt
    assert from_series != experiment_report.run(SAMPLE, AS_OF, "json", conn=db.conn)


def glofox(db: ScratchDatabase, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **db.conn.env(), "GLOFOX_PROJECT_DIR": str(PROJECT_ROOT)}
    executable = Path(sys.executable).with_name("glofox")
    return subprocess.run([str(executable), *args], env=env, capture_output=True, text=True)


def test_e9_cli_writes_the_report_and_fails_clearly(db, tmp_path):
    output = tmp_path / "report.json"
    done = glofox(
        db, "experiment-report", "--experiment", SAMPLE, "--as-of", "2026-03-31",
        "--format", "json", "--output", str(output),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(output.read_text())["experiment_key"] == SAMPLE
    failed = glofox(db, "experiment-report", "--experiment", "nope", "--as-of", "2026-03-31")
    assert failed.returncode != 0
    assert "Unknown experiment 'nope'" in failed.stderr
    stale = glofox(db, "experiment-report", "--experiment", SAMPLE, "--as-of", "2026-06-15")
    assert stale.returncode != 0 and "not 2026-06-15" in stale.stderr


def test_e8_cli_experiment_plan(db):
    done = glofox(db, "experiment-plan", "--baseline", "0.3", "--mde", "0.05")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1377 users per arm")  # tests/python/test_experiment_stats.py
    bad = glofox(db, "experiment-plan", "--baseline", "30", "--mde", "5")
    assert bad.returncode != 0 and "fractions" in bad.stderr


def test_e9_nan_becomes_null_in_json():
    rows = [
        experiment_report.ArmRow(AS_OF, "x", arm, metric, 10, 0, 10, 0, 0)
        for arm in ("control", "treatment")
        for metric in ("converted_30d", "retained_30d", "retained_30d_among_payers")
    ]
    report = experiment_report.build_report(rows, "x", AS_OF)
    text = json.dumps(report, allow_nan=False)  # raises on NaN
    conversion = metric(json.loads(text), "converted_30d")
    assert conversion["p_value"] is None and conversion["rel_lift"] is None
    assert not math.isnan(conversion["abs_ci"][0])  # Newcombe is defined at 0/10 vs 0/10
    assert "cannot be tested yet" in report["verdict"]
