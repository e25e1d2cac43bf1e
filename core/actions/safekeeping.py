"""Keeping the record safe: backups, and checking the store against its anchors.

A backup is a complete copy of both reads, so only an admin or a coordinator may make one
(a reader with a copy would see the other read). A check of the store needs no log-in —
an inspector may run it on a copy — and is itself recorded in the audit, so the
coordinator's screen shows when the store was last checked and what was found
(docs/security.md §3).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.actions._access import authorize
from core.actions.integrity import SignatureCheck, SignatureState, verify_signatures
from core.errors import CoreError, PermissionDeniedError, StoreError
from core.model.admin import RecordVerdict
from core.model.reading import Role
from core.model.trial import AuditAnchor, LastCheck, Session
from core.store import Store, audit, open_store_read_only
from core.store.backup import DEFAULT_KEEP, backup, rotate_backups
from core.store.db import ANCHOR_COPY_SETTING
from core.store.integrity import StoreCheck, check_store
from core.store.settings import get_setting, put_setting


def backup_store(store: Store, session: Session, out: Path) -> Path:
    """Copy the live store to *out* (admin or coordinator), audited with the copy's name."""
    user = authorize(store, session, Role.ADMIN, Role.COORDINATOR)
    with store.transaction():
        audit.record(store, user.user_id, "backup", "audit", None, None, {"file": out.name})
    return backup(store, out)


def rotate_store_backups(store: Store, session: Session, folder: Path,
                         keep: int = DEFAULT_KEEP) -> Path:
    """A timestamped backup into *folder*, keeping the newest *keep* (admin or coordinator)."""
    user = authorize(store, session, Role.ADMIN, Role.COORDINATOR)
    with store.transaction():
        audit.record(store, user.user_id, "backup", "audit", None, None,
                     {"folder": folder.name, "keep": keep})
    return rotate_backups(store, folder, keep)


@dataclass(frozen=True, slots=True)
class BackupOrder:
    """A rotating backup authorised and audited, to be written on any thread
    (``write_ordered_backup``): the store's own connection belongs to the thread that
    opened it. Only ``order_backup`` issues one, and each is carried out once."""

    store_path: Path
    folder: Path
    keep: int
    _token: str = field(repr=False, compare=False)


_issued_orders: set[str] = set()
_orders_lock = threading.Lock()


def order_backup(store: Store, session: Session, folder: Path,
                 keep: int = DEFAULT_KEEP) -> BackupOrder:
    """Authorise and audit a rotating backup into *folder* (admin or coordinator), as
    ``rotate_store_backups`` does, for ``write_ordered_backup`` to write elsewhere."""
    user = authorize(store, session, Role.ADMIN, Role.COORDINATOR)
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise StoreError(folder, f"keep a whole number of backups (0: all), not {keep!r}")
    with store.transaction():
        audit.record(store, user.user_id, "backup", "audit", None, None,
                     {"folder": folder.name, "keep": keep})
    token = secrets.token_hex(16)
    with _orders_lock:
        _issued_orders.add(token)
    return BackupOrder(store.path, folder, keep, token)


def write_ordered_backup(order: BackupOrder) -> Path:
    """Write the backup *order* asks for through a read-only connection of this thread,
    keeping the newest ``order.keep``; return the new file.

    Raises
    ------
    PermissionDeniedError
        The order was not issued by ``order_backup``, or was carried out already.
    StoreError
        The store cannot be opened, or the backup cannot be written or fails its check.
    """
    with _orders_lock:
        issued = order._token in _issued_orders
        _issued_orders.discard(order._token)
    if not issued:
        raise PermissionDeniedError(f"backup into {order.folder}", "not ordered by "
                                    "order_backup, or carried out already")
    source = open_store_read_only(order.store_path)
    try:
        return rotate_backups(source, order.folder, order.keep)
    finally:
        source.close()


@dataclass(frozen=True, slots=True)
class RecordCheck:
    """The whole check: the store file, then every signature against what it signed."""

    store: StoreCheck
    signatures: tuple[SignatureCheck, ...]
    signatures_unchecked: str | None = None  # why they could not be checked

    @property
    def tampered_signatures(self) -> tuple[SignatureCheck, ...]:
        """Signatures whose content changed with no amendment to explain it."""
        return tuple(check for check in self.signatures if check.is_tampering)

    @property
    def awaiting_resignature(self) -> tuple[SignatureCheck, ...]:
        """Signatures an amendment made stale: expected work, not a finding."""
        return tuple(check for check in self.signatures
                     if check.state is SignatureState.RESIGNATURE_NEEDED)

    @property
    def findings(self) -> int:
        """How many things were found."""
        return (len(self.store.discrepancies) + (0 if self.store.chain.is_intact else 1)
                + len(self.tampered_signatures) + (self.signatures_unchecked is not None))

    @property
    def is_intact(self) -> bool:
        """True when nothing was found."""
        return self.findings == 0


def verify_store(store: Store, anchor_files: Sequence[Path] = (), *,
                 record: bool = False) -> RecordCheck:
    """Check the chain, schema, tables, anchors and signatures of *store*.

    With *record*, the outcome is recorded in the audit (the coordinator's screen shows the
    last one); without, nothing is written, so a backup or a copy can be checked as it is.

    A store changed behind the application's back may not even load: why the signatures
    could not be checked is then a finding itself, not an error.
    """
    result = check_store(store, anchor_files)
    unchecked = None
    signatures: tuple[SignatureCheck, ...] = ()
    try:
        signatures = verify_signatures(store)
    except (CoreError, ValueError, LookupError, TypeError) as error:
        unchecked = f"{type(error).__name__}: {error}"
    check = RecordCheck(result, signatures, unchecked)
    if not record:
        return check
    with store.transaction():
        _record_check(store, None, check)
    return check


def _record_check(store: Store, user_id: int | None, check: RecordCheck) -> None:
    audit.record(store, user_id, "verify", "audit", None, None, {
        "intact": check.is_intact, "audit_rows": check.store.audit_rows,
        "anchors": check.store.anchors_checked, "discrepancies": check.findings,
        "signatures": len(check.signatures),
        "awaiting_resignature": len(check.awaiting_resignature)})


def verify_store_file(path: Path, anchor_files: Sequence[Path] = ()) -> RecordCheck:
    """``verify_store`` on the store file at *path*, opened read-only on this thread and
    closed again: a screen runs it off its own thread, where the store's connection
    cannot go. Nothing is written; like ``mrecist audit verify`` it needs no log-in.

    Raises
    ------
    StoreError
        No store at *path*, or one that cannot be opened to be checked.
    """
    opened = open_store_read_only(path)
    try:
        return verify_store(opened, anchor_files)
    finally:
        opened.close()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def record_verdict(check: RecordCheck) -> RecordVerdict:
    """*check* worded for a screen, as ``mrecist audit verify`` words it: the first broken
    row of the chain, then every other finding (tables, rows and columns, never values)."""
    stored = check.store
    if check.is_intact:
        tail = (f"; the {stored.unanchored_rows} newest rows not yet anchored"
                if stored.unanchored_rows else "")
        return RecordVerdict(True, f"Intact: audit chain of {stored.audit_rows} rows, schema, "
                             f"tables, {_count(len(check.signatures), 'signature')} and "
                             f"{_count(stored.anchors_checked, 'anchor')}{tail}.",
                             tuple(w.without_values() for w in check.awaiting_resignature))
    findings = []
    chain = stored.chain
    if not chain.is_intact:
        findings.append(f"audit row {chain.first_broken_id}: {chain.reason} (rows before it "
                        f"are intact: {chain.rows_checked})")
    findings += [str(found) for found in stored.discrepancies]
    findings += [f"signature of {signature.without_values()}"
                 for signature in check.tampered_signatures]
    if check.signatures_unchecked is not None:
        findings.append(f"signatures could not be checked: {check.signatures_unchecked}")
    headline = (f"Not intact: {_count(check.findings, 'finding')}"
                + (f"; the chain first breaks at audit row {chain.first_broken_id}"
                   if not chain.is_intact else "") + ".")
    return RecordVerdict(False, headline, tuple(findings), chain.first_broken_id)


def record_check(store: Store, session: Session, check: RecordCheck) -> None:
    """Record the outcome of a check made on another connection (admin or coordinator),
    so the coordinator's status shows when the store was last checked."""
    with store.transaction():
        user = authorize(store, session, Role.ADMIN, Role.COORDINATOR)
        _record_check(store, user.user_id, check)


def last_check(store: Store, session: Session) -> LastCheck | None:
    """The last recorded check of the store, for the coordinator's and admin's screens."""
    with store.snapshot():
        authorize(store, session, Role.COORDINATOR, Role.ADMIN)
        return recorded_check(store)


def recorded_check(store: Store) -> LastCheck | None:
    """The last check recorded in the audit (inside the caller's snapshot), or ``None``."""
    found = audit.latest(store, "verify", "audit")
    if found is None:
        return None
    utc, after = found
    return LastCheck(utc, bool(after["intact"]), int(after["audit_rows"]),
                     int(after["anchors"]), int(after["discrepancies"]),
                     int(after.get("awaiting_resignature", 0)))


def audit_anchor(store: Store) -> AuditAnchor | None:
    """The audit head now, as a report prints it (inside the caller's snapshot)."""
    head = store.audit_head()
    return None if head is None else AuditAnchor(head.rows, head.head, head.utc)


def set_anchor_copy(store: Store, session: Session, path: Path | None) -> None:
    """Keep a second checkpoint file at *path* (admin), e.g. on a share readers cannot write.

    ``None`` stops it. The folder must exist now; the file is appended to after every action.

    Raises
    ------
    StoreError
        If the folder of *path* does not exist.
    """
    user = authorize(store, session, Role.ADMIN)
    if path is not None and not path.parent.is_dir():
        raise StoreError(path, f"the folder {path.parent} does not exist")
    with store.transaction():
        put_setting(store, user.user_id, ANCHOR_COPY_SETTING,
                    None if path is None else str(path.resolve()))


def anchor_copy(store: Store, session: Session) -> str | None:
    """Where the site keeps its copy of the checkpoint file, if anywhere (admin, coordinator)."""
    with store.snapshot():
        authorize(store, session, Role.ADMIN, Role.COORDINATOR)
        value = get_setting(store, ANCHOR_COPY_SETTING)
    return str(value) if value else None
