"""E5-E8: the A/B test statistics against answers computed independently.

Three kinds of known answers: small cases worked by hand (the arithmetic is written out),
published values (Newcombe 1998, Table II, method 10), and statsmodels / scipy on the same
counts, for fixed and for random counts (hypothesis), including zero successes, 100%
successes, tiny arms and empty arms.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, zt_ind_solve_power
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    power_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)

from glofox.experiment_stats import (
    Arm,
    compare,
    compare_metrics,
    holm_adjust,
    minimum_detectable_effect,
    newcombe_interval,
    relative_lift,
    sample_size_per_arm,
    srm_test,
    two_proportion_ztest,
    wilson_interval,
)

Z975 = 1.959963984540054  # the 97.5% normal quantile
Z80 = 0.8416212335729143  # the 80% normal quantile


def normal_two_sided_p(z: float) -> float:
    """2 (1 - Phi(|z|)) written with erfc, independently of scipy."""
    return math.erfc(abs(z) / math.sqrt(2))


# --- E5 sample ratio mismatch ---------------------------------------------------------------


def test_e5_srm_hand_worked_600_400_is_flagged():
    # expected 500 / 500; chi2 = 100^2/500 + 100^2/500 = 40; 1 df: p = erfc(sqrt(40 / 2))
    result = srm_test(600, 400)
    assert result.chi2 == pytest.approx(40.0)
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(20.0)), rel=1e-9)
    assert result.flag


def test_e5_srm_hand_worked_510_490_is_not_flagged():
    # chi2 = 10^2/500 * 2 = 0.4; p = erfc(sqrt(0.2)) = 0.527
    result = srm_test(510, 490)
    assert result.chi2 == pytest.approx(0.4)
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(0.2)), rel=1e-9)
    assert not result.flag


def test_e5_srm_flag_threshold_is_p_below_0_001():
    # the 0.999 quantile of chi2(1) is 10.828: 552/448 gives 2 * 52^2 / 500 = 10.816 (p just
    # above 0.001), 553/447 gives 2 * 53^2 / 500 = 11.236 (p below)
    assert not srm_test(552, 448).flag
    assert srm_test(552, 448).p_value > 0.001
    assert srm_test(553, 447).flag


def test_e5_srm_without_users_is_undefined_not_an_error():
    result = srm_test(0, 0)
    assert math.isnan(result.p_value) and not result.flag


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5000), st.integers(0, 5000))
def test_e5_srm_matches_scipy_chisquare(n_control, n_treatment):
    result = srm_test(n_control, n_treatment)
    if n_control + n_treatment == 0:
        assert math.isnan(result.p_value)
        return
    expected = chisquare([n_control, n_treatment])
    assert result.chi2 == pytest.approx(expected.statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)
    assert result.flag == (expected.pvalue < 0.001)


# --- E6 rates, z-test, Newcombe interval, relative lift --------------------------------------


def test_e6_rate_of_empty_arm_is_undefined():
    assert math.isnan(Arm(0, 0).rate)
    assert Arm(4, 1).rate == 0.25


def test_e6_arm_rejects_impossible_counts():
    with pytest.raises(ValueError):
        Arm(3, 4)
    with pytest.raises(ValueError):
        Arm(-1, 0)


def test_e6_ztest_hand_worked_20_of_100_vs_30_of_100():
    # pooled rate = 50 / 200 = 0.25; se = sqrt(0.25 * 0.75 * (1/100 + 1/100)) = sqrt(0.00375)
    # = 0.0612372; z = (0.30 - 0.20) / 0.0612372 = 1.632993; p = 2 (1 - Phi(1.632993)) = 0.10247
    z, p = two_proportion_ztest(Arm(100, 20), Arm(100, 30))
    se = math.sqrt(0.25 * 0.75 * 0.02)
    assert z == pytest.approx(0.1 / se, rel=1e-12)
    assert z == pytest.approx(1.632993, abs=1e-6)
    assert p == pytest.approx(normal_two_sided_p(0.1 / se), rel=1e-9)
    assert p == pytest.approx(0.10247, abs=1e-5)


def test_e6_ztest_direction_is_treatment_minus_control():
    z, _ = two_proportion_ztest(Arm(100, 30), Arm(100, 20))
    assert z < 0


def test_e6_wilson_hand_worked_30_of_100():
    # z^2 = 3.841459; centre = (30 + z^2/2) / (100 + z^2) = 31.920729 / 103.841459 = 0.307398
    # half = z / (100 + z^2) * sqrt(30 * 70 / 100 + z^2 / 4) = 0.0188746 * 4.686189 = 0.088450
    low, high = wilson_interval(30, 100)
    z2 = Z975**2
    centre = (30 + z2 / 2) / (100 + z2)
    half = Z975 / (100 + z2) * math.sqrt(30 * 70 / 100 + z2 / 4)
    assert (low, high) == pytest.approx((centre - half, centre + half), rel=1e-12)
    assert (low, high) == pytest.approx((0.218948, 0.395848), abs=1e-6)


def test_e6_newcombe_hand_worked_20_of_100_vs_30_of_100():
    # method 10: d = 0.1; low = d - sqrt((p_t - l_t)^2 + (u_c - p_c)^2),
    # high = d + sqrt((u_t - p_t)^2 + (p_c - l_c)^2) with the Wilson limits of each arm
    l_t, u_t = wilson_interval(30, 100)
    l_c, u_c = wilson_interval(20, 100)
    expected = (
        0.1 - math.sqrt((0.3 - l_t) ** 2 + (u_c - 0.2) ** 2),
        0.1 + math.sqrt((u_t - 0.3) ** 2 + (0.2 - l_c) ** 2),
    )
    assert newcombe_interval(Arm(100, 20), Arm(100, 30)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("treatment", "control", "published"),
    [
        # Newcombe (1998), Stat Med 17:873, Table II, method 10 (rounded to 4 decimals)
        ((70, 56), (80, 48), (0.0524, 0.3339)),
        ((10, 9), (10, 3), (0.1705, 0.8090)),
        ((7, 6), (7, 2), (0.0582, 0.8062)),
        ((56, 5), (29, 0), (-0.0381, 0.1926)),
        ((10, 0), (20, 0), (-0.1611, 0.2775)),
        ((10, 0), (10, 0), (-0.2775, 0.2775)),
        ((10, 10), (20, 0), (0.6791, 1.0000)),
        ((10, 10), (10, 0), (0.6075, 1.0000)),
    ],
)
def test_e6_newcombe_matches_published_table(treatment, control, published):
    low, high = newcombe_interval(Arm(*control), Arm(*treatment))
    assert (round(low, 4), round(high, 4)) == published


def test_e6_relative_lift_hand_worked_20_of_100_vs_30_of_100():
    # lift = 0.3 / 0.2 - 1 = 0.5; Var(t) = 0.3 * 0.7 / 100 = 0.0021, Var(c) = 0.2 * 0.8 / 100
    # = 0.0016; Var(t/c) = 0.0021 / 0.04 + 0.09 * 0.0016 / 0.0016 = 0.0525 + 0.09 = 0.1425;
    # se = 0.377492; interval = 0.5 -/+ 1.959964 * 0.377492 = (-0.239871, 1.239871)
    lift, (low, high) = relative_lift(Arm(100, 20), Arm(100, 30))
    assert lift == pytest.approx(0.5)
    assert (low, high) == pytest.approx(
        (0.5 - Z975 * math.sqrt(0.1425), 0.5 + Z975 * math.sqrt(0.1425)), rel=1e-9
    )
    assert (low, high) == pytest.approx((-0.239871, 1.239871), abs=1e-6)


def numerical_delta_method_se(control: Arm, treatment: Arm) -> float:
    """The delta method done numerically: central-difference gradient of t/c - 1."""
    p_t, p_c = treatment.rate, control.rate
    h = 1e-6
    d_t = ((p_t + h) / p_c - (p_t - h) / p_c) / (2 * h)
    d_c = (p_t / (p_c + h) - p_t / (p_c - h)) / (2 * h)
    var_t = p_t * (1 - p_t) / treatment.n
    var_c = p_c * (1 - p_c) / control.n
    return math.sqrt(d_t**2 * var_t + d_c**2 * var_c)


counts = st.integers(0, 400).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n)))


@settings(max_examples=300, deadline=None)
@given(counts, counts)
def test_e6_matches_statsmodels_on_random_counts(control_counts, treatment_counts):
    control, treatment = Arm(*control_counts), Arm(*treatment_counts)
    z, p = two_proportion_ztest(control, treatment)
    low, high = newcombe_interval(control, treatment)
    if control.n == 0 or treatment.n == 0:
        assert math.isnan(z) and math.isnan(p) and math.isnan(low) and math.isnan(high)
        return
    pooled = (control.successes + treatment.successes) / (control.n + treatment.n)
    if pooled in (0.0, 1.0):
        assert math.isnan(z) and math.isnan(p)  # 0/0: statsmodels gives nan as well
    else:
        sm_z, sm_p = proportions_ztest(
            [treatment.successes, control.successes], [treatment.n, control.n]
        )
        assert z == pytest.approx(sm_z, rel=1e-9, abs=1e-12)
        assert p == pytest.approx(sm_p, rel=1e-9, abs=1e-300)
    sm_low, sm_high = confint_proportions_2indep(
        treatment.successes, treatment.n, control.successes, control.n, method="newcomb"
    )
    assert (low, high) == pytest.approx((sm_low, sm_high), abs=1e-9)
    lift, (lift_low, lift_high) = relative_lift(control, treatment)
    if control.successes == 0:
        assert math.isnan(lift) and math.isnan(lift_low)
    else:
        se = numerical_delta_method_se(control, treatment)
        assert lift == pytest.approx(treatment.rate / control.rate - 1)
        assert (lift_low, lift_high) == pytest.approx(
            (lift - Z975 * se, lift + Z975 * se), rel=1e-5, abs=1e-7
        )


@pytest.mark.parametrize(
    ("control", "treatment"),
    [
        (Arm(0, 0), Arm(0, 0)),  # empty arms
        (Arm(0, 0), Arm(5, 2)),  # one empty arm
        (Arm(10, 0), Arm(10, 0)),  # zero successes everywhere
        (Arm(10, 10), Arm(10, 10)),  # 100% successes everywhere
        (Arm(1, 0), Arm(1, 1)),  # tiny arms
        (Arm(1, 1), Arm(1, 1)),
        (Arm(10, 0), Arm(12, 3)),  # zero control successes: lift undefined
    ],
)
def test_e6_e8_edge_cases_do_not_crash_and_are_nan_only_where_undefined(control, treatment):
    result = compare("converted_30d", control, treatment)
    both = control.n > 0 and treatment.n > 0
    assert math.isnan(result.abs_diff) != both
    assert math.isnan(result.abs_ci[0]) != both
    if both:
        assert -1 <= result.abs_ci[0] <= result.abs_diff <= result.abs_ci[1] <= 1
    lift_defined = both and control.successes > 0
    assert math.isnan(result.rel_lift) != lift_defined
    pooled_degenerate = both and (control.successes + treatment.successes) in (
        0,
        control.n + treatment.n,
    )
    assert math.isnan(result.p_value) == (not both or pooled_degenerate)


# --- E7 Holm ---------------------------------------------------------------------------------


def test_e7_holm_hand_worked():
    # sorted 0.01, 0.04: 2 * 0.01 = 0.02, then max(0.02, 1 * 0.04) = 0.04
    assert holm_adjust([0.01, 0.04]) == pytest.approx([0.02, 0.04])
    # sorted 0.02 (second), 0.03 (first): 2 * 0.02 = 0.04, then max(0.04, 0.03) = 0.04
    assert holm_adjust([0.03, 0.02]) == pytest.approx([0.04, 0.04])
    # capped at 1
    assert holm_adjust([0.7, 0.9]) == pytest.approx([1.0, 1.0])


def test_e7_holm_leaves_undefined_p_values_out_of_the_family():
    adjusted = holm_adjust([float("nan"), 0.02])
    assert math.isnan(adjusted[0]) and adjusted[1] == pytest.approx(0.02)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_e7_holm_matches_statsmodels_multipletests(p_values):
    _, expected, _, _ = multipletests(p_values, method="holm")
    assert holm_adjust(p_values) == pytest.approx(list(expected), abs=1e-12)


def test_e7_compare_metrics_adjusts_across_both_goal_metrics():
    results = compare_metrics(
        [
            ("converted_30d", Arm(1000, 300), Arm(1000, 360)),
            ("retained_30d", Arm(1000, 100), Arm(1000, 110)),
        ]
    )
    raw = [r.p_value for r in results]
    _, expected, _, _ = multipletests(raw, method="holm")
    assert [r.p_value_holm for r in results] == pytest.approx(list(expected))
    assert results[0].p_value_holm > results[0].p_value


# --- E8 power --------------------------------------------------------------------------------


def test_e8_sample_size_hand_worked_30_to_35_percent():
    # pooled = 0.325; sd under the null = sqrt(2 * 0.325 * 0.675) = 0.662382;
    # under the alternative = sqrt(0.3 * 0.7 + 0.35 * 0.65) = 0.661438;
    # n = ((1.959964 * 0.662382 + 0.841621 * 0.661438) / 0.05)^2 = 37.0984^2 = 1376.3 -> 1377
    sd_null = math.sqrt(2 * 0.325 * 0.675)
    sd_alt = math.sqrt(0.3 * 0.7 + 0.35 * 0.65)
    expected = math.ceil(((Z975 * sd_null + Z80 * sd_alt) / 0.05) ** 2)
    assert expected == 1377
    assert sample_size_per_arm(0.30, 0.05) == expected


@pytest.mark.parametrize(
    ("baseline", "mde"), [(0.3, 0.05), (0.1, 0.02), (0.5, -0.1), (0.02, 0.01), (0.9, 0.05)]
)
def test_e8_sample_size_matches_statsmodels(baseline, mde):
    n = sample_size_per_arm(baseline, mde)
    expected = samplesize_proportions_2indep_onetail(mde, baseline, 0.8, ratio=1, alpha=0.05)
    assert n == math.ceil(expected)
    # the power actually reaches 80% at n and not at n - 1
    assert power_proportions_2indep(mde, baseline, n).power >= 0.8
    assert power_proportions_2indep(mde, baseline, n - 1).power < 0.8 + 1e-6
    # and it is close to the arcsine (Cohen's h) answer of NormalIndPower / zt_ind_solve_power
    h = proportion_effectsize(baseline + mde, baseline)
    assert n == pytest.approx(zt_ind_solve_power(effect_size=h, alpha=0.05, power=0.8), rel=0.03)


def test_e8_sample_size_rejects_impossible_inputs_with_a_message():
    with pytest.raises(ValueError, match="baseline"):
        sample_size_per_arm(0.0, 0.05)
    with pytest.raises(ValueError, match="effect"):
        sample_size_per_arm(0.97, 0.05)
    with pytest.raises(ValueError, match="effect"):
        sample_size_per_arm(0.3, 0.0)


@pytest.mark.parametrize(
    ("control_rate", "n_control", "n_treatment"),
    [(0.3, 1377, 1377), (0.1, 500, 800), (0.5, 50, 50), (0.0, 200, 200), (0.02, 5000, 4000)],
)
def test_e8_mde_has_80_percent_power_in_statsmodels(control_rate, n_control, n_treatment):
    mde = minimum_detectable_effect(control_rate, n_control, n_treatment)
    result = power_proportions_2indep(
        mde, control_rate, n_treatment, ratio=n_control / n_treatment, alpha=0.05
    )
    assert result.power == pytest.approx(0.8, abs=1e-5)


def test_e8_mde_close_to_the_equal_variance_answer_of_normal_ind_power():
    # NormalIndPower solves for a standardised effect with one common sd; times sqrt(p (1 - p))
    # it is the textbook (z_a/2 + z_b) sqrt(2 p (1 - p) / n), a little below the exact answer
    es = NormalIndPower().solve_power(nobs1=2000, alpha=0.05, power=0.8, ratio=1)
    textbook = es * math.sqrt(0.3 * 0.7)
    assert textbook == pytest.approx((Z975 + Z80) * math.sqrt(2 * 0.21 / 2000), rel=1e-4)
    assert minimum_detectable_effect(0.3, 2000, 2000) == pytest.approx(textbook, rel=0.03)


def test_e8_mde_and_sample_size_agree():
    n = sample_size_per_arm(0.3, 0.05)
    assert (
        minimum_detectable_effect(0.3, n, n) <= 0.05 < minimum_detectable_effect(0.3, n - 1, n - 1)
    )


def test_e8_mde_undefined_for_tiny_or_empty_arms():
    assert math.isnan(minimum_detectable_effect(0.5, 1, 1))  # no increase to <= 1 reaches 80%
    assert math.isnan(minimum_detectable_effect(0.5, 0, 10))
    assert math.isnan(minimum_detectable_effect(1.0, 100, 100))
    assert math.isnan(minimum_detectable_effect(float("nan"), 100, 100))
