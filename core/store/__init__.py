"""The trial store: one SQLite file per trial, the only place where rows exist.

The store persists and nothing more: what a user may do, and whether the reading workflow
allows it, is decided by the actions above it (``core.actions``), with the rules of
``core.reading``. Values in and out are frozen dataclasses of ``core.model``; rows never
leave the package. Its modules:

``db``            open a store, one transaction per user action
``migrations``    the schema, one step per version
``auth``          accounts, password policy and hashes, log-in, re-authentication
``sessions``      the sessions a store issued (only ``auth.login`` adds one)
``trial``         the trial, subjects, timepoints, series, images, reading tasks
``reads``         a read's lesions, calipers, findings, signatures, amendments
``adjudications`` adjudications, decisions, final results
``status``        progress counts for the coordinator
``ledger``        the only writer of audited tables (each write with its audit row)
``audited``       which tables the audit covers; ``chain`` the audit's hash link
``audit``         the append-only, hash-chained audit trail
``replay``        the audit replayed against the tables; the schema against the migrations'
``anchors``       anchors of the audit outside the file (checkpoint, backups, reports)
``integrity``     every check of a store file in one report
``settings``      site settings
``backup``        online backups

Blinding and roles hold for callers of ``core.actions``; anyone who can read this file reads
both reads, and anyone who can write it can change it, which ``mrecist audit verify`` then
names (docs/security.md).
"""

from core.store.audit import AuditVerdict, verify
from core.store.auth import (
    DEFAULT_KDF,
    MAX_FAILED_LOGINS,
    MAX_IDLE_MINUTES,
    ScryptParams,
    login,
    logout,
)
from core.store.backup import DEFAULT_KEEP
from core.store.db import DEFAULT_BUSY_TIMEOUT_S, Store, open_store, open_store_read_only
from core.store.trial import init_store, trial_info

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_S",
    "DEFAULT_KDF",
    "DEFAULT_KEEP",
    "MAX_FAILED_LOGINS",
    "MAX_IDLE_MINUTES",
    "AuditVerdict",
    "ScryptParams",
    "Store",
    "init_store",
    "login",
    "logout",
    "open_store",
    "open_store_read_only",
    "trial_info",
    "verify",
]
