"""Kaplan–Meier survival with Greenwood variance, and the median with its CI as R prints it.

R's ``survival::survfit`` is the reference (docs/criteria.md §9; read from
therneau/survival ``R/survfitKM.R``, ``R/survfit.R::survfit_confint`` and
``R/print.survfit.R::survmean``): pointwise intervals from the Greenwood standard error
of log S, log-transformed by default, and median limits that are the first times the lower
and upper bands reach 0.5 or less. Neither lifelines nor scikit-survival reproduces this,
hence the implementation here.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

ConfType = Literal["log", "log-log", "plain"]
CONF_TYPES: tuple[str, ...] = ("log", "log-log", "plain")
# survmean's minmin(): a value within sqrt(machine epsilon) of 0.5 counts as 0.5, so
# rounding in the product of (1 − d/n) cannot move the median.
_HALF_TOLERANCE = math.sqrt(sys.float_info.epsilon)


@dataclass(frozen=True, slots=True)
class KaplanMeier:
    """A Kaplan–Meier curve with pointwise confidence bands and the median.

    One entry per distinct time (event or censoring), as ``survfit`` stores it. Bands are
    ``None`` where R gives NA (where S = 0, and for log-log also where S = 1). Medians and
    their limits are ``None`` when not reached.
    """

    time: tuple[float, ...]
    n_risk: tuple[int, ...]
    n_event: tuple[int, ...]
    n_censor: tuple[int, ...]
    survival: tuple[float, ...]
    std_err: tuple[float, ...]
    lower: tuple[float | None, ...]
    upper: tuple[float | None, ...]
    conf_type: str
    conf_level: float
    n: int
    events: int
    median: float | None
    median_ci_low: float | None
    median_ci_high: float | None


FloatArray = npt.NDArray[np.float64]


def _bands(
    surv: FloatArray, std_err: FloatArray, z: float, conf_type: str
) -> tuple[FloatArray, FloatArray]:
    """Pointwise limits exactly as ``survfit_confint`` computes them (NaN where R has NA)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "log":
            s = np.where(surv == 0, np.nan, surv)
            lower = np.exp(np.log(s) - z * std_err)
            upper = np.minimum(np.exp(np.log(s) + z * std_err), 1.0)
        elif conf_type == "log-log":
            s = np.where((surv == 0) | (surv == 1), np.nan, surv)
            half_width = z * std_err / np.log(s)
            lower = np.exp(-np.exp(np.log(-np.log(s)) - half_width))
            upper = np.exp(-np.exp(np.log(-np.log(s)) + half_width))
        else:
            half_width = std_err * surv * z
            lower = np.maximum(surv - half_width, 0.0)
            upper = np.minimum(surv + half_width, 1.0)
    return lower, upper


def first_time_at_or_below_half(values: FloatArray, times: FloatArray) -> float | None:
    """R's ``minmin``: the first time *values* is ≤ 0.5, NA skipped, None if never.

    When the curve sits at exactly 0.5 over an interval, the result is the midpoint between
    where it reached 0.5 and where it drops below (10 events at 1..10 give 5.5).
    """
    keep = ~np.isnan(values) & (values < 0.5 + _HALF_TOLERANCE)
    if not keep.any():
        return None
    kept_times, kept_values = times[keep], values[keep]
    first = kept_values[0]
    lower_later = kept_values < first
    if abs(first - 0.5) < _HALF_TOLERANCE and lower_later.any():
        return float((kept_times[0] + kept_times[np.argmax(lower_later)]) / 2.0)
    return float(kept_times[0])


def _optional(values: FloatArray) -> tuple[float | None, ...]:
    return tuple(None if math.isnan(value) else float(value) for value in values)


def kaplan_meier(
    times: Sequence[float] | npt.ArrayLike,
    events: Sequence[bool | int] | npt.ArrayLike,
    conf_type: ConfType | str = "log",
    conf_level: float = 0.95,
) -> KaplanMeier:
    """Estimate survival by Kaplan–Meier, with the median and its CI as R prints them.

    Parameters
    ----------
    times
        Follow-up time of each subject (any unit; finite).
    events
        1 or True where the time is an event, 0 or False where it is censored.
    conf_type
        ``"log"`` (R's default), ``"log-log"`` or ``"plain"`` pointwise intervals; the
        median's limits come from the same bands.
    conf_level
        Confidence level of the bands, e.g. 0.95.

    Returns
    -------
    KaplanMeier
        Times 1, 2, ..., 10, all events, give median 5.5 with CI 3 to not reached (None).

    Raises
    ------
    ValueError
        On empty or mismatched input, non-finite times, events other than 0/1, or an
        unknown *conf_type*.
    """
    time_array = np.asarray(times, dtype=float)
    raw_events = np.asarray(events)
    if time_array.ndim != 1 or time_array.shape != raw_events.shape or time_array.size == 0:
        raise ValueError("times and events must be non-empty sequences of the same length")
    if not np.isfinite(time_array).all():
        raise ValueError("times must be finite numbers")
    if not np.isin(raw_events, (0, 1)).all():
        raise ValueError("events must be 0/1 or False/True")
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {', '.join(CONF_TYPES)}, not {conf_type!r}")
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must be in (0, 1), not {conf_level}")
    event_array = raw_events.astype(bool)

    distinct: FloatArray = np.unique(time_array)
    ordered = np.sort(time_array)
    n_risk = time_array.size - np.searchsorted(ordered, distinct, side="left")
    n_event = np.array([np.count_nonzero(event_array & (time_array == t)) for t in distinct])
    n_censor = np.array([np.count_nonzero(~event_array & (time_array == t)) for t in distinct])
    # Censored subjects tied with an event time are still at risk at that time, which
    # n_risk (everyone with time ≥ t) already says (docs/criteria.md §9).
    surv: FloatArray = np.cumprod(1.0 - n_event / n_risk, dtype=np.float64)
    with np.errstate(divide="ignore"):
        # Greenwood's variance of log S; R lets it become infinite once S reaches 0.
        terms = np.where(n_event == 0, 0.0, n_event / (n_risk * (n_risk - n_event).astype(float)))
    std_err = np.sqrt(np.cumsum(terms))
    z = NormalDist().inv_cdf(1.0 - (1.0 - conf_level) / 2.0)
    lower, upper = _bands(surv, std_err, z, conf_type)
    return KaplanMeier(
        time=tuple(float(t) for t in distinct),
        n_risk=tuple(int(v) for v in n_risk),
        n_event=tuple(int(v) for v in n_event),
        n_censor=tuple(int(v) for v in n_censor),
        survival=tuple(float(v) for v in surv),
        std_err=tuple(float(v) for v in std_err),
        lower=_optional(lower),
        upper=_optional(upper),
        conf_type=conf_type,
        conf_level=conf_level,
        n=int(time_array.size),
        events=int(event_array.sum()),
        median=first_time_at_or_below_half(surv, distinct),
        median_ci_low=first_time_at_or_below_half(lower, distinct),
        median_ci_high=first_time_at_or_below_half(upper, distinct),
    )
