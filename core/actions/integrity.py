"""Whether every signature still matches what it signed (21 CFR 11.70, 11.10(e)).

A signature's digest covers its record in the canonical form ``mrecist-signed/2``
(docs/signatures.md): for a reader's timepoint, the read through that timepoint and the
engine's result of it; for an adjudication, the cycle, both results, the choice and the
rationale. Checking recomputes that content from the store as it is now, with the
engine, and compares it with what the signature recorded, naming each part that no
longer matches.

Internal: these functions take no session. ``verify_signatures`` is what ``mrecist audit
verify`` runs over the whole store; the actions check the signatures behind a cycle
before it is adjudicated and behind a read before it is exported or shown as final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from core.actions._engine import evaluate_read
from core.model.reading import Read
from core.model.trial import Adjudication, Signature, Task, TrialInfo
from core.reading import (
    READ_FORMATS,
    SIGNED_FORMAT,
    adjudication_content,
    content_differences,
    content_sha256,
    describe_difference,
    legacy_signed_content,
    signed_content,
    signed_sha256,
)
from core.store import Store, adjudications, reads
from core.store import trial as trial_store

_SHOWN_DIFFERENCES = 3


class SignatureState(StrEnum):
    """What a check found: valid, expected to be renewed, or changed behind its back."""

    VALID = "valid"
    # An earlier timepoint was amended through the application: expected, not tampering.
    RESIGNATURE_NEEDED = "re-signature needed"
    # What the signature covers differs from what it signed, with no amendment to explain it.
    CONTENT_CHANGED = "content changed since signing"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The check of one current signature.

    Attributes
    ----------
    subject
        The subject's trial code.
    slot
        The reader slot (1 or 2) of a reader's signature; ``None`` for an adjudicator's.
    timepoint
        The signed timepoint's label (an adjudication: the last timepoint of its cycle).
    meaning
        The meaning the signer affirmed (21 CFR 11.50); empty when no signature row exists.
    signed_date
        The UTC date of the signature; ``None`` when no signature row exists or its time
        is not a time.
    state
        ``VALID``, ``RESIGNATURE_NEEDED`` or ``CONTENT_CHANGED``.
    problem
        ``None`` when valid; otherwise what no longer matches, in words (each differing
        part by its path in the canonical form, or the amendment that made it stale).
    """

    subject: str
    slot: int | None
    timepoint: str
    meaning: str
    signed_date: dt.date | None
    state: SignatureState
    problem: str | None = None
    # Where the content differs (paths in the canonical form), without the values.
    parts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the signature matches what it signed and needs no renewal."""
        return self.state is SignatureState.VALID

    @property
    def is_tampering(self) -> bool:
        """True when the content changed with no amendment to explain it."""
        return self.state is SignatureState.CONTENT_CHANGED

    @property
    def what(self) -> str:
        """"HCC-001 read 1 Week 6" or "HCC-001 adjudication Week 12": the signed record."""
        read = "adjudication" if self.slot is None else f"read {self.slot}"
        return f"{self.subject} {read} {self.timepoint}"

    def __str__(self) -> str:
        when = "no signing date" if self.signed_date is None \
            else f"signed {self.signed_date.isoformat()}"
        text = f"{self.what} ({when}): {self.state.value}"
        return text if self.problem is None else f"{text}: {self.problem}"

    def without_values(self) -> str:
        """The finding for whoever checks the store (an admin, an inspector): the record,
        the state and the parts that differ, but no measured value (docs/security.md §3)."""
        when = "no signing date" if self.signed_date is None \
            else f"signed {self.signed_date.isoformat()}"
        text = f"{self.what} ({when}): {self.state.value}"
        if self.parts:
            return f"{text}: {', '.join(self.parts)}"
        if self.state is SignatureState.CONTENT_CHANGED and self.problem:
            return f"{text}: {self.problem.split(': signed ')[0].split(' (')[0]}"
        return text


def verify_signatures(store: Store) -> tuple[SignatureCheck, ...]:
    """Check every current signature of the store: each signed timepoint of every read,
    then every signed adjudication.

    One consistent snapshot; nothing is written. A timepoint being amended is not signed
    now and is not checked (its earlier signature stays in the audit trail). Order:
    subject, reader slot, timepoint date; adjudications after the reads, oldest first.
    """
    with store.snapshot():
        trial = trial_store.trial_info(store)
        checks: list[SignatureCheck] = []
        for subject in trial_store.all_subjects(store):
            for task in trial_store.subject_tasks(store, subject):
                checks.extend(check_read(store, trial, task, reads.load_read(store, task)))
        checks.extend(check_adjudication(adjudication, signature)
                      for adjudication, signature in adjudications.signed_adjudications(store))
    return tuple(checks)


def check_read(store: Store, trial: TrialInfo, task: Task, read: Read,
               through: int | None = None) -> tuple[SignatureCheck, ...]:
    """Checks of the current signatures of *read*'s first *through* timepoints (all)."""
    signed = {tp_id: (rt_id, signature)
              for tp_id, rt_id, signature in reads.timepoint_signatures(store, task.task_id)}
    checks = []
    for index, timepoint in enumerate(read.timepoints[:through]):
        if timepoint.timepoint_id in signed:
            rt_id, signature = signed[timepoint.timepoint_id]
            checks.append(_check_timepoint(trial, task, read, index, rt_id, signature))
    return tuple(checks)


def _date(signature: Signature) -> dt.date | None:
    """The signature's UTC date; ``None`` if the stored time is not one (changed by SQL:
    the time is the signature row's, which the audit's replay checks, not its content)."""
    try:
        return dt.date.fromisoformat(str(signature.signed_utc)[:10])
    except ValueError:
        return None


def _summary(differences: tuple[tuple[tuple[str, ...], Any, Any], ...]) -> str:
    """The first differences in words: the record's before the result they changed."""
    ordered = sorted(differences, key=lambda item: item[0][:1] == ("result",))
    shown = [describe_difference(*item) for item in ordered[:_SHOWN_DIFFERENCES]]
    more = len(differences) - _SHOWN_DIFFERENCES
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _paths(differences: tuple[tuple[tuple[str, ...], Any, Any], ...]) -> tuple[str, ...]:
    """Where each difference lies, as "timepoints/Week 6/calipers/T1/total/start_xyz"."""
    return tuple("/".join(path) or "content" for path, _, _ in differences)


def _recorded(signature: Signature) -> dict[str, Any] | str:
    """What the signature recorded, or why that text cannot be trusted."""
    assert signature.content_json is not None
    text = signature.content_json
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != signature.content_sha256:
        return "the text the signature recorded no longer gives its digest"
    try:
        recorded = json.loads(text)
    except ValueError:
        return "the text the signature recorded is not JSON"
    if not isinstance(recorded, dict):
        return "the text the signature recorded is not a JSON object"
    return recorded


def _read_format(signature: Signature) -> str:
    """The format a reader's signature was written in (a newer one is compared as the
    current: whatever the text claims, the content must match it)."""
    recorded = _recorded(signature)
    claimed = recorded.get("format") if isinstance(recorded, dict) else None
    return claimed if claimed in READ_FORMATS else SIGNED_FORMAT


def _compared(signature: Signature, now: Mapping[str, Any]
              ) -> tuple[tuple[tuple[str, ...], Any, Any], ...] | str:
    """The differences between what was signed and *now*, or why they cannot be found."""
    recorded = _recorded(signature)
    if isinstance(recorded, str):
        return recorded
    if signed_sha256(now) == signature.content_sha256:
        return ()
    differences = content_differences(recorded, now)
    return differences or "the recorded text is not in the canonical form"


def _check_timepoint(trial: TrialInfo, task: Task, read: Read, index: int, rt_id: int,
                     signature: Signature | None) -> SignatureCheck:
    timepoint = read.timepoints[index]
    if signature is None:
        return SignatureCheck(read.subject, task.slot, timepoint.label, "", None,
                              SignatureState.CONTENT_CHANGED,
                              "marked signed, but no signature is recorded for it")

    def found(state: SignatureState, problem: str | None = None,
              parts: tuple[str, ...] = ()) -> SignatureCheck:
        return SignatureCheck(read.subject, task.slot, timepoint.label, signature.meaning,
                              _date(signature), state, problem, parts)

    # 21 CFR 11.70: the signature must name this record and this read's reader.
    if signature.entity != "read_timepoint" or signature.entity_id != rt_id:
        return found(SignatureState.CONTENT_CHANGED, "the signature is another record's")
    if signature.signer_id != task.reader_id:
        return found(SignatureState.CONTENT_CHANGED,
                     "the signer is not this read's reader")
    stale = timepoint.resign_reason if timepoint.needs_resignature else None
    if signature.content_json is None:
        return found(*_legacy_state(trial, read, index, signature, stale))
    result, problems = evaluate_read(read, trial, index + 1)
    compared = _compared(signature, signed_content(read, index + 1, result,
                                                   _read_format(signature)))
    if isinstance(compared, str):
        return found(SignatureState.CONTENT_CHANGED, compared)
    if result is None:
        record = tuple(item for item in compared if item[0][0] != "result")
        evaluation = f"the read no longer evaluates ({'; '.join(map(str, problems))})"
        return found(SignatureState.CONTENT_CHANGED,
                     f"{evaluation}; {_summary(record)}" if record else evaluation,
                     _paths(record))
    # An amendment of an earlier timepoint explains changes there and in the result; the
    # signed timepoint's own record cannot change while it is signed (docs/signatures.md §5).
    own = [item for item in compared
           if item[0][0] not in ("timepoints", "result") or
           item[0][:2] == ("timepoints", timepoint.label)]
    if stale is not None and not own:
        changed = f"; changed since signing: {_summary(compared)}" if compared else ""
        return found(SignatureState.RESIGNATURE_NEEDED, stale + changed)
    if compared:
        return found(SignatureState.CONTENT_CHANGED, _summary(compared), _paths(compared))
    return found(SignatureState.VALID)


def _legacy_state(trial: TrialInfo, read: Read, index: int, signature: Signature,
                  stale: str | None) -> tuple[SignatureState, str | None]:
    """An ``mrecist-signed/1`` signature covered its timepoint and any later one signed
    then: it matches if the content of one of those prefixes gives its digest. It records
    no content, so a stale one cannot be told from a changed one (docs/signatures.md §6)."""
    if stale is not None:
        return SignatureState.RESIGNATURE_NEEDED, stale
    if any(content_sha256(legacy_signed_content(read, trial.criteria, trial.options, count))
           == signature.content_sha256
           for count in range(index + 1, len(read.timepoints) + 1)):
        return SignatureState.VALID, None
    return (SignatureState.CONTENT_CHANGED, "does not match the read (signed as "
            "mrecist-signed/1, which records no parts to compare)")


def check_adjudication(adjudication: Adjudication,
                       signature: Signature | None) -> SignatureCheck:
    """The check of an adjudicator's signature against the adjudication it decided."""
    subject, label = adjudication.subject, adjudication.through_label
    if signature is None:
        return SignatureCheck(subject, None, label, "", None, SignatureState.CONTENT_CHANGED,
                              "decided, but no signature is recorded for it")

    def found(state: SignatureState, problem: str | None = None,
              parts: tuple[str, ...] = ()) -> SignatureCheck:
        return SignatureCheck(subject, None, label, signature.meaning, _date(signature),
                              state, problem, parts)

    if signature.entity != "adjudication" or \
            signature.entity_id != adjudication.adjudication_id:
        return found(SignatureState.CONTENT_CHANGED, "the signature is another record's")
    if adjudication.chosen not in ("A", "B"):
        return found(SignatureState.CONTENT_CHANGED, "the adjudication records no choice")
    if signature.content_json is None:  # mrecist-signed/1 covered the chosen result only
        chosen = adjudication.result_a if adjudication.chosen == "A" else adjudication.result_b
        return found(SignatureState.VALID) if content_sha256(chosen) == \
            signature.content_sha256 else found(SignatureState.CONTENT_CHANGED,
                                                "the chosen result differs from what was "
                                                "signed (mrecist-signed/1)")
    now = adjudication_content(subject, label, adjudication.triggers, adjudication.result_a,
                               adjudication.result_b, adjudication.chosen,
                               adjudication.rationale or "")
    compared = _compared(signature, now)
    if isinstance(compared, str):
        return found(SignatureState.CONTENT_CHANGED, compared)
    if compared:
        return found(SignatureState.CONTENT_CHANGED, _summary(compared), _paths(compared))
    return found(SignatureState.VALID)
