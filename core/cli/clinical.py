"""``mrecist clinical import|export``: the clinical record as CSV files (coordinator only).

One layout per kind of the record (docs/clinical-record.md §5), its columns named as CDISC
SDTM names them where SDTM has a name: ``eligibility`` (IE), ``screening`` (DS, IE),
``baseline`` (DM, LB, VS, the RS codes of ECOG and Child-Pugh, TR), ``treatment-sessions``
(PR, EX), ``treatment`` (EX), ``labs`` (LB), ``adverse-events`` (AE), ``end-of-treatment``
(DS, CM), ``follow-up`` (DM death date, DD cause, DS disposition, ADaM's LSTALVDT). An
import is all or nothing: every line is checked, by its own rules and then by the store's
(the subject, dates after today, the data cut-off, duplicates), every bad line is named
with its number and reason, and one bad line means nothing is recorded (exit 2). An export
writes the same layout, so an exported file imports into another store unchanged.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core.actions.clinical import clinical_entries, record_clinical_entries
from core.cli.common import (
    EXIT_ERROR,
    FileArgument,
    PasswordSource,
    add_login_arguments,
    guarded,
    open_as_user,
    read_input,
)
from core.criteria.validation import one_line
from core.errors import (
    ClinicalEntriesError,
    CoreError,
    InputFileError,
    InvalidValueError,
    shortened,
)
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    Ascites,
    BaselineCharacteristics,
    ClinicalEntry,
    ClinicalKind,
    ClinicalValue,
    CriterionStatus,
    DismissedLabEvent,
    DoseAdjustment,
    DoseRecord,
    Eligibility,
    Encephalopathy,
    EndOfTreatment,
    EndOfTreatmentReason,
    Etiology,
    FollowUp,
    LabResult,
    Pvtt,
    Relatedness,
    Route,
    Screening,
    ScreeningOutcome,
    Sex,
    TreatmentSession,
)

# A clinical CSV file holds at most this much: 31 subjects x 40 visits x 16 tests is
# about 1 MiB of labs; 16 MiB leaves room for a larger trial, and refuses /dev/zero.
MAX_CLINICAL_CSV_BYTES = 16 << 20
# An adverse event's relatedness to each cause is a column AEREL_<cause>.
AEREL_PREFIX = "AEREL_"
_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,9})?")
_INTEGER = re.compile(r"[0-9]{1,9}")
# IEORRES answers "is the criterion met?" with the CDISC NY code list (C66742): Y, N, NA.
_IEORRES: dict[str, CriterionStatus] = {"Y": CriterionStatus.MET, "N": CriterionStatus.NOT_MET,
                                        "NA": CriterionStatus.NOT_APPLICABLE}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Layout:
    """One kind's CSV layout: its columns and how a line becomes a value and back."""

    kind: ClinicalKind
    what: str
    columns: tuple[str, ...]    # in the documented order
    required: tuple[str, ...]
    parse: Callable[[dict[str, str]], ClinicalValue]
    write: Callable[[Any], dict[str, str]]
    # The column each field of the value is read from, so that a value the record refuses
    # is reported by the column the coordinator typed it in.
    fields: tuple[tuple[str, str], ...] = ()

    def column_of(self, field: str) -> str | None:
        """The column a field of the value comes from, or ``None``."""
        return next((column for name, column in self.fields if name == field), None)


class LineError(ValueError):
    """A cell of a line cannot be read: the column and the reason."""


# -- cells ------------------------------------------------------------------------------------

def _cell(line: dict[str, str], column: str) -> str:
    return (line.get(column) or "").strip()


def _required(line: dict[str, str], column: str) -> str:
    text = _cell(line, column)
    if not text:
        raise LineError(f"{column} is empty")
    return text


def _optional(line: dict[str, str], column: str) -> str | None:
    return _cell(line, column) or None


def _date(line: dict[str, str], column: str, *, optional: bool = False) -> dt.date | None:
    text = _optional(line, column) if optional else _required(line, column)
    if text is None:
        return None
    # An SDTM --DTC may carry a time (2024-01-05T08:30): the record keeps the day, once
    # the time is one (anything else after the T is a mistake, not a time to drop).
    day, _, time = text.partition("T")
    if not _DATE.fullmatch(day):
        raise LineError(f"{column} {text!r} is not a complete ISO 8601 date (YYYY-MM-DD)")
    if "T" in text and not _is_time(time):
        raise LineError(f"{column} {text!r}: what follows the T is not an ISO 8601 time "
                        "(hh:mm or hh:mm:ss)")
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise LineError(f"{column} {text!r} is not a date of the calendar") from None


def _is_time(text: str) -> bool:
    try:
        dt.time.fromisoformat(text)
    except ValueError:
        return False
    return bool(text)


def _day(line: dict[str, str], column: str) -> dt.date:
    day = _date(line, column)
    assert day is not None  # required
    return day


def _decimal(line: dict[str, str], column: str, *, optional: bool = False) -> Decimal | None:
    text = _optional(line, column) if optional else _required(line, column)
    if text is None:
        return None
    if not _DECIMAL.fullmatch(text):
        raise LineError(f"{column} {text[:40]!r} is not a plain decimal number such as 12.5")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise LineError(f"{column} {text!r} is not a number") from None


def _amount(line: dict[str, str], column: str) -> Decimal:
    value = _decimal(line, column)
    assert value is not None  # required
    return value


def _integer(line: dict[str, str], column: str) -> int:
    text = _required(line, column)
    if not _INTEGER.fullmatch(text):
        raise LineError(f"{column} {text[:40]!r} is not a whole number such as 3")
    return int(text)


def _yes_no(line: dict[str, str], column: str, *, optional: bool = False) -> bool:
    text = _cell(line, column).upper()
    if optional and not text:
        return False
    if text not in ("Y", "N"):
        raise LineError(f"{column} must be Y or N (CDISC NY), not {text[:20]!r}")
    return text == "Y"


def _code(line: dict[str, str], column: str, codes: type[Any], default: Any = None) -> Any:
    text = _cell(line, column)
    if not text and default is not None:
        return default
    try:
        return codes(text)
    except ValueError:
        choices = ", ".join(member.value for member in codes)
        raise LineError(f"{column} {text[:40]!r} is not one of {choices}") from None


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


# -- the layouts ------------------------------------------------------------------------------

def _parse_lab(line: dict[str, str]) -> ClinicalValue:
    return LabResult(_day(line, "LBDTC"), _required(line, "LBTESTCD"),
                     _amount(line, "LBORRES"), _required(line, "LBORRESU"),
                     _decimal(line, "LBORNRLO", optional=True),
                     _decimal(line, "LBORNRHI", optional=True),
                     _yes_no(line, "LBBLFL", optional=True))


def _write_lab(lab: LabResult) -> dict[str, str]:
    return {"LBDTC": _text_of(lab.visit_date), "LBTESTCD": lab.test_code,
            "LBORRES": _text_of(lab.value), "LBORRESU": lab.unit,
            "LBORNRLO": _text_of(lab.lln), "LBORNRHI": _text_of(lab.uln),
            "LBBLFL": "Y" if lab.is_baseline else ""}


def _parse_ae(line: dict[str, str]) -> ClinicalValue:
    grade = _required(line, "AETOXGR")
    if grade not in ("1", "2", "3", "4", "5"):
        raise LineError(f"AETOXGR {grade[:20]!r} is not a CTCAE grade 1 to 5")
    relatedness = tuple((column[len(AEREL_PREFIX):], _code(line, column, Relatedness))
                        for column in line if column.startswith(AEREL_PREFIX)
                        and _cell(line, column))
    return AdverseEvent(_required(line, "AETERM"), int(grade), _day(line, "AESTDTC"),
                        _yes_no(line, "AESER"), relatedness, _code(line, "AEACN", AeAction),
                        _code(line, "AEOUT", AeOutcome),
                        _date(line, "AEENDTC", optional=True))


def _write_ae(event: AdverseEvent) -> dict[str, str]:
    return {"AETERM": event.term, "AETOXGR": str(event.grade),
            "AESTDTC": _text_of(event.onset_date), "AEENDTC": _text_of(event.resolution_date),
            "AESER": _text_of(event.is_serious), "AEACN": event.action.value,
            "AEOUT": event.outcome.value,
            **{f"{AEREL_PREFIX}{cause}": code.value for cause, code in event.relatedness}}


def _parse_dose(line: dict[str, str]) -> ClinicalValue:
    return DoseRecord(_required(line, "EXTRT"), _day(line, "EXSTDTC"),
                      _amount(line, "ECDOSE"), _amount(line, "EXDOSE"),
                      _required(line, "EXDOSU"), _code(line, "EXROUTE", Route),
                      _date(line, "EXENDTC", optional=True),
                      _code(line, "ADJUSTMENT", DoseAdjustment, DoseAdjustment.NONE),
                      _cell(line, "EXADJ"))


def _write_dose(dose: DoseRecord) -> dict[str, str]:
    return {"EXTRT": dose.drug, "EXSTDTC": _text_of(dose.start_date),
            "EXENDTC": _text_of(dose.end_date), "ECDOSE": _text_of(dose.prescribed_dose),
            "EXDOSE": _text_of(dose.taken_dose), "EXDOSU": dose.dose_unit,
            "EXROUTE": dose.route.value, "ADJUSTMENT": dose.adjustment.value,
            "EXADJ": dose.adjustment_reason}


def _parse_follow_up(line: dict[str, str]) -> ClinicalValue:
    return FollowUp(_date(line, "LSTALVDT", optional=True),
                    _date(line, "DTHDTC", optional=True), _optional(line, "DDORRES"),
                    _date(line, "DSSTDTC", optional=True), _optional(line, "DSDECOD"))


def _write_follow_up(contact: FollowUp) -> dict[str, str]:
    return {"LSTALVDT": _text_of(contact.last_known_alive),
            "DTHDTC": _text_of(contact.death_date), "DDORRES": _text_of(contact.death_cause),
            "DSSTDTC": _text_of(contact.discontinuation_date),
            "DSDECOD": _text_of(contact.discontinuation_reason)}


def _parse_eligibility(line: dict[str, str]) -> ClinicalValue:
    answer = _required(line, "IEORRES").upper()
    if answer not in _IEORRES:
        raise LineError(f"IEORRES {answer[:20]!r} is not Y (met), N (not met) or NA (not "
                        "applicable), CDISC NY")
    return Eligibility(_required(line, "IETESTCD"), _IEORRES[answer], _cell(line, "COVAL"))


def _write_eligibility(criterion: Eligibility) -> dict[str, str]:
    answer = next(code for code, status in _IEORRES.items() if status is criterion.status)
    return {"IETESTCD": criterion.criterion, "IEORRES": answer, "COVAL": criterion.note}


def _parse_screening(line: dict[str, str]) -> ClinicalValue:
    return Screening(_code(line, "DSDECOD", ScreeningOutcome),
                     _date(line, "DSSTDTC", optional=True), _optional(line, "IETESTCD"))


def _write_screening(screening: Screening) -> dict[str, str]:
    return {"DSDECOD": screening.outcome.value, "DSSTDTC": _text_of(screening.enrolment_date),
            "IETESTCD": _text_of(screening.failed_criterion)}


# The baseline's columns and the model's fields, in the layout's order; the type of each
# field says how its cell is read.
_BASELINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("AGE", "age_years"), ("SEX", "sex"), ("ETIOLOGY", "etiology"), ("ECOG101", "ecog"),
    ("BILI", "bilirubin_umol_l"), ("ALB", "albumin_g_l"), ("INR", "inr"),
    ("CPS0102", "ascites"), ("CPS0101", "encephalopathy"), ("AFP", "afp_ng_ml"),
    ("WEIGHT", "weight_kg"), ("HEIGHT", "height_cm"), ("TUMNUM", "tumour_number"),
    ("LDIAM", "max_tumour_size_mm"), ("SUMDIAM", "total_tumour_size_mm"), ("PVTT", "pvtt"),
    ("IVCTT", "has_ivc_thrombus"), ("EHMETS", "has_extrahepatic_metastasis"),
)
_BASELINE_CODES: dict[str, type[Any]] = {
    "SEX": Sex, "ETIOLOGY": Etiology, "CPS0102": Ascites, "CPS0101": Encephalopathy,
    "PVTT": Pvtt}


def _parse_baseline(line: dict[str, str]) -> ClinicalValue:
    values: dict[str, Any] = {}
    for column, name in _BASELINE_COLUMNS:
        if column in _BASELINE_CODES:
            values[name] = _code(line, column, _BASELINE_CODES[column])
        elif name in ("age_years", "ecog", "tumour_number"):
            values[name] = _integer(line, column)
        elif name.startswith("has_"):
            values[name] = _yes_no(line, column)
        else:
            values[name] = _amount(line, column)
    return BaselineCharacteristics(**values)


def _write_baseline(baseline: BaselineCharacteristics) -> dict[str, str]:
    return {column: _text_of(getattr(baseline, name)) for column, name in _BASELINE_COLUMNS}


def _parse_session(line: dict[str, str]) -> ClinicalValue:
    return TreatmentSession(_day(line, "PRSTDTC"), _required(line, "EXTRT"),
                            _amount(line, "EXDOSE"), _required(line, "EXDOSU"),
                            _integer(line, "SPHMIN"), _integer(line, "SPHMAX"),
                            _yes_no(line, "EMBENDPT"))


def _write_session(session: TreatmentSession) -> dict[str, str]:
    return {"PRSTDTC": _text_of(session.session_date), "EXTRT": session.drug,
            "EXDOSE": _text_of(session.dose), "EXDOSU": session.dose_unit,
            "SPHMIN": str(session.microsphere_min_um),
            "SPHMAX": str(session.microsphere_max_um),
            "EMBENDPT": _text_of(session.is_end_point_reached)}


def _parse_end_of_treatment(line: dict[str, str]) -> ClinicalValue:
    return EndOfTreatment(_day(line, "DSSTDTC"), _code(line, "DSDECOD", EndOfTreatmentReason),
                          _cell(line, "DSTERM"), _optional(line, "CMTRT"),
                          _date(line, "CMSTDTC", optional=True))


def _write_end_of_treatment(end: EndOfTreatment) -> dict[str, str]:
    return {"DSSTDTC": _text_of(end.end_date), "DSDECOD": end.reason.value,
            "DSTERM": end.reason_detail, "CMTRT": _text_of(end.subsequent_therapy),
            "CMSTDTC": _text_of(end.subsequent_therapy_start)}


def _parse_dismissal(line: dict[str, str]) -> ClinicalValue:
    grade = _required(line, "AETOXGR")
    if grade not in ("1", "2", "3", "4"):
        raise LineError(f"AETOXGR {grade[:20]!r} is not a lab grade 1-4")
    return DismissedLabEvent(_required(line, "AETERM"), _day(line, "AESTDTC"),
                             _required(line, "COVAL"), int(grade))


def _write_dismissal(dismissal: DismissedLabEvent) -> dict[str, str]:
    return {"AETERM": dismissal.term, "AETOXGR": str(dismissal.grade),
            "AESTDTC": _text_of(dismissal.onset_date), "COVAL": dismissal.reason}


LAYOUTS: dict[str, Layout] = {
    "eligibility": Layout(
        ClinicalKind.ELIGIBILITY, "eligibility criteria", ("USUBJID", "IETESTCD", "IEORRES",
                                                           "COVAL"),
        ("USUBJID", "IETESTCD", "IEORRES"), _parse_eligibility, _write_eligibility,
        (("criterion", "IETESTCD"), ("status", "IEORRES"), ("note", "COVAL"))),
    "screening": Layout(
        ClinicalKind.SCREENING, "screening outcomes",
        ("USUBJID", "DSDECOD", "DSSTDTC", "IETESTCD"), ("USUBJID", "DSDECOD"),
        _parse_screening, _write_screening,
        (("outcome", "DSDECOD"), ("enrolment_date", "DSSTDTC"),
         ("failed_criterion", "IETESTCD"))),
    "baseline": Layout(
        ClinicalKind.BASELINE, "baseline characteristics",
        ("USUBJID", *(column for column, _ in _BASELINE_COLUMNS)),
        ("USUBJID", *(column for column, _ in _BASELINE_COLUMNS)),
        _parse_baseline, _write_baseline,
        tuple((name, column) for column, name in _BASELINE_COLUMNS)),
    "treatment-sessions": Layout(
        ClinicalKind.TREATMENT_SESSION, "DEB-TACE sessions",
        ("USUBJID", "PRSTDTC", "EXTRT", "EXDOSE", "EXDOSU", "SPHMIN", "SPHMAX", "EMBENDPT"),
        ("USUBJID", "PRSTDTC", "EXTRT", "EXDOSE", "EXDOSU", "SPHMIN", "SPHMAX", "EMBENDPT"),
        _parse_session, _write_session,
        (("session_date", "PRSTDTC"), ("drug", "EXTRT"), ("dose", "EXDOSE"),
         ("dose_unit", "EXDOSU"), ("microsphere_min_um", "SPHMIN"),
         ("microsphere_max_um", "SPHMAX"), ("is_end_point_reached", "EMBENDPT"))),
    "end-of-treatment": Layout(
        ClinicalKind.END_OF_TREATMENT, "ends of treatment",
        ("USUBJID", "DSSTDTC", "DSDECOD", "DSTERM", "CMTRT", "CMSTDTC"),
        ("USUBJID", "DSSTDTC", "DSDECOD"), _parse_end_of_treatment, _write_end_of_treatment,
        (("end_date", "DSSTDTC"), ("reason", "DSDECOD"), ("reason_detail", "DSTERM"),
         ("subsequent_therapy", "CMTRT"), ("subsequent_therapy_start", "CMSTDTC"))),
    "labs": Layout(
        ClinicalKind.LAB, "labs",
        ("USUBJID", "LBDTC", "LBTESTCD", "LBORRES", "LBORRESU", "LBORNRLO", "LBORNRHI",
         "LBBLFL"),
        ("USUBJID", "LBDTC", "LBTESTCD", "LBORRES", "LBORRESU"), _parse_lab, _write_lab,
        (("visit_date", "LBDTC"), ("test_code", "LBTESTCD"), ("value", "LBORRES"),
         ("unit", "LBORRESU"), ("lln", "LBORNRLO"), ("uln", "LBORNRHI"),
         ("is_baseline", "LBBLFL"))),
    "adverse-events": Layout(
        ClinicalKind.ADVERSE_EVENT, "adverse events",
        ("USUBJID", "AETERM", "AETOXGR", "AESTDTC", "AEENDTC", "AESER", "AEACN", "AEOUT"),
        ("USUBJID", "AETERM", "AETOXGR", "AESTDTC", "AESER", "AEACN", "AEOUT"),
        _parse_ae, _write_ae,
        (("term", "AETERM"), ("grade", "AETOXGR"), ("onset_date", "AESTDTC"),
         ("resolution_date", "AEENDTC"), ("is_serious", "AESER"), ("action", "AEACN"),
         ("outcome", "AEOUT"))),
    "treatment": Layout(
        ClinicalKind.DOSE, "doses",
        ("USUBJID", "EXTRT", "EXSTDTC", "EXENDTC", "ECDOSE", "EXDOSE", "EXDOSU", "EXROUTE",
         "ADJUSTMENT", "EXADJ"),
        ("USUBJID", "EXTRT", "EXSTDTC", "ECDOSE", "EXDOSE", "EXDOSU", "EXROUTE"),
        _parse_dose, _write_dose,
        (("drug", "EXTRT"), ("start_date", "EXSTDTC"), ("end_date", "EXENDTC"),
         ("prescribed_dose", "ECDOSE"), ("taken_dose", "EXDOSE"), ("dose_unit", "EXDOSU"),
         ("route", "EXROUTE"), ("adjustment", "ADJUSTMENT"),
         ("adjustment_reason", "EXADJ"))),
    "follow-up": Layout(
        ClinicalKind.FOLLOW_UP, "follow-up contacts",
        ("USUBJID", "LSTALVDT", "DTHDTC", "DDORRES", "DSSTDTC", "DSDECOD"), ("USUBJID",),
        _parse_follow_up, _write_follow_up,
        (("last_known_alive", "LSTALVDT"), ("death_date", "DTHDTC"),
         ("death_cause", "DDORRES"), ("discontinuation_date", "DSSTDTC"),
         ("discontinuation_reason", "DSDECOD"))),
    "lab-event-dismissals": Layout(
        ClinicalKind.LAB_EVENT_DISMISSAL, "dismissed lab events",
        ("USUBJID", "AETERM", "AETOXGR", "AESTDTC", "COVAL"),
        ("USUBJID", "AETERM", "AETOXGR", "AESTDTC", "COVAL"),
        _parse_dismissal, _write_dismissal,
        (("term", "AETERM"), ("grade", "AETOXGR"), ("onset_date", "AESTDTC"),
         ("reason", "COVAL"))),
}


# -- reading a file ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ParsedFile:
    """The lines of a CSV file as entries, and the lines refused with their reasons."""

    entries: tuple[tuple[int, str, ClinicalValue], ...]   # (line, subject, value)
    problems: tuple[tuple[int, str], ...]                 # (line, reason)


def _header_problem(layout: Layout, header: Sequence[str]) -> str | None:
    unnamed = [str(number) for number, name in enumerate(header, 1) if not name.strip()]
    if unnamed:
        return (f"column {', '.join(unnamed)} of the header has no name (a trailing comma?); "
                "every column needs its name")
    missing = [name for name in layout.required if name not in header]
    allowed = set(layout.columns)
    unknown = [name for name in header if name not in allowed
               and not (layout.kind is ClinicalKind.ADVERSE_EVENT
                        and name.startswith(AEREL_PREFIX) and len(name) > len(AEREL_PREFIX))]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing:
        return f"the header lacks {', '.join(missing)} (docs/clinical-record.md §5)"
    if unknown:
        return f"the header has columns the {layout.what} layout does not: {', '.join(unknown)}"
    if duplicated:
        return f"the header names {', '.join(duplicated)} twice"
    return None


def _refusal(layout: Layout, line: dict[str, str], error: InvalidValueError) -> str:
    """The record's refusal of a value, worded by its column and the cell as typed."""
    column = layout.column_of(error.field)
    if column is None:
        return str(error)
    typed = _cell(line, column)
    return f"{column}: {error.reason}" + (f", not {shortened(repr(typed))}" if typed else "")


def parse_csv(layout: Layout, name: str, data: bytes) -> ParsedFile:
    """Every line of *data* read by *layout*.

    Raises
    ------
    InputFileError
        The file is not UTF-8 text, not CSV, or its header is not the layout's.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(name, f"not UTF-8 text (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise InputFileError(name, "empty: no header line")
        problem = _header_problem(layout, header)
        if problem:
            raise InputFileError(name, f"line 1: {problem}")
        entries, problems = [], []
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                problems.append((number, f"{len(cells)} cells, the header has {len(header)}"))
                continue
            line = dict(zip(header, cells, strict=True))
            try:
                subject = _required(line, "USUBJID")
                entries.append((number, subject, layout.parse(line)))
            except LineError as error:
                problems.append((number, str(error)))
            except InvalidValueError as error:
                problems.append((number, _refusal(layout, line, error)))
    except csv.Error as error:
        raise InputFileError(name, f"line {reader.line_num}: not CSV ({error})") from None
    return ParsedFile(tuple(entries), tuple(problems))


def write_csv(layout: Layout, entries: Iterable[ClinicalEntry[Any]]) -> str:
    """*entries* in *layout*, one line each, with its header."""
    rows = [{"USUBJID": entry.subject, **layout.write(entry.value)} for entry in entries]
    header = list(layout.columns)
    for row in rows:  # an event's AEREL_<cause> columns, in the order first met
        header += [column for column in row if column not in header]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# -- the commands -----------------------------------------------------------------------------

def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``mrecist clinical import`` and ``mrecist clinical export``."""
    clinical = subparsers.add_parser(
        "clinical", help="import or export the clinical record as CSV (coordinator)",
        description="The clinical record as CSV files, one layout per kind, columns named "
        "as CDISC SDTM names them (docs/clinical-record.md).")
    commands = clinical.add_subparsers(dest="action", metavar="ACTION", required=True)
    kinds = sorted(LAYOUTS)
    importing = commands.add_parser(
        "import", help="record every line of a CSV file, or none of them",
        description="Record every line of FILE as an entry of KIND. Every bad line is "
        "named with its number and reason; one bad line and nothing is recorded (exit 2).")
    add_login_arguments(importing)
    importing.add_argument("kind", metavar="KIND", choices=kinds,
                           help=f"one of {', '.join(kinds)}")
    importing.add_argument("file", metavar="FILE.csv", type=FileArgument,
                           help="the CSV file ('-' for standard input)")
    importing.set_defaults(handler=guarded(_run_import))
    exporting = commands.add_parser(
        "export", help="write every entry of a kind in the import's layout",
        description="Write every entry of KIND, of every subject, as CSV in the layout "
        "`mrecist clinical import` reads.")
    add_login_arguments(exporting)
    exporting.add_argument("kind", metavar="KIND", choices=kinds,
                           help=f"one of {', '.join(kinds)}")
    exporting.add_argument("--out", type=Path, metavar="FILE",
                           help="write to FILE instead of standard output")
    exporting.set_defaults(handler=guarded(_run_export))


def _report(command: str, name: str, problems: Sequence[tuple[int, str]]) -> int:
    for number, reason in sorted(problems):
        print(f"{command}: {name} line {number}: {one_line(reason)}", file=sys.stderr)
    lines = "line" if len(problems) == 1 else "lines"
    print(f"{command}: {name}: {len(problems)} {lines} refused, nothing imported",
          file=sys.stderr)
    return EXIT_ERROR


def _run_import(args: argparse.Namespace) -> int:
    layout = LAYOUTS[args.kind]
    name = "<stdin>" if args.file == "-" else one_line(str(args.file))
    parsed = parse_csv(layout, name, read_input(args.file, MAX_CLINICAL_CSV_BYTES,
                                                "clinical CSV file"))
    if not parsed.entries and not parsed.problems:
        raise InputFileError(name, "no lines after the header: nothing to import")
    command = f"mrecist {args.command}"  # as ``guarded`` words every other refusal
    # Standard input is the CSV file: the password cannot come from there as well.
    if args.file == "-" and args.password_stdin:
        raise CoreError("--password-stdin cannot be used with FILE '-'")
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        given = [(subject, value) for _, subject, value in parsed.entries]
        try:
            made = record_clinical_entries(store, session, given, what=name,
                                           check_only=bool(parsed.problems))
        except ClinicalEntriesError as error:
            refused = [(parsed.entries[index - 1][0], reason)
                       for index, reason in error.problems]
            return _report(command, name, [*parsed.problems, *refused])
    if parsed.problems:
        return _report(command, name, parsed.problems)
    print(f"{name}: imported {len(made)} {layout.what}")
    return 0


def _run_export(args: argparse.Namespace) -> int:
    layout = LAYOUTS[args.kind]
    store, session = open_as_user(args, PasswordSource(args.password_stdin))
    with store:
        text = write_csv(layout, clinical_entries(store, session, layout.kind))
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"{args.out}: {text.count(chr(10)) - 1} {layout.what}")
    return 0
