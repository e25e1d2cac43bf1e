"""The rows of each list of the clinical record view, from a ``ClinicalOverview``.

Public API: one ``*_COLUMNS`` tuple and one ``*_rows(overview)`` function per list —
eligibility, screening, treatment sessions, doses, labs, adverse events, end of treatment,
follow-up — and ``dismissal_rows(dismissals)``; ``SEVERE_GRADE``, ``STATUS_WORDS``. Each
row is an ``EntryRow`` (entry id, cells, locked, emphasised); grades, dose intensities and
their sentences come computed in the overview (``core.clinical.overview``), never decided
here. Emphasis: a lab or event of grade 3 or
more, a serious event, a dose outside 80-120 %, a criterion not met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.clinical.overview import ClinicalOverview, DoseLine, GradedLab
from core.model.clinical_record import (
    AdverseEvent,
    ClinicalEntry,
    CriterionStatus,
    DismissedLabEvent,
    EndOfTreatment,
    FollowUp,
    ScreeningOutcome,
)
from widgets.record_table import MET_INK, MUTED_INK, EntryRow
from widgets.record_text import (
    NONE,
    ONGOING,
    date_text,
    grade_label,
    limits,
    number,
    period,
    quantity,
    rdi_text,
    relatedness_summary,
    words,
    yes_no,
)

# CTCAE grade 3 is "severe or medically significant": the lists emphasise it and above.
SEVERE_GRADE = 3

ELIGIBILITY_COLUMNS = ("Criterion", "Status", "Note")
SCREENING_COLUMNS = ("Outcome", "Enrolment date", "Criterion failed")
SESSION_COLUMNS = ("Date", "Drug loaded", "Dose", "Microspheres", "End point reached")
DOSE_COLUMNS = ("Drug", "Period", "Prescribed", "Taken", "Route", "Adjustment", "RDI",
                "80-120 % rule")
LAB_COLUMNS = ("Date", "Test", "Value", "LLN–ULN", "Baseline", "CTCAE grade")
LAB_DATE_COLUMN = 0
# Relatedness last: the longest, it takes the width left (in full in the tooltip).
AE_COLUMNS = ("Term", "Grade", "Onset – resolution", "Serious", "Action", "Outcome",
              "Relatedness")
EOT_COLUMNS = ("End date", "Reason", "Detail", "Subsequent therapy")
FOLLOW_UP_COLUMNS = ("Known alive", "Death", "Cause of death", "Discontinued",
                     "Discontinuation reason")
DISMISSAL_COLUMNS = ("Term", "Onset", "Reason")

STATUS_WORDS = {CriterionStatus.MET: "met", CriterionStatus.NOT_MET: "not met",
                CriterionStatus.NOT_APPLICABLE: "not applicable"}


def _row(entry: ClinicalEntry, cells: tuple[str, ...], *, alert: bool = False,
         tooltip: str = "") -> EntryRow:
    return EntryRow(entry.entry_id, cells, entry.is_locked, alert, tooltip)


def eligibility_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """The protocol's criteria as the coordinator checked them, in code order."""
    entries = sorted(overview.record.eligibility, key=lambda e: e.value.criterion)
    return [EntryRow(e.entry_id, (e.value.criterion, STATUS_WORDS[e.value.status],
                                  e.value.note or NONE), e.is_locked,
                     alert=e.value.status is CriterionStatus.NOT_MET,
                     inks=("", MET_INK if e.value.status is CriterionStatus.MET else ""))
            for e in entries]


def screening_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """The screening outcome (one entry at most)."""
    entry = overview.record.screening
    if entry is None:
        return []
    value = entry.value
    outcome = ("enrolled" if value.outcome is ScreeningOutcome.ENROLLED
               else "screen failure")
    return [_row(entry, (outcome, date_text(value.enrolment_date),
                         value.failed_criterion or NONE),
                 alert=value.outcome is ScreeningOutcome.SCREEN_FAILURE)]


def session_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """Every DEB-TACE session, by date."""
    entries = sorted(overview.record.treatment_sessions, key=lambda e: e.value.session_date)
    rows = []
    for entry in entries:
        tace = entry.value
        rows.append(_row(entry, (
            date_text(tace.session_date), tace.drug, f"{number(tace.dose)} {tace.dose_unit}",
            f"{tace.microsphere_min_um}–{tace.microsphere_max_um} µm",
            yes_no(tace.is_end_point_reached))))
    return rows


def _dose_row(line: DoseLine) -> EntryRow:
    dose = line.entry.value
    adjustment = words(dose.adjustment)
    if dose.adjustment_reason:
        adjustment = f"{adjustment}: {dose.adjustment_reason}"
    intensity = line.intensity
    rdi = rdi_text(intensity.rdi_pct) if intensity is not None else NONE
    sentence = intensity.reason if intensity is not None else line.note
    unit = dose.dose_unit
    return _row(line.entry, (
        dose.drug, period(dose.start_date, dose.end_date),
        f"{number(dose.prescribed_dose)} {unit}", f"{number(dose.taken_dose)} {unit}",
        words(dose.route), adjustment, rdi, sentence),
        alert=intensity is None or not intensity.in_analysis_set, tooltip=sentence)


def dose_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """Every dose with its relative dose intensity and the 80-120 % sentence, by start."""
    lines = sorted(overview.doses, key=lambda d: (d.entry.value.start_date,
                                                  d.entry.value.drug))
    return [_dose_row(line) for line in lines]


def _lab_row(lab: GradedLab) -> EntryRow:
    value = lab.entry.value
    grade = lab.grade.grade if lab.grade is not None else None
    # Grade 0 (and no grade) in grey, so that the abnormal values stand out.
    quiet = MUTED_INK if not grade else ""
    return EntryRow(lab.entry.entry_id, (
        date_text(value.visit_date), value.test_code, quantity(value.value, value.unit),
        limits(value.lln, value.uln), "baseline" if value.is_baseline else "", lab.text),
        lab.entry.is_locked, alert=grade is not None and grade >= SEVERE_GRADE,
        tooltip=lab.text, inks=("", "", "", "", "", quiet))


def lab_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """Every lab value with its CTCAE grade (the table sorts them by date)."""
    return [_lab_row(lab) for lab in overview.labs]


def _event_cells(event: AdverseEvent) -> tuple[str, ...]:
    return (event.term, grade_label(event.grade),
            period(event.onset_date, event.resolution_date, open_end=ONGOING),
            "serious" if event.is_serious else "no", words(event.action),
            words(event.outcome), relatedness_summary(event.relatedness, "\n"))


def adverse_event_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """Every adverse event, by onset."""
    entries = sorted(overview.record.adverse_events, key=lambda e: e.value.onset_date)
    return [_row(e, _event_cells(e.value),
                 alert=e.value.grade >= SEVERE_GRADE or e.value.is_serious,
                 tooltip=f"relatedness: {relatedness_summary(e.value.relatedness)}")
            for e in entries]


def _end_cells(end: EndOfTreatment) -> tuple[str, ...]:
    therapy = (f"{end.subsequent_therapy} from {date_text(end.subsequent_therapy_start)}"
               if end.subsequent_therapy is not None else "none recorded")
    return (date_text(end.end_date), words(end.reason), end.reason_detail or NONE, therapy)


def end_of_treatment_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """The end of treatment (one entry at most)."""
    entry = overview.record.end_of_treatment
    return [] if entry is None else [_row(entry, _end_cells(entry.value))]


def _follow_up_cells(contact: FollowUp) -> tuple[str, ...]:
    return (date_text(contact.last_known_alive), date_text(contact.death_date),
            contact.death_cause or NONE, date_text(contact.discontinuation_date),
            contact.discontinuation_reason or NONE)


def follow_up_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """Every follow-up contact, by the latest date it records."""
    entries = sorted(overview.record.follow_up,
                     key=lambda e: e.value.reference_date() or dt.date.min)
    return [_row(e, _follow_up_cells(e.value), alert=e.value.death_date is not None)
            for e in entries]


def dismissal_rows(dismissals: Iterable[ClinicalEntry[DismissedLabEvent]]) -> list[EntryRow]:
    """The lab episodes dismissed as adverse events, with why, by onset."""
    entries = sorted(dismissals, key=lambda e: e.value.onset_date)
    return [_row(e, (e.value.term, date_text(e.value.onset_date), e.value.reason),
                 tooltip=e.value.reason) for e in entries]
