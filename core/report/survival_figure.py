"""The Kaplan-Meier figures' data: PFS and OS curves, medians, numbers at risk, landmarks.

The curve is ``core.stats.kaplan_meier``'s, equal to R's ``survival::survfit`` with its
default log-transformed Greenwood intervals (docs/criteria.md §9), in months (days /
30.4375). What is drawn and printed (docs/report.md §4):

- the step curve from (0, 1) through S(t) at every distinct time, and a censoring tick at
  each time where a subject was censored, on the curve;
- the median with its 95 % CI (``None``: not reached);
- the number at risk every ``AT_RISK_STEP_MONTHS`` months from 0 up to the last time: the
  subjects whose time is ≥ t, as R's ``summary(fit, times = ...)`` counts them;
- at 3, 6 and 12 months, the Kaplan-Meier estimate with its pointwise CI (the curve's
  value at the last time ≤ t, as ``summary(fit, times = ...)``; not estimable past the last
  time) and, labelled as such, the crude proportion the seed trial printed: subjects known
  to be event-free beyond t (time > t, or censored at t) of all subjects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.report.percentage import Percentage
from core.report.rounding import MONTH_DECIMALS, number_text, percent_text
from core.stats import KaplanMeier, kaplan_meier

AT_RISK_STEP_MONTHS = 3
LANDMARK_MONTHS = (3, 6, 12)
NOT_REACHED = "not reached"


@dataclass(frozen=True, slots=True)
class SubjectTime:
    """One subject's time to event or censoring, in months, and whether it is an event."""

    subject: str
    months: Decimal
    event: bool


@dataclass(frozen=True, slots=True)
class Landmark:
    """The rate at *months*: the KM estimate with its CI (``None`` past the last time)
    and the crude proportion."""

    months: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    crude: Percentage

    @property
    def estimate_text(self) -> str:
        """``"64.5 % (95 % CI 48.1-86.5)"``, or ``"not estimable"``."""
        if self.estimate is None:
            return "not estimable"
        low = "–" if self.ci_low is None else percent_text(self.ci_low)
        high = "–" if self.ci_high is None else percent_text(self.ci_high)
        return f"{percent_text(self.estimate)} % (95 % CI {low}-{high})"


@dataclass(frozen=True, slots=True)
class SurvivalFigure:
    """One endpoint's figure (``fit`` ``None`` for an empty analysis set)."""

    endpoint: str
    n: int
    events: int
    curve: tuple[tuple[float, float], ...]
    censor_ticks: tuple[tuple[float, float, int], ...]
    median: float | None
    median_ci_low: float | None
    median_ci_high: float | None
    at_risk: tuple[tuple[int, int], ...]
    landmarks: tuple[Landmark, ...]
    fit: KaplanMeier | None
    time_unit: str = "months"
    conf_type: str = "log"

    @property
    def median_text(self) -> str:
        """``"7.4 (95 % CI 5.1-not reached) months"``."""
        def shown(value: float | None) -> str:
            return NOT_REACHED if value is None else number_text(value, MONTH_DECIMALS)
        if self.n == 0:
            return "–"
        return (f"{shown(self.median)} (95 % CI {shown(self.median_ci_low)}-"
                f"{shown(self.median_ci_high)}) {self.time_unit}")


def _value_at(fit: KaplanMeier, months: float) -> tuple[float, float | None, float | None]:
    """The curve and its bands at *months* (1 before the first time)."""
    index = max((i for i, time in enumerate(fit.time) if time <= months), default=None)
    if index is None:
        return 1.0, 1.0, 1.0
    return fit.survival[index], fit.lower[index], fit.upper[index]


def _crude(subjects: Sequence[SubjectTime], months: int) -> Percentage:
    free = sum(s.months > months or (s.months == months and not s.event) for s in subjects)
    return Percentage(free, len(subjects))


def survival_figure(endpoint: str, subjects: Sequence[SubjectTime],
                    conf_level: float = 0.95) -> SurvivalFigure:
    """The figure of *endpoint* ("PFS", "OS") over *subjects* (module docstring)."""
    if not subjects:
        return SurvivalFigure(endpoint, 0, 0, ((0.0, 1.0),), (), None, None, None, ((0, 0),),
                              tuple(Landmark(m, None, None, None, Percentage(0, 0))
                                    for m in LANDMARK_MONTHS), None)
    fit = kaplan_meier([float(s.months) for s in subjects], [s.event for s in subjects],
                       conf_level=conf_level)
    curve = ((0.0, 1.0), *zip(fit.time, fit.survival, strict=True))
    ticks = tuple((time, surv, censored) for time, surv, censored
                  in zip(fit.time, fit.survival, fit.n_censor, strict=True) if censored)
    last = max(s.months for s in subjects)
    steps = range(0, int(last // AT_RISK_STEP_MONTHS) + 1)
    at_risk = tuple((k * AT_RISK_STEP_MONTHS,
                     sum(s.months >= k * AT_RISK_STEP_MONTHS for s in subjects)) for k in steps)
    landmarks = []
    for months in LANDMARK_MONTHS:
        crude = _crude(subjects, months)
        if Fraction(months) > Fraction(last):
            landmarks.append(Landmark(months, None, None, None, crude))
            continue
        estimate, low, high = _value_at(fit, float(months))
        landmarks.append(Landmark(months, estimate, low, high, crude))
    return SurvivalFigure(endpoint, fit.n, fit.events, curve, ticks, fit.median,
                          fit.median_ci_low, fit.median_ci_high, at_risk, tuple(landmarks),
                          fit, conf_type=fit.conf_type)
