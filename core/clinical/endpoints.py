"""Overall survival and progression-free survival from plain inputs (docs/clinical.md §6).

PFS follows the primary censoring rules of the FDA guidance *Clinical Trial Endpoints for
the Approval of Cancer Drugs and Biologics* (2018), its PFS table; each ``Endpoint``'s
``rule`` names the row that decided it. Days count from the enrolment date (day 0);
months are days / 30.4375.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from core.clinical.values import ClinicalDataError

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
SCHEDULE_DAYS = 42  # tumour assessments every 6 weeks
NOT_EVALUABLE = "NE"
# The fields below are called `date`, which hides the type inside their class.
_Date = date


@dataclass(frozen=True, slots=True)
class TumourAssessment:
    """One timepoint of the final (adjudicated) read: its date, overall response (``"NE"``
    when not evaluable), whether it shows progression, and the date of the new lesion when
    the progression is by a new lesion (the date it was first seen)."""

    date: _Date
    response: str
    is_progression: bool = False
    new_lesion_date: _Date | None = None

    @property
    def is_adequate(self) -> bool:
        """An assessment with an overall response other than NE (the FDA table's
        "adequate")."""
        return self.response.strip().upper() != NOT_EVALUABLE

    @property
    def progression_date(self) -> _Date:
        """The date progression is dated at: the new lesion's when it is by a new lesion."""
        return self.new_lesion_date or self.date


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A time to event: days and months from enrolment to *date*, whether it is an event or
    censored, and the sentence of the rule that decided it."""

    date: _Date
    days: int
    months: Decimal
    event: bool
    rule: str


def _endpoint(enrolment: date, when: date, event: bool, rule: str) -> Endpoint:
    days = (when - enrolment).days
    with localcontext() as context:
        context.prec = 28
        months = Decimal(days) / DAYS_PER_MONTH
    return Endpoint(when, days, months, event, rule)


def overall_survival(enrolment: date, death: date | None,
                     last_known_alive: date | None) -> Endpoint:
    """OS: enrolment to death from any cause; alive subjects are censored at the last date
    known alive (docs/clinical.md §6).

    Raises
    ------
    ClinicalDataError
        If neither date is given, or a date is before enrolment.
    """
    if death is not None:
        _not_before(death, enrolment, "death date")
        return _endpoint(enrolment, death, True, f"death on {death}: event")
    if last_known_alive is None:
        raise ClinicalDataError("last known alive date", None,
                                "needed for a subject without a death date")
    _not_before(last_known_alive, enrolment, "last known alive date")
    return _endpoint(enrolment, last_known_alive, False,
                     f"alive: censored at the last date known alive, {last_known_alive}")


def _not_before(when: date, enrolment: date, field: str) -> None:
    if when < enrolment:
        raise ClinicalDataError(field, when.isoformat(),
                                f"is before the enrolment date {enrolment}")


def missed_assessments(last_adequate: date, event: date, schedule_days: int,
                       window_days: int) -> int:
    """How many scheduled assessments fell between *last_adequate* and *event*.

    The k-th assessment after the last adequate one is due ``k × schedule_days`` later and
    missed once its window (``window_days`` after it) has passed before *event*
    (docs/clinical.md §6: 2 missed ⇔ a gap of more than 2 × 42 + window days).
    """
    gap = (event - last_adequate).days
    missed = 0
    while (missed + 1) * schedule_days + window_days < gap:
        missed += 1
    return missed


def progression_free_survival(
    enrolment: date,
    baseline: date | None,
    assessments: Sequence[TumourAssessment],
    *,
    death: date | None = None,
    new_therapy_start: date | None = None,
    treatment_stop: date | None = None,
    window_days: int,
    schedule_days: int = SCHEDULE_DAYS,
) -> Endpoint:
    """PFS by the FDA (2018) table's primary censoring rules (docs/clinical.md §6).

    *baseline* is the baseline tumour assessment's date (``None``: there is none);
    *assessments* are the follow-up timepoints of the final read, in any order. The event
    is the first progression (dated by its new lesion when by a new lesion) or death,
    whichever is first; the rows of the table are applied in the doc's order:

    - no baseline tumour assessment: censored at enrolment;
    - new anticancer therapy before progression or death: censored at the last adequate
      assessment on or before the day it started;
    - progression or death after two or more missed assessments: censored at the last
      adequate assessment before the gap;
    - progression: event at its date; death before the first assessment or between
      adequate assessments: event at the date of death;
    - no progression (treatment stopped or not): censored at the last adequate assessment.

    Where no adequate assessment precedes a censoring date, it is the enrolment date.

    Raises
    ------
    ClinicalDataError
        For an assessment before the baseline or after the death, a new lesion dated after
        its assessment, a schedule below 1 day or a negative window.
    """
    _check_inputs(enrolment, baseline, assessments, death, schedule_days, window_days)
    ordered = sorted(assessments, key=lambda assessment: assessment.date)
    if baseline is None:
        return _endpoint(enrolment, enrolment, False,
                         "no baseline tumour assessment: censored at enrolment "
                         "(FDA 2018 PFS table)")
    progression = next((a for a in ordered if a.is_progression), None)
    events = [(a.progression_date, "progression") for a in [progression] if a is not None]
    if death is not None:
        events.append((death, "death"))
    event_date, kind = min(events) if events else (None, None)

    if new_therapy_start is not None and (event_date is None or new_therapy_start < event_date):
        when = _last_adequate(enrolment, ordered, on_or_before=new_therapy_start)
        return _endpoint(enrolment, when, False,
                         f"new anticancer therapy on {new_therapy_start} before progression: "
                         "censored at the last adequate assessment before it (FDA 2018 PFS "
                         "table)")
    if event_date is None or kind is None:
        when = _last_adequate(enrolment, ordered, on_or_before=None)
        if treatment_stop is not None:
            return _endpoint(enrolment, when, False,
                             f"treatment stopped on {treatment_stop} without documented "
                             "progression: censored at the last adequate tumour assessment "
                             "(FDA 2018 PFS table)")
        return _endpoint(enrolment, when, False,
                         "no progression: censored at the last adequate tumour assessment "
                         "(FDA 2018 PFS table)")

    before = [a for a in ordered if a.is_adequate and a.date < event_date]
    last = before[-1].date if before else max(enrolment, baseline)
    missed = missed_assessments(last, event_date, schedule_days, window_days)
    if missed >= 2:
        censor = before[-1].date if before else enrolment
        return _endpoint(enrolment, censor, False,
                         f"{kind} on {event_date} after {missed} missed assessments: censored "
                         "at the last adequate assessment before the gap (FDA 2018 PFS table)")
    if kind == "progression":
        by_new = progression is not None and progression.new_lesion_date is not None
        dated = "the new lesion's date" if by_new else "the first assessment showing it"
        return _endpoint(enrolment, event_date, True,
                         f"progression documented: event at {dated} (FDA 2018 PFS table)")
    where = "between adequate assessments" if before else "before the first assessment"
    return _endpoint(enrolment, event_date, True,
                     f"death {where}: event at the date of death (FDA 2018 PFS table)")


def _last_adequate(enrolment: date, ordered: Sequence[TumourAssessment],
                   on_or_before: date | None) -> date:
    dates = [a.date for a in ordered if a.is_adequate
             and (on_or_before is None or a.date <= on_or_before)]
    return max(dates[-1], enrolment) if dates else enrolment


def _check_inputs(enrolment: date, baseline: date | None,
                  assessments: Sequence[TumourAssessment], death: date | None,
                  schedule_days: int, window_days: int) -> None:
    if schedule_days < 1:
        raise ClinicalDataError("assessment schedule (days)", schedule_days, "must be ≥ 1")
    if window_days < 0:
        raise ClinicalDataError("visit window (days)", window_days, "must be ≥ 0")
    if death is not None:
        _not_before(death, enrolment, "death date")
    for assessment in assessments:
        shown = assessment.date.isoformat()
        if baseline is not None and assessment.date <= baseline:
            raise ClinicalDataError("assessment date", shown,
                                    f"is not after the baseline assessment {baseline}")
        if death is not None and assessment.date > death:
            raise ClinicalDataError("assessment date", shown, f"is after the death {death}")
        lesion = assessment.new_lesion_date
        if lesion is not None and lesion > assessment.date:
            raise ClinicalDataError("new lesion date", lesion.isoformat(),
                                    f"is after its assessment {shown}")
