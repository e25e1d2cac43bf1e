"""What a reader is about to sign, as plain values a screen shows (21 CFR 11.50).

The sign dialog must show exactly what the signature covers, so these values are read
back out of ``signed_content`` — the very content whose digest the store records — and
not recomputed beside it: every length is the recorded decimal, every change the engine's
exact fraction. Only the engine's reason sentences, which the content leaves out on
purpose (docs/signatures.md §3.1), come from the ``Result`` the content was made from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from core.criteria import Result
from core.model.clinical import LesionCategory
from core.model.reading import Read, ReadTimepoint, TimepointStatus
from core.reading.signature import (
    AMEND_MEANING,
    RESIGN_MEANING,
    SIGN_MEANING,
    signed_content,
    signed_sha256,
)


@dataclass(frozen=True, slots=True)
class SignedLesion:
    """One lesion as the signature records it at the signed timepoint.

    Lengths are ``None`` where no caliper of that kind was drawn there; *state* is the
    recorded finding's state (a non-target's "present", a target's "disappeared"), and
    *seen* what was recorded of a new lesion (arterial enhancement, washout, equivocal).
    """

    label: str
    category: LesionCategory
    organ: str
    is_node: bool
    first_seen: str
    viable_mm: Decimal | None
    total_mm: Decimal | None
    short_axis_mm: Decimal | None
    state: str | None
    seen: tuple[str, ...]
    # Where each caliper was drawn, as the signature covers it (mrecist-signed/3): kind →
    # (the series' phase, or None if not recorded; whether the image is or was lossy).
    drawn_on: tuple[tuple[str, str | None, bool], ...] = ()

    def phase_of(self, kind: str) -> tuple[str | None, bool]:
        """(phase, lossy) of this lesion's caliper of *kind* ("viable", "total", …)."""
        return next(((phase, lossy) for k, phase, lossy in self.drawn_on if k == kind),
                    (None, False))


@dataclass(frozen=True, slots=True)
class SignedAssessment:
    """One decision of the engine at the signed timepoint: its category and reason."""

    name: str
    category: str
    reason: str


@dataclass(frozen=True, slots=True)
class SignSummary:
    """What one signature of a reader's timepoint covers, and what it means.

    *covers* lists the labels of every timepoint the signature covers, the baseline
    first and the signed one last (a later signature covers the earlier ones: an
    amendment of one makes it stale, docs/signatures.md §4). *content_sha256* is the
    digest the store will record if nothing changes before the signature.
    """

    subject: str
    timepoint: str
    date: dt.date
    covers: tuple[str, ...]
    criteria: str
    not_assessed: bool
    lesions: tuple[SignedLesion, ...]
    sum_mm: Decimal | None
    baseline_sum_mm: Decimal | None
    nadir_sum_mm: Decimal | None
    change_from_baseline_pct: Fraction | None
    change_from_nadir_pct: Fraction | None
    assessments: tuple[SignedAssessment, ...]
    meaning: str
    content_sha256: str


def signature_meaning(timepoint: ReadTimepoint) -> str:
    """The meaning a reader's signature of *timepoint* carries (21 CFR 11.50(a)(3)).

    An amended timepoint is signed as its amendment; one that waits after an earlier
    amendment is signed again as reviewed; any other as read.
    """
    if timepoint.status is TimepointStatus.AMENDING:
        return AMEND_MEANING
    return RESIGN_MEANING if timepoint.needs_resignature else SIGN_MEANING


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


def _seen(finding: dict[str, Any] | None) -> tuple[str, ...]:
    if finding is None:
        return ()
    names = (("arterial_enhancement", "arterial enhancement"), ("washout", "washout"),
             ("is_equivocal", "equivocal"), ("is_cytology_confirmed", "cytology confirmed"))
    return tuple(name for key, name in names if finding[key])


def sign_summary(read: Read, index: int, result: Result) -> SignSummary:
    """What signing timepoint *index* (0 = baseline) of *read* covers, as a screen shows it.

    *result* is the engine's result of the read's first ``index + 1`` timepoints — the one
    the signature covers (``core.actions`` computes it as the signature does).
    """
    timepoint = read.timepoints[index]
    content = signed_content(read, index + 1, result)
    blocks: dict[str, dict[str, Any]] = content["timepoints"]
    here = blocks[timepoint.label]
    lesions = []
    for first_seen, block in blocks.items():
        for label, lesion in block["lesions"].items():
            calipers = here["calipers"].get(label, {})
            finding = here["findings"].get(label)
            lesions.append(SignedLesion(
                label=label, category=LesionCategory(lesion["category"]),
                organ=lesion["organ"], is_node=lesion["is_node"], first_seen=first_seen,
                viable_mm=_decimal(calipers.get("viable", {}).get("length_mm")),
                total_mm=_decimal(calipers.get("total", {}).get("length_mm")),
                short_axis_mm=_decimal(calipers.get("short_axis", {}).get("length_mm")),
                state=None if finding is None else finding["state"],
                seen=_seen(finding),
                drawn_on=tuple((kind, drawn.get("phase"), bool(drawn.get("on_lossy_image")))
                               for kind, drawn in calipers.items())))
    signed = content["result"]
    row = signed["timepoints"][timepoint.label]
    engine = next(tp for tp in result.timepoints if tp.label == timepoint.label)
    assessments = tuple(
        SignedAssessment(name, row[key], decision.reason)
        for name, key, decision in (("Target", "target_response", engine.target),
                                    ("Non-target", "non_target_response", engine.non_target),
                                    ("New lesions", "new_lesions", engine.new_lesions),
                                    ("Overall", "overall_response", engine.overall))
        if decision is not None and row[key] is not None)
    if index > 0:  # a baseline decides nothing yet
        assessments += (SignedAssessment("Best overall response",
                                         signed["best_overall_response"],
                                         result.best_overall_response.reason),)
    order = {LesionCategory.TARGET: 0, LesionCategory.NON_TARGET: 1, LesionCategory.NEW: 2}
    return SignSummary(
        subject=content["subject"], timepoint=timepoint.label,
        date=dt.date.fromisoformat(here["date"]), covers=tuple(blocks),
        criteria=signed["criteria"], not_assessed=here["not_assessed"],
        lesions=tuple(sorted(lesions, key=lambda lesion: (
            order[lesion.category], int(lesion.label.lstrip("TN"))))),
        sum_mm=_decimal(row["sum_mm"]), baseline_sum_mm=_decimal(signed["baseline_sum_mm"]),
        nadir_sum_mm=_decimal(row["nadir_sum_mm"]),
        change_from_baseline_pct=_fraction(row["change_from_baseline_pct"]),
        change_from_nadir_pct=_fraction(row["change_from_nadir_pct"]),
        assessments=assessments, meaning=signature_meaning(timepoint),
        content_sha256=signed_sha256(content))
