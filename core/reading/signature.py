"""What an electronic signature covers, and the meanings a signer affirms (21 CFR 11.50).

A reader's signature of a timepoint covers that timepoint and every earlier one — every
lesion, caliper (both ends in pixels and in the patient, its image and frame, its length)
and finding — and the response engine's result of the read through that timepoint,
nothing recorded after it; an adjudicator's signature covers the adjudication it decides.
Both are written in one canonical form (docs/signatures.md): JSON
with sorted keys, UTF-8, every number that is not an integer as a decimal string. Changing
anything covered changes the digest, and the digest can be recomputed from the read
whenever it is checked (21 CFR 11.70: a signature is linked to its record).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.criteria import Assessment, Result, case_to_data
from core.model.clinical import CaseOptions, Criteria
from core.model.reading import Measurement, Read
from core.reading.case import build_case

SIGN_MEANING = "Author: I read this timepoint and am responsible for these assessments."
AMEND_MEANING = "Author: I made this amendment and am responsible for it."
RESIGN_MEANING = ("Author: I reviewed this timepoint again after an earlier one was amended "
                  "and am responsible for these assessments.")
ADJUDICATION_MEANING = "Adjudicator: I selected this read as the subject's final read."

# A reader's timepoint is signed as mrecist-signed/3: /2 and each caliper's phase and lossy
# flag (mRECIST measures on the arterial phase; a signature must cover where it measured).
# Signatures made as /2 are checked against /2 content; the adjudicator's stays /2.
SIGNED_FORMAT = "mrecist-signed/3"
PHASELESS_FORMAT = "mrecist-signed/2"
ADJUDICATION_FORMAT = "mrecist-signed/2"
LEGACY_FORMAT = "mrecist-signed/1"
READ_FORMATS = (SIGNED_FORMAT, PHASELESS_FORMAT)


# -- canonical values ---------------------------------------------------------------------

def decimal_text(value: Decimal) -> str:
    """A decimal as the canonical form writes it: positional, as recorded ("12.30").

    docs/signatures.md §2.
    """
    return format(value, "f")


def coordinate_text(value: float) -> str:
    """A coordinate as the canonical form writes it: the shortest digits that read back as
    the same IEEE 754 double (Python's ``repr``), positional ("-0.0", "12.5", "0.0000001").

    docs/signatures.md §2.
    """
    return format(Decimal(repr(float(value))), "f")


def _fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _decimal_or_none(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def _category(assessment: Assessment | None) -> str | None:
    return None if assessment is None else assessment.category.value


def _no_floats(value: Any, where: str) -> None:
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float):
            raise TypeError(f"{path}: a float has no canonical form; write it as text")
        if isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"{path}: keys are text, not {key!r}")
                stack.append((child, f"{path}/{key}"))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{path}/{i}") for i, child in enumerate(item))


def canonical_json(content: Mapping[str, Any]) -> str:
    """*content* as canonical JSON text: sorted keys, no spaces, non-ASCII as itself.

    Refuses floats, so no number depends on how a language prints binary fractions
    (docs/signatures.md §2).
    """
    _no_floats(content, "")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def signed_sha256(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of *content*'s canonical JSON in UTF-8: what a signature records.

    docs/signatures.md §2.
    """
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# -- what a reader's signature covers -----------------------------------------------------

def _caliper(measurement: Measurement, content_format: str) -> dict[str, Any]:
    caliper = measurement.caliper
    drawn_on = {} if content_format == PHASELESS_FORMAT else {
        "phase": None if measurement.phase is None else measurement.phase.value,
        "on_lossy_image": caliper.on_lossy_image}
    return {**drawn_on,
        "length_mm": decimal_text(caliper.length_mm),
        "start_rc": [coordinate_text(v) for v in caliper.start_rc],
        "end_rc": [coordinate_text(v) for v in caliper.end_rc],
        "start_xyz": [coordinate_text(v) for v in caliper.start_xyz],
        "end_xyz": [coordinate_text(v) for v in caliper.end_xyz],
        "sop_instance_uid": caliper.sop_instance_uid,
        "frame": caliper.frame,
    }


def _result(result: Result | None) -> dict[str, Any] | None:
    """The engine's decisions with exact numbers; the reasons' wording is left out."""
    if result is None:
        return None
    options = result.options
    progression = result.progression
    return {
        "criteria": result.criteria.value,
        "options": {
            "confirmation_days": options.confirmation_days,
            "sd_min_days": options.sd_min_days,
            "pd_min_increase_mm": decimal_text(options.pd_min_increase_mm),
            "max_targets": options.max_targets,
            "max_targets_per_organ": options.max_targets_per_organ,
        },
        "baseline_sum_mm": _decimal_or_none(result.baseline_sum_mm),
        "timepoints": {
            row.label: {
                "date": row.date.isoformat(),
                "not_assessed": row.not_assessed,
                "sum_mm": _decimal_or_none(row.sum_mm),
                "nadir_sum_mm": _decimal_or_none(row.nadir_sum_mm),
                "change_from_baseline_pct": _fraction_text(row.change_from_baseline_pct),
                "change_from_nadir_pct": _fraction_text(row.change_from_nadir_pct),
                "target_response": _category(row.target),
                "non_target_response": _category(row.non_target),
                "new_lesions": _category(row.new_lesions),
                "overall_response": _category(row.overall),
            }
            for row in result.timepoints
        },
        "best_overall_response": result.best_overall_response.category.value,
        "confirmed_best_overall_response":
            result.confirmed_best_overall_response.category.value,
        "progression": None if progression is None else {
            "timepoint": progression.label, "date": progression.date.isoformat(),
            "backdated": progression.is_backdated},
        "best_change_from_baseline_pct": _fraction_text(result.best_change_from_baseline_pct),
    }


def signed_content(read: Read, through: int, result: Result | None,
                   content_format: str = SIGNED_FORMAT) -> dict[str, Any]:
    """What a signature of the read's timepoint number *through* (1 = baseline) covers.

    *content_format* is ``SIGNED_FORMAT`` for a new signature, or the format an existing
    one was made in, to check it against what it covered then.

    Every timepoint up to and including it, each with the lesions first recorded there,
    its calipers and its findings (by label, never by store key), and *result*: the
    engine's result of the read's first *through* timepoints, ``None`` when it has none.
    Nothing recorded after the signed timepoint is covered, so the content can be
    recomputed whatever was read since (21 CFR 11.70; docs/signatures.md §3).
    """
    timepoints = read.timepoints[:through]
    labels = {tp.timepoint_id: tp.label for tp in timepoints}
    lesion_labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    blocks: dict[str, dict[str, Any]] = {
        tp.label: {"date": tp.date.isoformat(), "not_assessed": tp.is_not_assessed,
                   "lesions": {}, "calipers": {}, "findings": {}}
        for tp in timepoints}
    for lesion in read.lesions:
        if lesion.first_timepoint_id in labels:
            blocks[labels[lesion.first_timepoint_id]]["lesions"][lesion.label] = {
                "category": lesion.category.value, "organ": lesion.organ,
                "is_node": lesion.is_node,
                "is_previously_treated": lesion.is_previously_treated,
                "is_porta_hepatis": lesion.is_porta_hepatis, "kind": lesion.kind,
                "location": lesion.location}
    for m in read.measurements:
        if m.timepoint_id in labels:
            calipers = blocks[labels[m.timepoint_id]]["calipers"]
            calipers.setdefault(lesion_labels[m.lesion_id], {})[m.kind.value] = \
                _caliper(m, content_format)
    for f in read.findings:
        if f.timepoint_id in labels:
            blocks[labels[f.timepoint_id]]["findings"][lesion_labels[f.lesion_id]] = {
                "state": None if f.state is None else str(f.state),
                "arterial_enhancement": f.arterial_enhancement, "washout": f.washout,
                "is_equivocal": f.is_equivocal,
                "is_cytology_confirmed": f.is_cytology_confirmed}
    if content_format not in READ_FORMATS:
        raise ValueError(f"no reader's signature is written as {content_format!r}")
    return {"format": content_format, "signed": "read_timepoint", "subject": read.subject,
            "timepoint": timepoints[-1].label, "timepoints": blocks,
            "result": _result(result)}


# -- what an adjudicator's signature covers -----------------------------------------------

def _as_text(value: Any) -> Any:
    """Stored engine data with every float written as a coordinate is (see above)."""
    if isinstance(value, float):
        return coordinate_text(value)
    if isinstance(value, Mapping):
        return {key: _as_text(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [_as_text(child) for child in value]
    return value


def adjudication_content(subject: str, through_label: str, triggers: tuple[str, ...],
                         result_a: Mapping[str, Any], result_b: Mapping[str, Any],
                         chosen: str, rationale: str) -> dict[str, Any]:
    """What the adjudicator's signature covers: the cycle, what fired, both results as
    shown (``mrecist-result/1``), the choice and the rationale (21 CFR 11.50, 11.70;
    docs/signatures.md §3)."""
    return {"format": ADJUDICATION_FORMAT, "signed": "adjudication", "subject": subject,
            "timepoint": through_label, "triggers": list(triggers),
            "results": {"A": _as_text(result_a), "B": _as_text(result_b)},
            "chosen": chosen, "rationale": rationale}


# -- comparing what was signed with what is there now -------------------------------------

class _Absent:
    """A key present on one side of a comparison only."""


_ABSENT = _Absent()


def _walk(signed: Any, now: Any, path: tuple[str, ...]
          ) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    if isinstance(signed, Mapping) and isinstance(now, Mapping):
        for key in sorted(set(signed) | set(now)):
            yield from _walk(signed.get(key, _ABSENT), now.get(key, _ABSENT), (*path, key))
    elif signed != now:
        yield path, signed, now


def content_differences(signed: Mapping[str, Any], now: Mapping[str, Any]
                        ) -> tuple[tuple[tuple[str, ...], Any, Any], ...]:
    """Where *now* differs from *signed*: (path of keys, signed value, value now).

    A value missing on one side is ``absent``; docs/signatures.md §5 names each path.
    """
    return tuple(_walk(signed, now, ()))


def describe_difference(path: tuple[str, ...], signed: Any, now: Any) -> str:
    """One difference in words: "timepoints/Week 6/calipers/T1/total/start_xyz: signed
    ['10.5', '20.0'], now ['11.5', '20.0']" (docs/signatures.md §5)."""
    where = "/".join(path) or "content"
    if signed is _ABSENT:
        return f"{where}: added since signing"
    if now is _ABSENT:
        return f"{where}: removed since signing"
    return f"{where}: signed {_short(signed)}, now {_short(now)}"


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def resignature_reason(amended_label: str, date: dt.date, reason: str) -> str:
    """Why a later signed timepoint needs a new signature: "Baseline was amended on
    2026-03-02: T1 re-measured" (the date, never the time: docs/reading.md §2;
    docs/signatures.md §4)."""
    return f"{amended_label} was amended on {date.isoformat()}: {reason.strip()}"


# -- mrecist-signed/1, for signatures made before content was recorded --------------------

def legacy_signed_content(read: Read, criteria: Criteria, options: CaseOptions | None,
                          through: int) -> dict[str, Any]:
    """What an ``mrecist-signed/1`` signature covered: the case of the read's first
    *through* timepoints and every caliper's ends and image (docs/signatures.md §6)."""
    kept = {tp.timepoint_id: tp.label for tp in read.timepoints[:through]}
    labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    calipers = sorted(
        (
            {
                "timepoint": kept[m.timepoint_id], "lesion": labels[m.lesion_id],
                "kind": m.kind.value, "length_mm": str(m.length_mm),
                "start_rc": list(m.caliper.start_rc), "end_rc": list(m.caliper.end_rc),
                "start_xyz": list(m.caliper.start_xyz), "end_xyz": list(m.caliper.end_xyz),
                "sop_instance_uid": m.caliper.sop_instance_uid, "frame": m.caliper.frame,
            }
            for m in read.measurements if m.timepoint_id in kept
        ),
        key=lambda item: (item["timepoint"], item["lesion"], item["kind"]),
    )
    return {"case": case_to_data(build_case(read, criteria, options, through)),
            "calipers": calipers}


def content_sha256(content: Mapping[str, Any]) -> str:
    """SHA-256 of *content*'s JSON as ``mrecist-signed/1`` wrote it (sorted keys, no
    spaces, UTF-8, floats as Python prints them): kept to check older signatures."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
