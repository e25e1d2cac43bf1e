"""Persist the clinical record: each kind of entry in its table, through the ledger.

Persistence only: who may record what, the reason a change after entry needs, and the
data cut-off are decided by ``core.actions.clinical``. A value's fields are its table's
columns, by name: dates as ISO text, decimals as their text (``Decimal("1.50")`` stays
"1.50"), booleans as 0/1, coded values as their code, an adverse event's relatedness as
JSON pairs. The audit row of a change carries its reason under ``change_reason``
(``core.store.audited.CHANGE_REASON``), beside the old and new values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import types
import typing
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.model.clinical_record import (
    TYPE_OF,
    ClinicalEntry,
    ClinicalKind,
    ClinicalLock,
    ClinicalValue,
    kind_of,
)
from core.model.trial import Subject
from core.store import ledger
from core.store.audited import CHANGE_REASON, ENTITY_TABLES
from core.store.db import Store, utc_now

LOCK_ENTITY = "clinical_lock"
# The columns that make an entry unique for its subject (besides its id), by kind.
_UNIQUE: dict[ClinicalKind, tuple[str, ...]] = {
    ClinicalKind.ELIGIBILITY: ("criterion",),
    ClinicalKind.SCREENING: (),
    ClinicalKind.BASELINE: (),
    ClinicalKind.END_OF_TREATMENT: (),
    ClinicalKind.LAB: ("visit_date", "test_code"),
    ClinicalKind.LAB_EVENT_DISMISSAL: ("term", "onset_date"),
}
# The order entries of a kind are listed in, after the subject.
_ORDER: dict[ClinicalKind, str] = {
    ClinicalKind.ELIGIBILITY: "criterion",
    ClinicalKind.TREATMENT_SESSION: "session_date",
    ClinicalKind.DOSE: "start_date, drug",
    ClinicalKind.LAB: "visit_date, test_code",
    ClinicalKind.ADVERSE_EVENT: "onset_date",
    ClinicalKind.FOLLOW_UP: "coalesce(death_date, discontinuation_date, last_known_alive)",
    ClinicalKind.LAB_EVENT_DISMISSAL: "onset_date, term",
}


def table_of(kind: ClinicalKind) -> str:
    """The table holding entries of *kind*."""
    return ENTITY_TABLES[kind.value]


# -- values to columns and back -------------------------------------------------------------

def _column(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return json.dumps([[_column(item) for item in pair] for pair in value],
                          separators=(",", ":"))
    return value


def to_columns(value: ClinicalValue) -> dict[str, object]:
    """The columns of *value*'s row, by field name."""
    return {item.name: _column(getattr(value, item.name))
            for item in dataclasses.fields(value)}


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_column(annotation: Any, stored: object) -> object:
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType):  # X | None
        if stored is None:
            return None
        annotation = next(arg for arg in args if arg is not type(None))
        args = typing.get_args(annotation)
    if typing.get_origin(annotation) is tuple:  # relatedness: ((cause, assessment), ...)
        pair_types = typing.get_args(args[0])
        return tuple((str(cause), pair_types[1](code))
                     for cause, code in json.loads(str(stored)))
    if annotation is bool:
        return bool(stored)
    if annotation is dt.date:
        return dt.date.fromisoformat(str(stored))
    if annotation is Decimal:
        return Decimal(str(stored))
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation(str(stored))
    return stored


def from_row(kind: ClinicalKind, row: dict[str, Any]) -> ClinicalValue:
    """The value a stored row holds (validated again as it is built)."""
    cls = TYPE_OF[kind]
    hints = _field_types(cls)
    values = {item.name: _from_column(hints[item.name], row[item.name])
              for item in dataclasses.fields(cls)}
    value: ClinicalValue = cls(**values)
    return value


def _entry(kind: ClinicalKind, row: dict[str, Any]) -> ClinicalEntry[Any]:
    return ClinicalEntry(int(row["id"]), str(row["subject_code"]), from_row(kind, row),
                         bool(row["is_locked"]))


# -- reading -----------------------------------------------------------------------------------

def _select(kind: ClinicalKind, where: str) -> str:
    order = _ORDER.get(kind, "c.id")
    return (f"SELECT c.*, s.code AS subject_code FROM {table_of(kind)} c "
            f"JOIN subjects s ON s.id = c.subject_id WHERE {where} "
            f"ORDER BY s.code, {order}, c.id")


def find_entry(store: Store, kind: ClinicalKind, entry_id: int) -> ClinicalEntry[Any] | None:
    """Entry *entry_id* of *kind*, or ``None``."""
    row = store._row(_select(kind, "c.id = ?"), (entry_id,))
    return _entry(kind, row) if row else None


def subject_entries(store: Store, kind: ClinicalKind,
                    subject: Subject) -> tuple[ClinicalEntry[Any], ...]:
    """Every entry of *kind* of *subject*, in date order."""
    return tuple(_entry(kind, row) for row in
                 store._rows(_select(kind, "c.subject_id = ?"), (subject.subject_id,)))


def kind_entries(store: Store, kind: ClinicalKind) -> tuple[ClinicalEntry[Any], ...]:
    """Every entry of *kind*, by subject code, then in date order."""
    return tuple(_entry(kind, row) for row in store._rows(_select(kind, "1")))


def conflicting_entry(store: Store, subject: Subject, value: ClinicalValue,
                      exclude: int | None = None) -> int | None:
    """The id of another entry of *subject* that *value* would duplicate (the same
    criterion, the same test on the same day, a second screening ...), or ``None``."""
    kind = kind_of(value)
    if kind not in _UNIQUE:
        return None
    columns = to_columns(value)
    where = " AND ".join(["subject_id = ?", "id IS NOT ?",
                          *(f"{name} = ?" for name in _UNIQUE[kind])])
    row = store._row(f"SELECT id FROM {table_of(kind)} WHERE {where}",
                     (subject.subject_id, exclude, *(columns[n] for n in _UNIQUE[kind])))
    return int(row["id"]) if row else None


# -- writing ----------------------------------------------------------------------------------

def insert_entry(store: Store, actor: int, subject: Subject,
                 value: ClinicalValue) -> ClinicalEntry[Any]:
    """Record *value* for *subject*, unlocked; return it as stored."""
    kind = kind_of(value)
    entry_id = ledger.insert(store, actor, kind.value,
                             {"subject_id": subject.subject_id, **to_columns(value)},
                             note={"subject": subject.code})
    return ClinicalEntry(entry_id, subject.code, value, False)


def update_entry(store: Store, actor: int, entry: ClinicalEntry[Any], value: ClinicalValue,
                 reason: str) -> ClinicalEntry[Any]:
    """Replace the values of *entry* with *value*'s; the audit records the columns that
    changed, old and new, and *reason*."""
    old, new = to_columns(entry.value), to_columns(value)
    changes = {name: new[name] for name in new if new[name] != old[name]}
    if changes:
        ledger.update(store, actor, entry.kind.value, entry.entry_id, changes,
                      note={CHANGE_REASON: reason})
    return dataclasses.replace(entry, value=value)


def delete_entry(store: Store, actor: int, entry: ClinicalEntry[Any], reason: str) -> None:
    """Remove *entry*; the audit keeps what it held and *reason*."""
    ledger.delete(store, actor, entry.kind.value, entry.entry_id,
                  note={CHANGE_REASON: reason})


def set_locked(store: Store, actor: int, entry: ClinicalEntry[Any], cut_off: dt.date) -> None:
    """Mark *entry* locked by the data cut-off *cut_off*."""
    ledger.update(store, actor, entry.kind.value, entry.entry_id, {"is_locked": 1},
                  action="lock", note={"cut_off_date": cut_off.isoformat()})


def subject_locks(store: Store, subject: Subject | None) -> tuple[ClinicalLock, ...]:
    """The data cut-offs covering *subject* (its own and those of every subject), or,
    for ``None``, every cut-off recorded; oldest first."""
    where, params = ("1", ()) if subject is None else \
        ("l.subject_id IS NULL OR l.subject_id = ?", (subject.subject_id,))
    rows = store._rows("SELECT l.cut_off_date, l.locked_utc, s.code, u.login "
                       "FROM clinical_locks l LEFT JOIN subjects s ON s.id = l.subject_id "
                       f"JOIN users u ON u.id = l.user_id WHERE {where} ORDER BY l.id",
                       params)
    return tuple(ClinicalLock(dt.date.fromisoformat(row["cut_off_date"]), row["code"],
                              row["locked_utc"], row["login"]) for row in rows)


def insert_lock(store: Store, actor: int, subject: Subject | None,
                cut_off: dt.date) -> None:
    """Record a data cut-off for *subject* (``None``: every subject)."""
    ledger.insert(store, actor, LOCK_ENTITY, {
        "subject_id": None if subject is None else subject.subject_id,
        "cut_off_date": cut_off.isoformat(), "user_id": actor, "locked_utc": utc_now()})
