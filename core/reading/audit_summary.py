"""What the admin's audit viewer says of one audit row, pure: no secret, no read.

The admin manages accounts and set-up and sees no reads (docs/reading.md §2,
docs/security.md §2): whoever holds the OS account that owns the store holds the record,
and the application does not add a second way to the readers' work. So the summary of a
row of an account, a setting, a subject, a timepoint, a series or an assignment shows its
values; a row of a read (a lesion, a caliper, a finding, a timepoint's state, a signature,
an amendment, an adjudication, a final result, a key image) says only that it was created
or removed, or which columns changed, never what they hold. The clinical record
(``core.actions.clinical``) is the coordinator's alone: its rows are summarised the same
way, and the reason given for a change is withheld with the values (it may quote them).
Secret columns (a password hash, recorded as its digest) are named, never shown; the digest
standing for an unknown login is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.model.admin import AuditRecord
from core.model.clinical_record import ClinicalKind

# Entities whose values the admin sets up or manages: shown.
SHOWN_ENTITIES = frozenset({"trial", "setting", "user", "subject", "timepoint", "series",
                            "images", "task", "audit"})
# A read's rows: columns named, values withheld.
READ_ENTITIES = frozenset({"read_timepoint", "lesion", "measurement", "finding", "signature",
                           "amendment", "adjudication", "final_result", "key_image"})
# The clinical record's rows: columns named, values and reasons withheld.
CLINICAL_ENTITIES = frozenset({*(kind.value for kind in ClinicalKind), "clinical_lock"})
# Keys never shown with a value, whatever the entity.
_SECRET_SUFFIX = "_sha256"
# Bookkeeping that says nothing to an admin; the digest standing for an unknown login.
_QUIET_KEYS = frozenset({"created_utc", "group_column", "login_digest"})
MAX_VALUE_CHARS = 40
MAX_SUMMARY_CHARS = 200
WITHHELD = "values withheld: read content"
WITHHELD_CLINICAL = "values withheld: clinical record"
# Notes of a clinical row's audit that are not its columns.
_CLINICAL_NOTES = frozenset({"change_reason", "subject", "cut_off_date"})


def _value(value: Any) -> str:
    text = "—" if value is None else str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS - 1] + "…"
    return text


def _secret(key: str) -> bool:
    return key.endswith(_SECRET_SUFFIX)


def _named(key: str) -> str:
    """A secret column by its name alone: ``password_hash_sha256`` is ``password_hash``."""
    return key.removesuffix(_SECRET_SUFFIX)


def _shown_parts(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
                 ) -> list[str]:
    parts = []
    before = before or {}
    for key in sorted(set(before) | set(after or {})):
        if key in _QUIET_KEYS or (key == "sha256" and "count" in (after or {})):
            continue
        if _secret(key):
            parts.append(f"{_named(key)} changed" if before else f"{_named(key)} set")
            continue
        if after is None:
            parts.append(f"{key}={_value(before[key])}")
        elif key in before and key in after:
            if before[key] == after[key]:
                continue
            parts.append(f"{key} {_value(before[key])}→{_value(after[key])}")
        elif key in after:
            parts.append(f"{key}={_value(after[key])}")
    return parts


def audit_summary(record: AuditRecord) -> str:
    """One line saying what *record* changed, as the admin may see it."""
    before = record.before if isinstance(record.before, Mapping) else None
    after = record.after if isinstance(record.after, Mapping) else None
    withheld = WITHHELD
    if record.entity in CLINICAL_ENTITIES:
        withheld = WITHHELD_CLINICAL
        if record.action == "delete":
            after = None  # its after-value is the reason for the removal
    if record.entity in SHOWN_ENTITIES:
        text = ", ".join(_shown_parts(before, after))
    elif before is None and after is not None:
        text = f"new {record.entity} ({withheld})"
    elif after is None and before is not None:
        text = f"{record.entity} removed ({withheld})"
    else:
        columns = sorted(key for key in set(before or {}) | set(after or {})
                         if key not in _QUIET_KEYS and key not in _CLINICAL_NOTES)
        text = (f"changed {', '.join(_named(key) for key in columns)} ({withheld})"
                if columns else "")
    if len(text) > MAX_SUMMARY_CHARS:
        text = text[:MAX_SUMMARY_CHARS - 1] + "…"
    return text
