"""The rules of entering the clinical record, pure: dates, reasons, the data cut-off.

Not the clinical rules themselves (grading, scores, eligibility from labs: those are
computed from the entered values elsewhere): only what may be written when. Each refusal
is a short reason, or ``None`` when the entry may be written (docs/clinical-record.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.model.clinical_record import ClinicalValue

# 21 CFR 11.10(e): changes to a record must not obscure what it held; the reason for a
# change after entry is recorded with it (ICH E6(R2) 4.9.3: "explained if necessary").
REASON_NEEDED = ("a reason is required for a change after entry (21 CFR 11.10(e)): say why "
                 "the recorded value is changed")
MAX_REASON_CHARS = 500


def change_reason_refusal(reason: str | None) -> str | None:
    """Why *reason* cannot explain a change to an entered value, or ``None``."""
    if reason is None or not reason.strip():
        return REASON_NEEDED
    if len(reason) > MAX_REASON_CHARS:
        return f"the reason must be at most {MAX_REASON_CHARS} characters"
    if any(ord(char) < 32 or char in "\x85\u2028\u2029" for char in reason):
        return "the reason must be one line of text"
    return None


def future_date_refusal(value: ClinicalValue, today: dt.date) -> str | None:
    """Why *value* cannot be recorded on *today*: a date of it after today, or ``None``."""
    for item in dataclasses.fields(value):
        day = getattr(value, item.name)
        if isinstance(day, dt.date) and day > today:
            return f"{item.name} {day.isoformat()} is after today ({today.isoformat()})"
    return None


def dates_of(value: ClinicalValue) -> tuple[dt.date, ...]:
    """Every date *value* holds (a follow-up contact may hold three, an end of treatment
    two), in field order."""
    return tuple(day for item in dataclasses.fields(value)
                 if isinstance(day := getattr(value, item.name), dt.date))


def is_behind_cut_off(value: ClinicalValue, cut_off: dt.date | None) -> bool:
    """Whether a data cut-off on *cut_off* covers *value*: it is undated (eligibility,
    screening, baseline) or any of its dates is on or before the cut-off.

    Any date, not only the entry's own (``reference_date``): a death on a date behind the
    cut-off, written beside a later discontinuation, would change what the locked record
    says of overall survival; so would a subsequent therapy started behind it, of PFS.
    """
    if cut_off is None:
        return False
    dates = dates_of(value)
    return not dates or min(dates) <= cut_off


def locked_refusal(is_locked: bool, value: ClinicalValue | None,
                   cut_off: dt.date | None) -> str | None:
    """Why an entry cannot be written after the data cut-off, or ``None``.

    *is_locked*: the entry changed or removed is locked; *value*: the value to be written
    (a new entry, or an entry's new value), refused when the cut-off covers it.
    """
    if is_locked:
        return "locked at the data cut-off; a locked entry is not changed"
    if value is not None and is_behind_cut_off(value, cut_off):
        assert cut_off is not None
        return (f"behind the data cut-off of {cut_off.isoformat()}: the record is locked "
                "up to that date")
    return None


def cut_off_refusal(cut_off: dt.date, today: dt.date,
                    current: dt.date | None) -> str | None:
    """Why a data cut-off on *cut_off* cannot be set, given the *current* one."""
    if cut_off > today:
        return f"the cut-off {cut_off.isoformat()} is after today ({today.isoformat()})"
    if current is not None and cut_off <= current:
        return f"already locked up to {current.isoformat()}; a new cut-off must be later"
    return None
