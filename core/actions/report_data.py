"""The report data actions: the trial report and a subject's case summary (issue #14).

Each gathers what it needs from the store in one snapshot, applies the rules once and hands
plain values to the pure builders of ``core.report`` (docs/report.md), which the renderers
print. Reports are the coordinator's: readers and adjudicators stay blind to the final
reads, the other read and the clinical record, and the admin sees no read content
(docs/reading.md §2), so every other role gets ``PermissionDeniedError``.

The trial report is over its analysis set (``core.report.analysis_set``) at the data
cut-off: the one given, else the latest cut-off locked for every subject
(``lock_clinical``), else none (all data recorded as of the report's day). With a
cut-off, the clinical record is taken as it stood then and a final read whose cycle
reaches past it is evaluated through its last timepoint on or before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.actions._access import authorize
from core.actions._engine import evaluate_read
from core.actions.clinical import CLINICAL_ROLES, _cut_off, _load_record
from core.actions.endpoints import (
    DEFAULT_VISIT_WINDOW_DAYS,
    VISIT_WINDOW_SETTING,
    SubjectEndpoints,
    _subject,
)
from core.actions.integrity import check_adjudication, check_read
from core.actions.key_images import caliper_sha256
from core.actions.reports import final_checks, visible_subject
from core.actions.safekeeping import audit_anchor
from core.clinical.overview import clinical_overview
from core.clinical.values import ClinicalDataError
from core.criteria import Result, resolve_options, result_to_data
from core.model.clinical import ResponseCategory
from core.model.clinical_record import ClinicalRecord, EndOfTreatment, ScreeningOutcome
from core.model.reading import MeasurementKind, Read
from core.model.trial import FinalResult, Session, Subject, Task, TrialInfo
from core.reading import valid_signed_prefix
from core.reading.board import adjudication_counts, reader_agreement
from core.report import (
    CaseSummary,
    ClinicalSummary,
    FinalInput,
    ReaderPair,
    ReadInput,
    ReportSubject,
    TrialReport,
    adjudication_line,
    case_summary,
    drug_exposures,
    reader_quality,
    record_at_cut_off,
    trial_report,
    worst_events,
)
from core.store import Store, adjudications, reads, status
from core.store import key_images as key_image_store
from core.store import trial as trial_store
from core.store.settings import get_setting

# Key images are looked up for the caliper a page shows first.
_KEY_IMAGE_ORDER = (MeasurementKind.VIABLE, MeasurementKind.TOTAL, MeasurementKind.SHORT_AXIS)


def _now(now: dt.datetime | None) -> dt.datetime:
    moment = now if now is not None else dt.datetime.now(dt.UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _local_zone(tz: dt.tzinfo | None) -> dt.tzinfo:
    if tz is not None:
        return tz
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def _final_read(store: Store, subject: Subject) -> tuple[Task, Read, int] | None:
    """The task and read of the subject's current final result and how many timepoints
    its cycle covers."""
    found = adjudications.latest_final_task(store, subject.subject_id)
    if found is None:
        return None
    task = reads.find_task(store, found[0])
    assert task is not None, "a final result's task exists"
    read = reads.load_read(store, task)
    return task, read, (read.index_of(found[1]) or 0) + 1


def _result(read: Read, info: TrialInfo, through: int) -> Result | None:
    return evaluate_read(read, info, through)[0] if through > 0 else None


# -- the trial report ----------------------------------------------------------------------

def trial_report_data(store: Store, session: Session, *, cut_off: dt.date | None = None,
                      now: dt.datetime | None = None) -> TrialReport:
    """The trial report's data (coordinator only): the analysis set at the cut-off, Tables
    1-3, the waterfall, swimmer and Kaplan-Meier data and the reader quality.

    Parameters
    ----------
    cut_off
        The data cut-off; by default the latest cut-off locked for every subject, else
        none.
    now
        The generation time (default: now), in the report and as the "as of" day when
        there is no cut-off.

    Raises
    ------
    PermissionDeniedError
        The session is not live, or its user is not the coordinator.
    """
    generated = _now(now)
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        info = trial_store.trial_info(store)
        cut = cut_off if cut_off is not None else _cut_off(store, None)
        window = int(get_setting(store, VISIT_WINDOW_SETTING, DEFAULT_VISIT_WINDOW_DAYS))
        finals = {final.subject: final for final in adjudications.current_finals(store)}
        subjects, pairs = [], []
        for subject in trial_store.all_subjects(store):
            report_subject, pair = _report_subject(store, info, subject,
                                                   finals.get(subject.code), cut, window)
            subjects.append(report_subject)
            if pair is not None:
                pairs.append(pair)
        readers = status.reader_accounts(store)
        adjudicated, decided = adjudication_counts(status.final_sources(store))
        agreement = reader_agreement([reader.login for reader in readers],
                                     status.adjudication_decisions(store))
        quality = reader_quality(adjudicated, decided, agreement,
                                 {reader.login: reader.display_name for reader in readers},
                                 pairs)
        fingerprint = audit_anchor(store)
    return trial_report(trial=info.name, criteria=info.criteria, subjects=subjects,
                        cut_off=cut, as_of=cut if cut is not None else generated.date(),
                        quality=quality, fingerprint=fingerprint, generated_utc=generated,
                        options=resolve_options(info.criteria, info.options))


def _enrolment(record: ClinicalRecord) -> dt.date | None:
    screening = record.screening.value if record.screening else None
    if screening is None or screening.outcome is not ScreeningOutcome.ENROLLED:
        return None
    return screening.enrolment_date


@dataclass(frozen=True, slots=True)
class _SubjectReads:
    """A subject's tasks by slot, each read loaded once, and the current final result's
    (task, through timepoint, adjudication)."""

    tasks: tuple[Task, ...]
    loaded: dict[int, Read]
    final: tuple[int, int, int | None]

    def through(self, task_id: int) -> int:
        """How many timepoints of *task_id*'s read the current cycle covers (0: none)."""
        index = self.loaded[task_id].index_of(self.final[1])
        return 0 if index is None else index + 1


def _subject_reads(store: Store, subject: Subject) -> _SubjectReads | None:
    found = adjudications.latest_final_task(store, subject.subject_id)
    if found is None:
        return None
    tasks = tuple(sorted(trial_store.subject_tasks(store, subject), key=lambda t: t.slot))
    return _SubjectReads(tasks, {task.task_id: reads.load_read(store, task) for task in tasks},
                         found)


def _final_problems(store: Store, info: TrialInfo, found: _SubjectReads) -> list[str]:
    """``reports.final_checks``'s problems, on the reads already loaded."""
    task = next(task for task in found.tasks if task.task_id == found.final[0])
    checks = list(check_read(store, info, task, found.loaded[task.task_id],
                             found.through(task.task_id)))
    if found.final[2] is not None:
        adjudication = adjudications.find_adjudication(store, found.final[2])
        assert adjudication is not None, "a final result's adjudication exists"
        checks.append(check_adjudication(adjudication,
                                         adjudications.decision_signature(store, found.final[2])))
    return [str(check) for check in checks if not check.ok]


def _report_subject(store: Store, info: TrialInfo, subject: Subject,
                    final: FinalResult | None, cut: dt.date | None,
                    window: int) -> tuple[ReportSubject, ReaderPair | None]:
    record = record_at_cut_off(_load_record(store, subject), cut)
    found = _subject_reads(store, subject) if final is not None else None
    if final is None or found is None:
        return ReportSubject(subject.code, record, None, "no final read yet"), None
    problems = _final_problems(store, info, found)
    if problems:
        return ReportSubject(subject.code, record, None, "a signature behind its final read "
                             "no longer matches: " + " | ".join(problems)), None
    data, missing = _final_at_cut_off(info, found, final, cut)
    pair = _reader_pair(info, subject, found)
    if data is None:
        return ReportSubject(subject.code, record, None, missing), pair
    enrolment = _enrolment(record)
    if enrolment is None or (cut is not None and enrolment > cut):
        return ReportSubject(subject.code, record, data, None), pair
    at_cut = FinalResult(final.subject, final.through_label, final.source, final.reader_slot,
                         data, final.adjudication_id, final.rationale)
    try:
        endpoints = _subject(record, enrolment, at_cut, window)
    except ClinicalDataError as error:
        endpoints = SubjectEndpoints(subject.code, None, None,
                                     f"OS and PFS not derived: {error}")
    return ReportSubject(subject.code, record, data, None, endpoints.overall_survival,
                         endpoints.progression_free_survival, endpoints.note), pair


def _final_at_cut_off(info: TrialInfo, found: _SubjectReads, final: FinalResult,
                      cut: dt.date | None) -> tuple[dict[str, Any] | None, str]:
    """The final read's result data as of *cut* (the recorded one when its cycle ends on or
    before it), or ``None`` and why."""
    rows = final.result.get("timepoints", [])
    if cut is None or not rows or dt.date.fromisoformat(rows[-1]["date"]) <= cut:
        return final.result, ""
    read = found.loaded[found.final[0]]
    upto = sum(timepoint.date <= cut
               for timepoint in read.timepoints[:found.through(found.final[0])])
    if upto == 0:
        return None, f"no imaging on or before the cut-off {cut.isoformat()}"
    result = _result(read, info, upto)
    if result is None:
        return None, f"its final read does not evaluate through the cut-off {cut.isoformat()}"
    return result_to_data(result), ""


def _reader_pair(info: TrialInfo, subject: Subject, found: _SubjectReads) -> ReaderPair | None:
    """Both reads' best responses through the timepoint of the subject's current cycle."""
    if len(found.tasks) != 2:
        return None
    results = []
    for task in found.tasks:
        result = _result(found.loaded[task.task_id], info, found.through(task.task_id))
        if result is None:
            return None
        results.append(result)
    first, second = results

    def category(result: Result, confirmed: bool) -> ResponseCategory:
        chosen = (result.confirmed_best_overall_response if confirmed
                  else result.best_overall_response)
        return ResponseCategory(chosen.category)

    return ReaderPair(subject.code, category(first, False), category(second, False),
                      category(first, True), category(second, True))


# -- the case summary ----------------------------------------------------------------------

def case_summary_data(store: Store, session: Session, subject: str, *,
                      tz: dt.tzinfo | None = None,
                      now: dt.datetime | None = None) -> CaseSummary:
    """A subject's case summary data (coordinator only): each read's validly signed
    timepoints, the final read, the adjudications, the signatures, the clinical summary
    and the audit head as fingerprint.

    Parameters
    ----------
    tz
        The time zone of the local times printed beside UTC (default: this computer's).
    now
        The generation time (default: now).

    Raises
    ------
    PermissionDeniedError
        The session is not live, its user is not the coordinator, or there is no such
        subject.
    """
    generated, zone = _now(now), _local_zone(tz)
    with store.snapshot():
        authorize(store, session, *CLINICAL_ROLES)
        found = visible_subject(store, subject)
        info = trial_store.trial_info(store)
        names = {reader.login: reader.display_name for reader in status.reader_accounts(store)}
        tasks = sorted(trial_store.subject_tasks(store, found), key=lambda task: task.slot)
        notes: list[str] = []
        inputs = [_read_input(store, info, task, names, notes) for task in tasks]
        final = _final_input(store, info, found, tasks)
        open_through = [task.through_label for task in adjudications.open_adjudication_tasks(store)
                        if task.subject == found.code]
        read_names = {task.task_id: read.name for task, read in zip(tasks, inputs, strict=True)}
        lines = [adjudication_line(adjudication, signature, read_names, zone)
                 for adjudication, signature in adjudications.signed_adjudications(store)
                 if adjudication.subject == found.code and adjudication.status == "decided"]
        for task in adjudications.open_adjudication_tasks(store):
            opened = adjudications.find_adjudication(store, task.adjudication_id)
            if opened is not None and opened.subject == found.code:
                lines.append(adjudication_line(opened, None, read_names, zone))
        window = int(get_setting(store, VISIT_WINDOW_SETTING, DEFAULT_VISIT_WINDOW_DAYS))
        final_row = next((row for row in adjudications.current_finals(store)
                          if row.subject == found.code), None)
        clinical = _clinical_summary(_load_record(store, found), final_row, window)
        timepoints = trial_store.subject_timepoints(store, found)
        fingerprint = audit_anchor(store)
    options = final.result.options if final is not None else resolve_options(info.criteria,
                                                                              info.options)
    return case_summary(trial=info.name, subject=found.code, criteria=info.criteria,
                        options=options, timepoints=timepoints, reads=inputs, final=final,
                        open_through=open_through, adjudications=lines, clinical=clinical,
                        fingerprint=fingerprint, generated_utc=generated, tz=zone,
                        notes=notes)


def _read_input(store: Store, info: TrialInfo, task: Task, names: dict[str, str],
                notes: list[str]) -> ReadInput:
    read = reads.load_read(store, task)
    who = names.get(task.reader_login or "", task.reader_login or "unassigned")
    name = f"Reader {task.slot} ({who})"
    through = valid_signed_prefix(read.timepoints)
    bad = [str(check) for check in check_read(store, info, task, read, through) if not check.ok]
    if bad:
        # A signed timepoint whose content no longer matches is not shown (21 CFR 11.70).
        notes.append(f"{name}: not shown, a signature no longer matches: " + " | ".join(bad))
        through = 0
    signatures = {tp_id: signature for tp_id, _, signature
                  in reads.timepoint_signatures(store, task.task_id) if signature is not None}
    return ReadInput(name, read, through, _result(read, info, through), signatures,
                     _key_images(store, read, through))


def _key_images(store: Store, read: Read, through: int) -> dict[tuple[int, int], str]:
    """The current key image of each lesion's first caliper at each signed timepoint."""
    signed = {timepoint.timepoint_id for timepoint in read.timepoints[:through]}
    out: dict[tuple[int, int], str] = {}
    for lesion in read.lesions:
        for timepoint_id in signed:
            for kind in _KEY_IMAGE_ORDER:
                measurement = read.measurement(lesion.lesion_id, timepoint_id, kind)
                if measurement is None:
                    continue
                key = key_image_store.measurement_id(store, lesion.lesion_id, timepoint_id,
                                                     kind.value)
                image = None if key is None else key_image_store.find_key_image(store, key)
                if image is not None and image.caliper_sha256 == caliper_sha256(
                        measurement.caliper):
                    out[(lesion.lesion_id, timepoint_id)] = image.path
                break
    return out


def _final_input(store: Store, info: TrialInfo, subject: Subject,
                 tasks: list[Task]) -> FinalInput | None:
    found = _final_read(store, subject)
    recorded = next((row for row in adjudications.current_finals(store)
                     if row.subject == subject.code), None)
    if found is None or recorded is None:
        return None
    task, read, through = found
    index = next(i for i, candidate in enumerate(tasks) if candidate.task_id == task.task_id)
    result = _result(read, info, through)
    if result is None:
        return None
    problems = tuple(str(check) for check in final_checks(store, subject) if not check.ok)
    differs = "" if result_to_data(result) == recorded.result else (
        "the engine's result of the final read now differs from the one recorded when its "
        f"cycle was decided (recorded best overall response "
        f"{recorded.result.get('best_overall_response')}); the rows shown are the engine's now")
    return FinalInput(index, through, recorded.source, result, problems, differs)


def _end_text(end: EndOfTreatment) -> str:
    """ "2026-05-07: confirmed progression; then regorafenib from 2026-05-21"."""
    text = f"{end.end_date.isoformat()}: {end.reason.value.replace('_', ' ')}"
    if end.subsequent_therapy and end.subsequent_therapy_start:
        text += f"; then {end.subsequent_therapy} from {end.subsequent_therapy_start.isoformat()}"
    return text


def _clinical_summary(record: ClinicalRecord, final: FinalResult | None,
                      window: int) -> ClinicalSummary:
    enrolment = _enrolment(record)
    overview = clinical_overview(record, final.result if final is not None else None)
    baseline = record.baseline.value if record.baseline else None
    end = record.end_of_treatment.value if record.end_of_treatment else None
    os = pfs = None
    note = "not enrolled: no OS or PFS"
    if enrolment is not None:
        try:
            endpoints = _subject(record, enrolment, final, window)
            os, pfs, note = (endpoints.overall_survival, endpoints.progression_free_survival,
                             endpoints.note)
        except ClinicalDataError as error:
            note = f"OS and PFS not derived: {error}"
    return ClinicalSummary(
        enrolment, baseline, overview.scores.child_pugh, overview.scores.albi,
        tuple(sorted(entry.value.session_date for entry in record.treatment_sessions)),
        drug_exposures([entry.value for entry in record.doses]),
        None if end is None else _end_text(end),
        worst_events([entry.value for entry in record.adverse_events]), os, pfs, note)
