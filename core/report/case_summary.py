"""A subject's case summary, as plain values (docs/report.md §6).

What the case summary prints for one subject: the trial, the criteria and the effective
options; per timepoint each read's lesions as recorded (viable, total and short-axis
diameters, or the state) with the engine's sums, changes from baseline and nadir, and its
target / non-target / new-lesion / overall responses with their reasons; the final read at
the timepoints its decided cycle covers; the best overall response (unconfirmed and
confirmed) and progression; the adjudications; every signature with its printed name, UTC
and local time and meaning (21 CFR 11.50); the clinical summary; the audit head as the
fingerprint (docs/security.md §3) and the generation time.

Blinding of unfinished reads holds here too (docs/reading.md §2): of each read only its
validly signed timepoints are shown (as ``export_case`` exports them); a timepoint outside
the subject's decided cycle, or whose signatures no longer match, is marked **not final**
with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.clinical import Endpoint
from core.clinical.scores import Albi, ChildPugh
from core.criteria import Assessment, Options, Result
from core.criteria.formatting import format_mm
from core.model.clinical import Criteria, LesionCategory
from core.model.clinical_record import AdverseEvent, BaselineCharacteristics
from core.model.reading import MeasurementKind, Read, ReadTimepoint, TimepointStatus
from core.model.trial import Adjudication, AuditAnchor, Signature, TimepointInfo
from core.report.analysis_set import DrugExposure
from core.report.rounding import number_text
from core.report.safety_table import is_treatment_related

NOT_SIGNED = "not signed"
AWAITING_RESIGNATURE = "signed, awaiting a new signature"


def utc_text(moment: dt.datetime) -> str:
    """``"2026-03-02 14:05:12 UTC"``: a moment to the second, in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def local_text(moment: dt.datetime) -> str:
    """``"2026-03-02 15:05:12 +01:00"``: a moment to the second with its UTC offset."""
    return moment.isoformat(sep=" ", timespec="seconds")[:19] + " " + \
        moment.isoformat(timespec="seconds")[19:]


@dataclass(frozen=True, slots=True)
class SignatureLine:
    """One signature: what it signed, the printed name, when (UTC and local), the meaning."""

    what: str
    signer: str
    meaning: str
    utc: dt.datetime
    local: dt.datetime

    @property
    def utc_text(self) -> str:
        """``"2026-03-02 14:05:12 UTC"``."""
        return utc_text(self.utc)

    @property
    def local_text(self) -> str:
        """``"2026-03-02 15:05:12 +01:00"``."""
        return local_text(self.local)


def signature_line(what: str, signature: Signature, tz: dt.tzinfo) -> SignatureLine:
    """*signature* of *what*, its stored UTC time also shown in *tz*."""
    utc = dt.datetime.fromisoformat(signature.signed_utc.replace("Z", "+00:00"))
    if utc.tzinfo is None:
        utc = utc.replace(tzinfo=dt.UTC)
    return SignatureLine(what, signature.signer, signature.meaning, utc.astimezone(dt.UTC),
                         utc.astimezone(tz))


@dataclass(frozen=True, slots=True)
class LesionLine:
    """One lesion of a read at one timepoint as recorded: its diameters (mm) or state.

    ``key_image`` is the path of the current key image of the lesion's caliper (viable,
    else total, else short axis), relative to the store's folder, when there is one.
    """

    label: str
    category: LesionCategory
    organ: str
    viable_mm: Decimal | None = None
    total_mm: Decimal | None = None
    short_axis_mm: Decimal | None = None
    state: str | None = None
    key_image: str | None = None

    @property
    def viable_text(self) -> str:
        """The viable diameter as recorded, ``"22.0"`` (mm), or ``""``."""
        return "" if self.viable_mm is None else format_mm(self.viable_mm)

    @property
    def total_text(self) -> str:
        """The total diameter as recorded, ``"41.0"`` (mm), or ``""``."""
        return "" if self.total_mm is None else format_mm(self.total_mm)

    @property
    def text(self) -> str:
        """``"viable 22.00 mm, total 41.00 mm"``, or the state."""
        parts = [f"{name} {format_mm(value)} mm" for name, value in (
            ("viable", self.viable_mm), ("total", self.total_mm),
            ("short axis", self.short_axis_mm)) if value is not None]
        if self.state:
            parts.append(self.state.replace("_", " "))
        return ", ".join(parts) or "not recorded"


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision of the engine and its sentence."""

    category: str
    reason: str


def _decision(assessment: Assessment | None) -> Decision | None:
    return None if assessment is None else Decision(str(assessment.category), assessment.reason)


@dataclass(frozen=True, slots=True)
class ReadAtTimepoint:
    """One read at one timepoint: its status, lesions and the engine's row (``None``
    fields at a timepoint that is not validly signed, whose content is not shown)."""

    read: str
    status: str
    lesions: tuple[LesionLine, ...] = ()
    sum_mm: Decimal | None = None
    nadir_sum_mm: Decimal | None = None
    change_from_baseline_pct: Fraction | None = None
    change_from_nadir_pct: Fraction | None = None
    target: Decision | None = None
    non_target: Decision | None = None
    new_lesions: Decision | None = None
    overall: Decision | None = None
    is_not_assessed: bool = False
    signature: SignatureLine | None = None

    @property
    def is_shown(self) -> bool:
        """True when the content is shown (the timepoint is validly signed)."""
        return self.status == TimepointStatus.SIGNED.value

    @property
    def sum_text(self) -> str:
        """The engine's sum of the target diameters, ``"52.0"`` (mm), or ``"–"``."""
        return "–" if self.sum_mm is None else format_mm(self.sum_mm)

    @property
    def nadir_text(self) -> str:
        """The smallest earlier sum the change from nadir is measured from, or ``"–"``."""
        return "–" if self.nadir_sum_mm is None else format_mm(self.nadir_sum_mm)

    @property
    def change_from_baseline_text(self) -> str:
        """``"-31.2 %"`` (one decimal), or ``"–"``."""
        return _change_text(self.change_from_baseline_pct)

    @property
    def change_from_nadir_text(self) -> str:
        """``"+4.0 %"`` (one decimal), or ``"–"``."""
        return _change_text(self.change_from_nadir_pct)


def _change_text(value: Fraction | None) -> str:
    if value is None:
        return "–"
    text = number_text(value)
    return f"+{text} %" if value > 0 and text != "0.0" else f"{text} %"


@dataclass(frozen=True, slots=True)
class CaseTimepoint:
    """One timepoint of the subject: each read, the final read, and whether it is final."""

    label: str
    date: dt.date
    nominal_week: int | None
    reads: tuple[ReadAtTimepoint, ...]
    final: ReadAtTimepoint | None
    is_final: bool
    not_final_reason: str = ""


@dataclass(frozen=True, slots=True)
class AdjudicationLine:
    """One adjudication of the subject: the cycle, what fired, the choice and why."""

    through_label: str
    status: str
    triggers: tuple[str, ...]
    chosen: str | None
    chosen_read: str | None
    rationale: str | None
    signature: SignatureLine | None


@dataclass(frozen=True, slots=True)
class WorstEvent:
    """One adverse event term at the subject's worst grade."""

    term: str
    worst_grade: int
    is_treatment_related: bool
    is_serious: bool
    events: int


def worst_events(events: Sequence[AdverseEvent]) -> tuple[WorstEvent, ...]:
    """Each term once, at its worst grade, whether any event of it was treatment-related
    (``core.report.safety_table``) or serious; by worst grade, then term."""
    by_term: dict[str, list[AdverseEvent]] = {}
    for event in events:
        by_term.setdefault(event.term.strip().casefold(), []).append(event)
    out = [WorstEvent(group[0].term.strip(), max(e.grade for e in group),
                      any(is_treatment_related(e) for e in group),
                      any(e.is_serious for e in group), len(group))
           for group in by_term.values()]
    out.sort(key=lambda e: (-e.worst_grade, e.term.casefold()))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ClinicalSummary:
    """The clinical record in brief: baseline, exposure, adverse events, PFS and OS."""

    enrolment_date: dt.date | None
    baseline: BaselineCharacteristics | None
    child_pugh: ChildPugh | None
    albi: Albi | None
    tace_sessions: tuple[dt.date, ...]
    exposures: tuple[DrugExposure, ...]
    end_of_treatment: str | None
    adverse_events: tuple[WorstEvent, ...]
    overall_survival: Endpoint | None
    progression_free_survival: Endpoint | None
    endpoint_note: str = ""


@dataclass(frozen=True, slots=True)
class ReadInput:
    """One read as the action found it: its name on the page ("Reader 1"), the read, how
    many timepoints are validly signed, the engine's result of those, and the current
    signature of each signed timepoint by timepoint id; *key_images* by (lesion id,
    timepoint id)."""

    name: str
    read: Read
    through: int
    result: Result | None
    signatures: dict[int, Signature]
    key_images: dict[tuple[int, int], str]


@dataclass(frozen=True, slots=True)
class FinalInput:
    """The subject's current final read: which read (index into the reads), how many
    timepoints its cycle covers, its source and result, and the problems of the signatures
    behind it (a final read with problems is not final)."""

    read_index: int
    through: int
    source: str
    result: Result
    problems: tuple[str, ...] = ()
    # Why the engine's result now differs from the one recorded at the decision ("" if not).
    differs_from_record: str = ""


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """Everything a subject's case summary prints (module docstring)."""

    trial: str
    subject: str
    criteria: Criteria
    options: Options
    timepoints: tuple[CaseTimepoint, ...]
    final_source: str | None
    final_through: str | None
    best_response: Decision | None
    confirmed_best_response: Decision | None
    progression: str | None
    progression_date: dt.date | None
    adjudications: tuple[AdjudicationLine, ...]
    signatures: tuple[SignatureLine, ...]
    clinical: ClinicalSummary | None
    fingerprint: AuditAnchor | None
    generated_utc: dt.datetime
    generated_local: dt.datetime
    notes: tuple[str, ...] = ()

    @property
    def has_not_final(self) -> bool:
        """True when any timepoint is not final (every page that shows it says so)."""
        return any(not timepoint.is_final for timepoint in self.timepoints)


def _lesions(source: ReadInput, timepoint: ReadTimepoint) -> tuple[LesionLine, ...]:
    read, tid = source.read, timepoint.timepoint_id
    lines = []
    for lesion in read.lesions:
        lengths = {kind: None if found is None else found.length_mm
                   for kind in MeasurementKind
                   for found in [read.measurement(lesion.lesion_id, tid, kind)]}
        finding = read.finding(lesion.lesion_id, tid)
        if all(length is None for length in lengths.values()) and finding is None:
            continue
        state = None if finding is None or finding.state is None else str(finding.state)
        lines.append(LesionLine(lesion.label, lesion.category, lesion.organ,
                                lengths[MeasurementKind.VIABLE], lengths[MeasurementKind.TOTAL],
                                lengths[MeasurementKind.SHORT_AXIS], state,
                                source.key_images.get((lesion.lesion_id, tid))))
    order = {LesionCategory.TARGET: 0, LesionCategory.NON_TARGET: 1, LesionCategory.NEW: 2}
    lines.sort(key=lambda line: (order[line.category], line.label))
    return tuple(lines)


def _status(timepoint: ReadTimepoint, index: int, through: int) -> str:
    if index < through:
        return TimepointStatus.SIGNED.value
    if timepoint.needs_resignature:
        return AWAITING_RESIGNATURE
    return NOT_SIGNED


def _at(source: ReadInput, timepoint_id: int, result: Result | None, tz: dt.tzinfo,
        name: str | None = None, through: int | None = None) -> ReadAtTimepoint:
    label = name or source.name
    index = source.read.index_of(timepoint_id)
    if index is None:
        return ReadAtTimepoint(label, NOT_SIGNED)
    timepoint = source.read.timepoints[index]
    status = _status(timepoint, index, source.through if through is None else through)
    if status != TimepointStatus.SIGNED.value:
        return ReadAtTimepoint(label, status)
    signature = source.signatures.get(timepoint.timepoint_id)
    line = None if signature is None else signature_line(
        f"{source.name}, {timepoint.label}", signature, tz)
    row = None if result is None or index >= len(result.timepoints) \
        else result.timepoints[index]
    if row is None:
        return ReadAtTimepoint(label, status, _lesions(source, timepoint),
                               is_not_assessed=timepoint.is_not_assessed, signature=line)
    return ReadAtTimepoint(
        label, status, _lesions(source, timepoint), row.sum_mm, row.nadir_sum_mm,
        row.change_from_baseline_pct, row.change_from_nadir_pct, _decision(row.target),
        _decision(row.non_target), _decision(row.new_lesions), _decision(row.overall),
        timepoint.is_not_assessed, line)


def _not_final(reads: Sequence[ReadAtTimepoint], final: FinalInput | None,
               awaiting: str | None) -> str:
    if final is not None and final.problems:
        return "a signature behind the final read no longer matches: " + \
            " | ".join(final.problems)
    unsigned = [read for read in reads if not read.is_shown]
    if unsigned:
        return "; ".join(f"{read.read}: {read.status}" for read in unsigned)
    if awaiting is not None:
        return f"awaiting adjudication (through {awaiting})"
    return "the dual read of this timepoint is not decided yet"


def case_timepoints(timepoints: Sequence[TimepointInfo], reads: Sequence[ReadInput],
                    final: FinalInput | None, open_through: Sequence[str],
                    tz: dt.tzinfo) -> tuple[CaseTimepoint, ...]:
    """Every timepoint of the subject (date order) with each read, the final read and
    whether it is final; *open_through* are the labels of the timepoints through which an
    adjudication is open."""
    labels = [timepoint.label for timepoint in timepoints]
    # An open adjudication holds every timepoint of its cycle, up to its last one.
    held = [labels.index(label) for label in open_through if label in labels]
    out = []
    for index, timepoint in enumerate(timepoints):
        tid = timepoint.timepoint_id
        awaiting = next((labels[last] for last in sorted(held) if index <= last), None)
        at = tuple(_at(source, tid, source.result, tz) for source in reads)
        in_cycle = final is not None and index < final.through
        is_final = in_cycle and final is not None and not final.problems
        shown = None
        if final is not None and in_cycle:
            chosen = reads[final.read_index]
            shown = _at(chosen, tid, final.result, tz,
                        f"Final ({chosen.name}, {final.source})", final.through)
        reason = "" if is_final else _not_final(at, final, awaiting)
        out.append(CaseTimepoint(timepoint.label, timepoint.date, timepoint.nominal_week, at,
                                 shown, is_final, reason))
    return tuple(out)


def adjudication_line(adjudication: Adjudication, signature: Signature | None,
                      read_names: dict[int, str], tz: dt.tzinfo) -> AdjudicationLine:
    """One adjudication, the chosen letter's read named (*read_names* by task id)."""
    chosen_task = {"A": adjudication.task_a_id, "B": adjudication.task_b_id}.get(
        adjudication.chosen or "")
    line = None if signature is None else signature_line(
        f"adjudication through {adjudication.through_label}", signature, tz)
    return AdjudicationLine(adjudication.through_label, adjudication.status,
                            adjudication.triggers, adjudication.chosen,
                            None if chosen_task is None else read_names.get(chosen_task),
                            adjudication.rationale, line)


def case_summary(*, trial: str, subject: str, criteria: Criteria, options: Options,
                 timepoints: Sequence[TimepointInfo], reads: Sequence[ReadInput],
                 final: FinalInput | None,
                 open_through: Sequence[str], adjudications: Sequence[AdjudicationLine],
                 clinical: ClinicalSummary | None, fingerprint: AuditAnchor | None,
                 generated_utc: dt.datetime, tz: dt.tzinfo,
                 notes: Sequence[str] = ()) -> CaseSummary:
    """The case summary of one subject from what the action gathered (module docstring)."""
    rows = case_timepoints(timepoints, reads, final, open_through, tz)
    signatures = [read.signature for row in rows for read in row.reads
                  if read.signature is not None]
    signatures += [line.signature for line in adjudications if line.signature is not None]
    shown_final = final if final is not None and not final.problems else None
    result = shown_final.result if shown_final is not None else None
    progression = result.progression if result is not None else None
    all_notes = list(notes)
    if final is not None and final.differs_from_record:
        all_notes.append(final.differs_from_record)
    return CaseSummary(
        trial, subject, criteria, options, rows,
        shown_final.source if shown_final else None,
        rows[shown_final.through - 1].label if shown_final else None,
        _decision(result.best_overall_response) if result else None,
        _decision(result.confirmed_best_overall_response) if result else None,
        progression.reason if progression else ("none" if result else None),
        progression.date if progression else None,
        tuple(adjudications), tuple(signatures), clinical, fingerprint,
        generated_utc.astimezone(dt.UTC), generated_utc.astimezone(tz), tuple(all_notes))
