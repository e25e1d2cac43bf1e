"""The vocabulary of a trial's organisation: users, subjects, timepoints, tasks, results.

Plain frozen values the store returns; nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.model.clinical import CaseOptions, Criteria, Trigger
from core.model.reading import Read, Role


@dataclass(frozen=True, slots=True)
class User:
    """A user account (never carries the password hash)."""

    user_id: int
    login: str
    display_name: str
    role: Role
    is_active: bool = True
    is_locked: bool = False


@dataclass(frozen=True, slots=True)
class Session:
    """Proof of a login: pass it to every store call. Only the store that issued it accepts it."""

    token: str
    user_id: int
    login: str
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Subject:
    """A trial subject, known by its trial code only (no patient identity)."""

    subject_id: int
    code: str


@dataclass(frozen=True, slots=True)
class TimepointInfo:
    """One imaging timepoint of a subject."""

    timepoint_id: int
    subject: str
    label: str
    date: dt.date
    nominal_week: int | None = None


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    """One imaging series registered for a timepoint."""

    series_id: int
    timepoint_id: int
    series_instance_uid: str
    study_instance_uid: str
    modality: str
    phase: str
    location: str


@dataclass(frozen=True, slots=True)
class Task:
    """A reading task: one reader reads one subject (reader slot 1 or 2)."""

    task_id: int
    subject: str
    slot: int
    reader_login: str | None = None
    reader_id: int | None = None
    subject_id: int | None = None
    # Labels of the reader's signed timepoints that wait for a new signature after an
    # earlier one was amended (docs/signatures.md §4); filled in the reader's worklist.
    resignature_needed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Signature:
    """An electronic signature: who, when (UTC), what it means (21 CFR 11.50).

    ``content_json`` is the canonical text the digest was computed from
    (``mrecist-signed/2``, docs/signatures.md), ``None`` for a signature made before
    signatures recorded it (``mrecist-signed/1``); ``entity_id`` names the signed record
    and ``signer_id`` the signing user (21 CFR 11.70: signature and record linked).
    """

    signature_id: int
    signer: str
    signed_utc: str
    meaning: str
    entity: str
    content_sha256: str
    entity_id: int | None = None
    signer_id: int | None = None
    content_json: str | None = None


@dataclass(frozen=True, slots=True)
class AdjudicationView:
    """What the adjudicator sees: two signed reads labelled A/B, and why they differ."""

    adjudication_id: int
    subject: str
    through_label: str
    triggers: tuple[str, ...]
    read_a: Read
    read_b: Read
    result_a: dict[str, Any] = field(default_factory=dict)
    result_b: dict[str, Any] = field(default_factory=dict)
    # Signatures of read A or B that no longer match what they signed ("read A Week 6:
    # content changed since signing: ..."): while any is listed, the cycle cannot be
    # decided (docs/signatures.md §5).
    signature_problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FinalResult:
    """The final read of a subject up to one timepoint and the engine's result of it."""

    subject: str
    through_label: str
    source: str
    reader_slot: int
    result: dict[str, Any]
    adjudication_id: int | None = None
    rationale: str | None = None
    # Signatures behind this result that no longer match (docs/signatures.md §5); such a
    # final read is not exported.
    signature_problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReaderProgress:
    """One reader's progress, and how often the adjudicator chose their read.

    ``adjudications`` counts decided adjudications of the reader's subjects, ``chosen``
    those in which the reader's read was selected (agreement with the adjudicator,
    docs/reading.md §3).
    """

    login: str
    display_name: str
    subjects: int
    timepoints_signed: int
    timepoints_total: int
    adjudications: int = 0
    chosen: int = 0
    # Signed timepoints waiting for a new signature after an earlier one was amended; not
    # counted in ``timepoints_signed`` (docs/signatures.md §4).
    timepoints_awaiting_resignature: int = 0

    @property
    def agreement_with_adjudicator(self) -> float | None:
        """``chosen / adjudications``, or ``None`` before the first adjudication."""
        return self.chosen / self.adjudications if self.adjudications else None


@dataclass(frozen=True, slots=True)
class ResignatureNeeded:
    """A signed timepoint whose signature waits to be renewed, and why.

    ``read`` is the reader slot ("1", "2") for the coordinator and the read's letter
    ("A", "B") for the adjudicator, who never learns which reader wrote a read
    (docs/reading.md §2). ``reason`` names the amended timepoint, the date (never the
    time) and the amendment's reason (docs/signatures.md §4).
    """

    subject: str
    read: str
    timepoint: str
    reason: str


@dataclass(frozen=True, slots=True)
class AuditAnchor:
    """The audit had *rows* rows ending in *head* (SHA-256) at *utc*: what a report prints
    so that a later rewrite of the store can be caught against it (docs/security.md §3)."""

    rows: int
    head: str
    utc: str


@dataclass(frozen=True, slots=True)
class LastCheck:
    """The last ``audit verify`` of the store: when, and what it found."""

    utc: str
    is_intact: bool
    audit_rows: int
    anchors_checked: int
    findings: int
    awaiting_resignature: int = 0


@dataclass(frozen=True, slots=True)
class TrialStatus:
    """Progress of the trial as a coordinator sees it."""

    trial: str
    criteria: str
    subjects: int
    readers: tuple[ReaderProgress, ...]
    open_adjudications: int
    adjudicated: int
    concordant: int
    awaiting_resignature: tuple[ResignatureNeeded, ...] = ()
    # The record's own state: the audit head now (an anchor for whoever keeps this
    # report), the last check of the store, and why the last anchor could not be written.
    audit_anchor: AuditAnchor | None = None
    last_check: LastCheck | None = None
    anchor_problem: str | None = None

    @property
    def adjudication_rate(self) -> float | None:
        """Adjudicated subjects over subjects with a final result (docs/reading.md §3)."""
        decided = self.adjudicated + self.concordant
        return self.adjudicated / decided if decided else None


@dataclass(frozen=True, slots=True)
class TrialInfo:
    """The trial a store holds: its criteria, engine options and adjudication triggers."""

    name: str
    criteria: Criteria
    options: CaseOptions
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True, slots=True)
class Adjudication:
    """One adjudication as the trial keeps it (reader identity stays with the tasks)."""

    adjudication_id: int
    subject_id: int
    subject: str
    through_timepoint_id: int
    through_label: str
    task_a_id: int
    task_b_id: int
    triggers: tuple[str, ...]
    result_a: dict[str, Any]
    result_b: dict[str, Any]
    status: str
    created_utc: str
    chosen: str | None = None
    rationale: str | None = None


@dataclass(frozen=True, slots=True)
class EarlierDecision:
    """A decided adjudication of an earlier cycle of the same subject, shown read-only
    when a later timepoint re-opens the dual read (docs/reading.md §3)."""

    through_label: str
    chosen: str
    rationale: str
    decided_utc: str


@dataclass(frozen=True, slots=True)
class AdjudicationTask:
    """An open adjudication in the adjudicator's worklist (no reader identity).

    *triggers* are the differences that opened it, read A's against read B's ("best
    overall response: PR vs SD"); *opened_utc* when the second read's signature opened
    it, so the queue can say how long it has waited.
    """

    adjudication_id: int
    subject: str
    through_label: str
    triggers: tuple[str, ...] = ()
    opened_utc: str = ""
