"""What the admin's screens show: accounts without their secrets, the audit without reads.

Plain values the actions return (``core.actions.admin``) and the widgets show; none of
them carries a password hash, a token or the content of a read (docs/security.md §6,
docs/reading.md §2: the admin is not a reader and sees no reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.model.reading import Role


@dataclass(frozen=True, slots=True)
class UserSummary:
    """One account as the admin manages it (never its password hash)."""

    user_id: int
    login: str
    display_name: str
    role: Role
    is_active: bool
    is_locked: bool
    must_change_password: bool
    failed_logins: int
    created_utc: str
    last_login_utc: str | None = None  # the last successful log-in the audit records


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit row as the store holds it, for the actions only (never shown as is).

    *before* and *after* hold what the ledger recorded (secret columns already as
    digests); the admin's view of it is ``core.reading.audit_summary``. *subject* is the
    trial code of the subject the row's entity belongs to, where the audit says so.
    """

    audit_id: int
    utc: str
    user_login: str | None
    action: str
    entity: str
    entity_id: int | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the audit trail as the admin's viewer shows it.

    *user* is the acting login (``None``: no acting user — an unknown login's attempt, a
    check of the file, a file-system recovery); *summary* says what changed, naming the
    columns of a read's rows without their values and no secret at all.
    """

    audit_id: int
    utc: str
    user: str | None
    action: str
    entity: str
    entity_id: int | None
    subject: str | None
    summary: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which audit rows to show: every one matches a filter left ``None``."""

    user: str | None = None
    subject: str | None = None
    action: str | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of the audit trail, newest first, and what the filters may choose from."""

    entries: tuple[AuditEntry, ...]
    total: int          # rows matching the filter, on every page
    offset: int
    limit: int
    filter: AuditFilter = field(default_factory=AuditFilter)
    users: tuple[str, ...] = ()     # logins of every account
    subjects: tuple[str, ...] = ()  # codes of every subject
    actions: tuple[str, ...] = ()   # every action the audit holds

    @property
    def has_next(self) -> bool:
        """True when rows follow this page."""
        return self.offset + len(self.entries) < self.total

    @property
    def has_previous(self) -> bool:
        """True when rows precede this page."""
        return self.offset > 0


@dataclass(frozen=True, slots=True)
class RecordVerdict:
    """The outcome of a check of the record, worded for a screen (never a value).

    *first_broken_row* is the audit row where the chain first fails, if it does; each of
    *findings* names a table, row or column and why, as ``mrecist audit verify`` does.
    """

    is_intact: bool
    headline: str
    findings: tuple[str, ...] = ()
    first_broken_row: int | None = None
