"""Statistics of a two-arm A/B test on binary metrics (docs/rules.md, E5-E8).

Pure functions on counts; no database. Treatment is always compared with control as
treatment - control. Undefined quantities are ``nan`` (``None`` once the report writes JSON),
never an exception and never a made-up number:

- a rate over n = 0 is undefined, and so is everything built from it;
- the pooled z-test (E6) is undefined when the pooled rate is 0 or 1 (both arms all failures
  or all successes): the statistic is 0/0. statsmodels' ``proportions_ztest`` agrees (nan);
- the relative lift (E6) is undefined when the control rate is 0;
- the minimum detectable effect (E8) is undefined when no increase up to a rate of 1 can
  reach the asked power with the current n, or when the control rate is undefined or 1.

Methods, with the references the tests check them against:
- E5 SRM: chi-squared goodness of fit of the two arm sizes against the planned shares
  (scipy.stats.chisquare); p < 0.001 flags the experiment as untrustworthy.
- E6 two-sided two-proportion z-test with the pooled variance (statsmodels
  ``proportions_ztest``); 95% Newcombe hybrid score interval for the difference, method 10 of
  Newcombe (1998), built from the two Wilson score intervals (statsmodels
  ``confint_proportions_2indep(method='newcomb')``); relative lift t/c - 1 with a 95%
  delta-method interval on the ratio itself (Kohavi, Tang & Xu 2020, ch. 18):
  Var(t/c) ~ Var(t)/c^2 + t^2 Var(c)/c^4, Var(rate) = rate (1 - rate) / n.
- E7 Holm step-down adjustment across the goal metrics (statsmodels ``multipletests``);
  undefined p-values are left out of the family and stay undefined.
- E8 power of the pooled z-test with the variance under the null from the pooled rate and
  under the alternative from each arm's rate (statsmodels ``power_proportions_2indep``); the
  probability of rejecting in the wrong direction is ignored (it is below 1e-5 at 80% power).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import optimize, stats

NAN = float("nan")
SRM_ALPHA = 0.001  # E5
ALPHA = 0.05  # E6-E8
POWER = 0.8  # E8


def _check_counts(successes: int, n: int) -> None:
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")


@dataclass(frozen=True)
class Arm:
    """One arm of one metric: n users, of whom `successes` had the outcome (E6)."""

    n: int
    successes: int

    def __post_init__(self) -> None:
        _check_counts(self.successes, self.n)

    @property
    def rate(self) -> float:
        return self.successes / self.n if self.n else NAN


@dataclass(frozen=True)
class SrmResult:
    """E5: chi-squared goodness of fit of the arm sizes against the planned split."""

    chi2: float
    p_value: float
    flag: bool  # True when p < SRM_ALPHA; False when the test is undefined (no users)


def srm_test(
    n_control: int, n_treatment: int, control_share: float = 0.5, alpha: float = SRM_ALPHA
) -> SrmResult:
    """E5: one degree of freedom chi-squared of (control, treatment) against the planned shares."""
    if n_control < 0 or n_treatment < 0:
        raise ValueError("arm sizes cannot be negative")
    if not 0 < control_share < 1:
        raise ValueError("control_share must be strictly between 0 and 1")
    total = n_control + n_treatment
    if total == 0:
        return SrmResult(NAN, NAN, False)
    expected = (total * control_share, total * (1 - control_share))
    chi2 = sum(
        (observed - e) ** 2 / e
        for observed, e in zip((n_control, n_treatment), expected, strict=True)
    )
    p_value = float(stats.chi2.sf(chi2, df=1))
    return SrmResult(float(chi2), p_value, p_value < alpha)


def wilson_interval(successes: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Wilson score interval for one proportion (the building block of Newcombe's method 10)."""
    _check_counts(successes, n)
    if n == 0:
        return (NAN, NAN)
    z = float(stats.norm.isf(alpha / 2))
    z2 = z * z
    centre = (successes + z2 / 2) / (n + z2)
    half = z / (n + z2) * math.sqrt(successes * (n - successes) / n + z2 / 4)
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_interval(control: Arm, treatment: Arm, alpha: float = ALPHA) -> tuple[float, float]:
    """E6: Newcombe hybrid score interval for treatment rate - control rate."""
    if control.n == 0 or treatment.n == 0:
        return (NAN, NAN)
    p_t, p_c = treatment.rate, control.rate
    low_t, high_t = wilson_interval(treatment.successes, treatment.n, alpha)
    low_c, high_c = wilson_interval(control.successes, control.n, alpha)
    diff = p_t - p_c
    return (
        diff - math.sqrt((p_t - low_t) ** 2 + (high_c - p_c) ** 2),
        diff + math.sqrt((high_t - p_t) ** 2 + (p_c - low_c) ** 2),
    )


def two_proportion_ztest(control: Arm, treatment: Arm) -> tuple[float, float]:
    """E6: pooled two-proportion z statistic and two-sided p-value for treatment - control."""
    if control.n == 0 or treatment.n == 0:
        return (NAN, NAN)
    pooled = (control.successes + treatment.successes) / (control.n + treatment.n)
    se = math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n))
    if se == 0:
        return (NAN, NAN)
    z = (treatment.rate - control.rate) / se
    return (z, float(2 * stats.norm.sf(abs(z))))


def relative_lift(
    control: Arm, treatment: Arm, alpha: float = ALPHA
) -> tuple[float, tuple[float, float]]:
    """E6: treatment / control - 1 and its delta-method interval (nan when control rate is 0)."""
    if control.n == 0 or treatment.n == 0 or control.successes == 0:
        return (NAN, (NAN, NAN))
    p_t, p_c = treatment.rate, control.rate
    var_t = p_t * (1 - p_t) / treatment.n
    var_c = p_c * (1 - p_c) / control.n
    lift = p_t / p_c - 1
    se = math.sqrt(var_t / p_c**2 + p_t**2 * var_c / p_c**4)
    z = float(stats.norm.isf(alpha / 2))
    return (lift, (lift - z * se, lift + z * se))


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """E7: Holm step-down adjusted p-values, in the input order; nan stays nan, not counted."""
    defined = sorted((p, i) for i, p in enumerate(p_values) if p is not None and not math.isnan(p))
    m = len(defined)
    adjusted = [NAN] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(defined):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def _se_null_alt(p_c: float, diff: float, n_c: float, n_t: float) -> tuple[float, float]:
    """E8: standard error of the difference under the null (pooled) and the alternative."""
    p_t = p_c + diff
    pooled = (n_t * p_t + n_c * p_c) / (n_t + n_c)
    se_null = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    se_alt = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
    return se_null, se_alt


def minimum_detectable_effect(
    control_rate: float,
    n_control: int,
    n_treatment: int,
    alpha: float = ALPHA,
    power: float = POWER,
) -> float:
    """E8: the smallest absolute increase over `control_rate` the two-sided z-test detects with
    `power` at level `alpha` for these arm sizes; nan when none up to a rate of 1 can."""
    if n_control <= 0 or n_treatment <= 0 or math.isnan(control_rate) or control_rate >= 1:
        return NAN
    z_alpha = float(stats.norm.isf(alpha / 2))
    z_power = float(stats.norm.ppf(power))

    def gap(diff: float) -> float:
        se_null, se_alt = _se_null_alt(control_rate, diff, n_control, n_treatment)
        return z_alpha * se_null + z_power * se_alt - diff

    top = 1 - control_rate
    low = top * 1e-9  # gap > 0 here: a vanishing effect is never detectable
    for k in range(1, 1001):  # the first sign change is the smallest detectable effect
        diff = top * k / 1000
        if gap(diff) <= 0:
            return float(optimize.brentq(gap, low, diff, xtol=1e-12))
        low = diff
    return NAN


def sample_size_per_arm(
    baseline: float, mde: float, alpha: float = ALPHA, power: float = POWER
) -> int:
    """E8: users per arm (equal arms) for the two-sided pooled z-test to detect an absolute
    change `mde` from `baseline` with `power` at level `alpha` (Fleiss, without continuity
    correction; statsmodels ``samplesize_proportions_2indep_onetail``)."""
    if not 0 < baseline < 1:
        raise ValueError("the baseline rate must be strictly between 0 and 1, e.g. 0.30")
    if mde == 0 or not 0 < baseline + mde < 1:
        raise ValueError(
            "the effect must be non-zero and keep baseline + effect strictly between 0 and 1"
        )
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must be strictly between 0 and 1")
    z_alpha = float(stats.norm.isf(alpha / 2))
    z_power = float(stats.norm.ppf(power))
    se_null, se_alt = _se_null_alt(baseline, mde, 1, 1)  # per-user standard deviations
    return math.ceil(((z_alpha * se_null + z_power * se_alt) / abs(mde)) ** 2)


@dataclass(frozen=True)
class MetricComparison:
    """E6-E8 for one metric. `p_value_holm` is filled in across metrics by `compare_metrics`."""

    metric: str
    control: Arm
    treatment: Arm
    abs_diff: float
    abs_ci: tuple[float, float]
    z: float
    p_value: float
    rel_lift: float
    rel_ci: tuple[float, float]
    mde: float
    p_value_holm: float = NAN


def compare(metric: str, control: Arm, treatment: Arm) -> MetricComparison:
    """E6 and E8 for one metric."""
    z, p_value = two_proportion_ztest(control, treatment)
    lift, lift_ci = relative_lift(control, treatment)
    return MetricComparison(
        metric=metric,
        control=control,
        treatment=treatment,
        abs_diff=treatment.rate - control.rate,
        abs_ci=newcombe_interval(control, treatment),
        z=z,
        p_value=p_value,
        rel_lift=lift,
        rel_ci=lift_ci,
        mde=minimum_detectable_effect(control.rate, control.n, treatment.n),
    )


def compare_metrics(arms: Sequence[tuple[str, Arm, Arm]]) -> list[MetricComparison]:
    """E6-E8 for each (metric, control, treatment), with Holm across them (E7)."""
    results = [compare(metric, control, treatment) for metric, control, treatment in arms]
    adjusted = holm_adjust([r.p_value for r in results])
    return [
        MetricComparison(**{**r.__dict__, "p_value_holm": p})
        for r, p in zip(results, adjusted, strict=True)
    ]
