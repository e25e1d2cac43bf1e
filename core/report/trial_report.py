"""The trial report as plain values: the analysis set, Tables 1-3 and the figures' data.

``trial_report`` assembles, from each subject's clinical record (as of the cut-off) and
final read, the analysis set (``core.report.analysis_set``) and, over that set alone, every
table and figure (docs/report.md). The final read's result is the engine's
``mrecist-result/1`` data recorded when its cycle was decided (or the same read evaluated
through the cut-off); OS and PFS are ``core.clinical.endpoints``'s. The reader-quality
figures are over every subject with a decided dual read, as the reads stand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.clinical import Endpoint
from core.criteria import Options
from core.model.clinical import Criteria, ResponseCategory
from core.model.clinical_record import ClinicalRecord, ScreeningOutcome
from core.model.trial import AuditAnchor
from core.report.analysis_set import AnalysisSet, Candidate, analysis_set, drug_exposures
from core.report.baseline_table import BaselineSubject, BaselineTable, baseline_table
from core.report.reader_quality import ReaderQuality
from core.report.response_table import ResponseTable, SubjectResponse, response_table
from core.report.safety_table import SafetyTable, SubjectEvents, safety_table
from core.report.survival_figure import SubjectTime, SurvivalFigure, survival_figure
from core.report.swimmer import Swimmer, SwimmerSubject, swimmer
from core.report.waterfall import SubjectChange, Waterfall, waterfall


@dataclass(frozen=True, slots=True)
class ReportSubject:
    """One subject as the report needs it.

    *record* is the clinical record as of the cut-off; *final* the final read's result data
    (``None`` with *final_missing* saying why); *overall_survival* and
    *progression_free_survival* as ``core.clinical.endpoints`` derives them (``None`` with
    *endpoint_note* why).
    """

    subject: str
    record: ClinicalRecord
    final: dict[str, Any] | None
    final_missing: str | None
    overall_survival: Endpoint | None = None
    progression_free_survival: Endpoint | None = None
    endpoint_note: str = ""

    @property
    def enrolment(self) -> dt.date | None:
        """The enrolment date of a subject screened as enrolled."""
        screening = self.record.screening.value if self.record.screening else None
        if screening is None or screening.outcome is not ScreeningOutcome.ENROLLED:
            return None
        return screening.enrolment_date


@dataclass(frozen=True, slots=True)
class TrialReport:
    """Everything the trial report prints, over one analysis set."""

    trial: str
    criteria: Criteria
    analysis_set: AnalysisSet
    as_of: dt.date
    baseline: BaselineTable
    response: ResponseTable
    safety: SafetyTable
    waterfall: Waterfall
    swimmer: Swimmer
    pfs: SurvivalFigure
    os: SurvivalFigure
    reader_quality: ReaderQuality
    fingerprint: AuditAnchor | None
    generated_utc: dt.datetime
    notes: tuple[str, ...] = ()
    # The engine's effective options (the confirmation interval Table 2 states).
    options: Options | None = None

    @property
    def cut_off(self) -> dt.date | None:
        """The data cut-off (``None``: all data recorded as of ``as_of``)."""
        return self.analysis_set.cut_off


def _final_missing(subject: ReportSubject, cut_off: dt.date | None) -> str | None:
    """Why an enrolled subject is not analysed: enrolled after the cut-off, or no final read."""
    day = subject.enrolment
    if day is not None and cut_off is not None and day > cut_off:
        return f"enrolled on {day.isoformat()}, after the cut-off {cut_off.isoformat()}"
    return subject.final_missing


def _category(final: dict[str, Any], key: str) -> ResponseCategory:
    return ResponseCategory(str(final[key]))


def _date(value: object) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _swimmer_subject(subject: ReportSubject, enrolment: dt.date,
                     final: dict[str, Any]) -> SwimmerSubject:
    record = subject.record
    contacts = [entry.value for entry in record.follow_up]
    deaths = [c.death_date for c in contacts if c.death_date is not None]
    alive = [c.last_known_alive for c in contacts if c.last_known_alive is not None]
    progression = final.get("progression")
    return SwimmerSubject(
        subject.subject, enrolment,
        record.end_of_treatment.value.end_date if record.end_of_treatment else None,
        min(deaths, default=None), max(alive, default=None),
        tuple((dt.date.fromisoformat(row["date"]),
               ResponseCategory(row.get("overall_response") or "NE"))
              for row in final.get("timepoints", [])[1:]),
        _date(progression["date"]) if progression else None,
        _category(final, "best_overall_response"))


def _change(final: dict[str, Any]) -> Decimal | None:
    value = final.get("best_change_from_baseline_pct")
    # Recorded rounded to one decimal (mrecist-result/1); str() gives that decimal back.
    return None if value is None else Decimal(str(value))


def _times(subjects: Sequence[ReportSubject], pfs: bool) -> list[SubjectTime]:
    out = []
    for subject in subjects:
        endpoint = subject.progression_free_survival if pfs else subject.overall_survival
        if endpoint is not None:
            out.append(SubjectTime(subject.subject, endpoint.months, endpoint.event))
    return out


def trial_report(*, trial: str, criteria: Criteria, subjects: Sequence[ReportSubject],
                 cut_off: dt.date | None, as_of: dt.date, quality: ReaderQuality,
                 fingerprint: AuditAnchor | None,
                 generated_utc: dt.datetime, options: Options | None = None) -> TrialReport:
    """The trial report of *subjects* (module docstring)."""
    chosen = analysis_set([
        Candidate(s.subject, s.enrolment is not None, _final_missing(s, cut_off),
                  drug_exposures([entry.value for entry in s.record.doses]))
        for s in subjects], cut_off)
    by_code = {s.subject: s for s in subjects}
    included = [by_code[code] for code in chosen.subjects]
    finals = [(s, s.final) for s in included if s.final is not None]
    notes = list(chosen.notes)
    for s in included:
        if s.endpoint_note and (s.overall_survival is None
                                or s.progression_free_survival is None):
            notes.append(f"{s.subject}: {s.endpoint_note}")
    pfs_times, os_times = _times(included, True), _times(included, False)
    for name, times in (("PFS", pfs_times), ("OS", os_times)):
        if len(times) < len(included):
            notes.append(f"{name}: {len(included) - len(times)} of {len(included)} subjects "
                         "have no derivable time and are not in the curve")
    return TrialReport(
        trial, criteria, chosen, as_of,
        baseline_table([BaselineSubject(s.subject,
                                        s.record.baseline.value if s.record.baseline else None,
                                        len(s.record.treatment_sessions)) for s in included]),
        response_table([SubjectResponse(s.subject, _category(f, "best_overall_response"),
                                        _category(f, "confirmed_best_overall_response"))
                        for s, f in finals]),
        safety_table([SubjectEvents(s.subject,
                                    tuple(entry.value for entry in s.record.adverse_events))
                      for s in included], cut_off),
        waterfall([SubjectChange(s.subject, _change(f), _category(f, "best_overall_response"),
                                 _category(f, "confirmed_best_overall_response"))
                   for s, f in finals]),
        swimmer([_swimmer_subject(s, enrolment, f) for s, f in finals
                 for enrolment in [s.enrolment] if enrolment is not None], as_of),
        survival_figure("PFS", pfs_times), survival_figure("OS", os_times),
        quality, fingerprint, generated_utc, tuple(notes), options)
