"""core.report's figure data as the drawings of ``core.pdf.figures`` take it.

Only units and shapes change here: days become months (the report's 30.4375 days), the
Kaplan-Meier fit becomes a step curve with its censoring ticks and number at risk. Every
value comes from ``core.report`` as computed there; nothing is decided.
"""

from __future__ import annotations

from core.clinical.endpoints import DAYS_PER_MONTH
from core.pdf import figures
from core.report import SurvivalFigure, Swimmer, Waterfall
from core.report.survival_figure import AT_RISK_STEP_MONTHS

# Months of the swimmer plot: days / 30.4375, the report's month (core.clinical.endpoints).
_DAYS = float(DAYS_PER_MONTH)
CURVE_COLOURS = {"PFS": "#1f4e79", "OS": "#7b1f4e"}


def at_risk_times(figure: SurvivalFigure) -> list[int]:
    """The months the number at risk is printed at: every 3 months through the last time,
    then one step past it (where none is at risk), so the axis ends on a labelled tick."""
    times = [months for months, _ in figure.at_risk]
    last = max((time for time in figure.fit.time), default=0.0) if figure.fit else 0.0
    if not times or times[-1] < last:
        times.append((times[-1] if times else 0) + AT_RISK_STEP_MONTHS)
    return times


def km_curve(figure: SurvivalFigure, label: str | None = None) -> figures.Curve:
    """The curve of *figure*: the KM steps, their 95 % band, a tick at each censoring."""
    counts = dict(figure.at_risk)
    times = at_risk_times(figure)
    fit = figure.fit
    return figures.Curve(
        label or figure.endpoint,
        fit.time if fit else (), fit.survival if fit else (),
        fit.lower if fit else (), fit.upper if fit else (),
        [time for time, _, _ in figure.censor_ticks],
        [survival for _, survival, _ in figure.censor_ticks],
        [counts.get(time, 0) for time in times],
        CURVE_COLOURS.get(figure.endpoint, "#1f4e79"), figure.median)


def waterfall_bars(waterfall: Waterfall, *, confirmed: bool = False) -> list[figures.WaterfallBar]:
    """One bar per subject, in the order ``core.report`` gave, coloured by the best overall
    response (unconfirmed unless *confirmed*)."""
    return [figures.WaterfallBar(bar.subject, float(bar.change_pct),
                                 str(bar.confirmed if confirmed else bar.best))
            for bar in waterfall.bars]


def _months(days: int | None) -> float | None:
    return None if days is None else days / _DAYS


def swimmer_lanes(swimmer: Swimmer) -> list[figures.SwimmerLane]:
    """Each lane in months since enrolment, with its response marks."""
    lanes = []
    for lane in swimmer.lanes:
        lanes.append(figures.SwimmerLane(
            lane.subject, lane.treatment_end_day / _DAYS,
            lane.follow_up_end_day / _DAYS,
            [(day / _DAYS, str(response)) for day, response in lane.responses],
            _months(lane.progression_day), _months(lane.death_day), lane.is_ongoing))
    return lanes
