"""Subject-level results: progression, best overall response (unconfirmed and confirmed),
best % change, and the CR-then-PR data-quality check (docs/criteria.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from core.criteria.new_lesions import BACKDATING_REF, Backdating
from core.criteria.types import Assessment, Progression, TimepointResult
from core.model.clinical import ResponseCategory

R = ResponseCategory
# Best overall response is the best of these, in this order (RECIST 1.1 §4.4.1); NE ranks last
# because any real assessment says more.
BOR_RANK: tuple[ResponseCategory, ...] = (R.CR, R.PR, R.SD, R.NON_CR_NON_PD, R.PD, R.NE)
# SD and NON-CR/NON-PD count as best response only from sd_min_days after baseline; earlier
# they count as NE (RECIST 1.1 §4.4.1).
SD_LIKE = frozenset({R.SD, R.NON_CR_NON_PD})
BOR_REF = "RECIST 1.1 §4.4.1"
CONFIRMATION_REF = "RECIST 1.1 §4.4.2, Table 3"


@dataclass(frozen=True, slots=True)
class ScoredTimepoint:
    """A post-baseline timepoint as best-response rules see it."""

    index: int
    label: str
    days_since_baseline: int
    overall: ResponseCategory


def scored_timepoints(
    rows: Sequence[TimepointResult], progression: Progression | None
) -> tuple[ScoredTimepoint, ...]:
    """Return the post-baseline timepoints that count: up to and including progression.

    The progression timepoint counts as PD even when its own row says otherwise, which
    happens when progression was backdated (docs/criteria.md §5).
    """
    last = progression.timepoint_index if progression else len(rows) - 1
    scored = []
    for index, row in enumerate(rows[1 : last + 1], start=1):
        overall = R.NE if row.overall is None else ResponseCategory(row.overall.category)
        if progression is not None and index == progression.timepoint_index:
            overall = R.PD
        scored.append(ScoredTimepoint(index, row.label, row.days_since_baseline, overall))
    return tuple(scored)


def find_progression(
    rows: Sequence[TimepointResult], backdatings: Sequence[Backdating]
) -> Progression | None:
    """Return the first PD timepoint, or the earlier first sighting of a confirmed lesion.

    When several candidates exist, progression is the earliest of them (docs/criteria.md
    §5; RECIST 1.1 §4.3.2).
    """
    first_pd = next(
        (
            index
            for index, row in enumerate(rows)
            if row.overall is not None and row.overall.category is R.PD
        ),
        None,
    )
    earliest = min(
        backdatings,
        key=lambda b: (b.first_seen.timepoint_index, b.confirmed_at_index),
        default=None,
    )
    if earliest is not None and (
        first_pd is None or earliest.first_seen.timepoint_index < first_pd
    ):
        index = earliest.first_seen.timepoint_index
        row = rows[index]
        confirmed_at = rows[earliest.confirmed_at_index].label
        reason = (
            f"progression backdated to {row.label} ({row.date.isoformat()}): new lesion "
            f"{earliest.lesion_id}, first seen there as equivocal, was confirmed at "
            f"{confirmed_at} ({BACKDATING_REF})"
        )
        return Progression(row.label, row.date, index, True, reason)
    if first_pd is None:
        return None
    row = rows[first_pd]
    reason = f"progression at {row.label} ({row.date.isoformat()}): the first overall PD"
    return Progression(row.label, row.date, first_pd, False, reason)


def _best(entries: Sequence[tuple[ScoredTimepoint, ResponseCategory]]) -> int | None:
    """Index in *entries* of the earliest timepoint with the best category."""
    if not entries:
        return None
    return min(range(len(entries)), key=lambda i: (BOR_RANK.index(entries[i][1]), i))


def _sd_counts(entry: ScoredTimepoint, sd_min_days: int) -> bool:
    return entry.days_since_baseline >= sd_min_days


def _when(entry: ScoredTimepoint) -> str:
    return f"{entry.label} (day {entry.days_since_baseline})"


def best_overall_response(scored: Sequence[ScoredTimepoint], *, sd_min_days: int) -> Assessment:
    """Return the unconfirmed best overall response.

    The best of CR > PR > SD > NON-CR/NON-PD > PD > NE over the timepoints up to
    progression; SD and NON-CR/NON-PD before *sd_min_days* count as NE (RECIST 1.1 §4.4.1).
    """
    entries = [
        (s, R.NE if s.overall in SD_LIKE and not _sd_counts(s, sd_min_days) else s.overall)
        for s in scored
    ]
    best = _best(entries)
    if best is None:
        reason = "best overall response NE: no post-baseline assessment"
        return Assessment(R.NE, reason, (BOR_REF,))
    entry, category = entries[best]
    reason = f"best overall response {category}: {entry.overall} at {_when(entry)}"
    early = [s for s, c in entries if c is R.NE and s.overall in SD_LIKE]
    if category in (R.PD, R.NE) and early:
        reason += (
            f"; {early[0].overall} at {_when(early[0])} is before day {sd_min_days} "
            "(sd_min_days) and counts as NE"
        )
    return Assessment(category, reason, (BOR_REF,))


def _confirmation(
    scored: Sequence[ScoredTimepoint], start: int, confirmation_days: int
) -> ScoredTimepoint | None:
    """Return the timepoint that confirms the CR or PR at *start*, or None.

    A CR needs a later CR, a PR a later PR or CR, at least *confirmation_days* later, with
    only responses of that kind or NE between and at most one NE (RECIST 1.1 §4.4.2).
    """
    first = scored[start]
    allowed = {R.CR} if first.overall is R.CR else {R.CR, R.PR}
    not_evaluable = 0
    for later in scored[start + 1 :]:
        if later.overall in allowed:
            gap = later.days_since_baseline - first.days_since_baseline
            if gap >= confirmation_days:
                return later
        elif later.overall is R.NE:
            not_evaluable += 1
            if not_evaluable > 1:
                return None
        else:
            return None
    return None


def confirmed_best_overall_response(
    scored: Sequence[ScoredTimepoint], *, sd_min_days: int, confirmation_days: int
) -> Assessment:
    """Return the best overall response with CR and PR confirmed (RECIST 1.1 §4.4.2, Table 3).

    An unconfirmed CR or PR counts as SD from *sd_min_days* after baseline, else as NE; a
    CR followed by PR leaves the CR unconfirmed.
    """
    entries: list[tuple[ScoredTimepoint, ResponseCategory]] = []
    confirmations: dict[int, ScoredTimepoint] = {}
    for position, entry in enumerate(scored):
        category = entry.overall
        if category in (R.CR, R.PR):
            confirming = _confirmation(scored, position, confirmation_days)
            if confirming is not None:
                confirmations[position] = confirming
            else:
                category = R.SD
        if category in SD_LIKE and not _sd_counts(entry, sd_min_days):
            category = R.NE
        entries.append((entry, category))
    best = _best(entries)
    refs = (CONFIRMATION_REF,)
    if best is None:
        reason = "confirmed best overall response NE: no post-baseline assessment"
        return Assessment(R.NE, reason, refs)
    entry, category = entries[best]
    prefix = f"confirmed best overall response {category}"
    if best in confirmations:
        confirming = confirmations[best]
        gap = confirming.days_since_baseline - entry.days_since_baseline
        reason = (
            f"{prefix}: {entry.overall} at {entry.label} is confirmed by {confirming.overall} "
            f"at {confirming.label} {gap} days later (needs at least {confirmation_days})"
        )
    elif entry.overall in (R.CR, R.PR):
        kind = "CR" if entry.overall is R.CR else "PR or CR"
        reason = (
            f"{prefix}: {entry.overall} at {entry.label} is not confirmed by a {kind} at least "
            f"{confirmation_days} days later, so it counts as SD at day "
            f"{entry.days_since_baseline} (SD counts from day {sd_min_days})"
        )
        if category is R.NE:
            reason = (
                f"{prefix}: {entry.overall} at {entry.label} is not confirmed by a {kind} at "
                f"least {confirmation_days} days later and, at day "
                f"{entry.days_since_baseline}, is too early to count as SD (SD counts from day "
                f"{sd_min_days})"
            )
    else:
        reason = f"{prefix}: {entry.overall} at {_when(entry)}"
        if category is R.NE and entry.overall in SD_LIKE:
            reason += f", before day {sd_min_days} (sd_min_days), so it counts as NE"
    return Assessment(category, reason, refs)


def best_change_from_baseline(
    rows: Sequence[TimepointResult], progression: Progression | None
) -> Fraction | None:
    """Return the smallest change from baseline up to progression, for waterfall plots.

    The most negative change among post-baseline timepoints with an evaluable sum; when
    every change is an increase, the smallest increase (docs/criteria.md §6).
    """
    last = progression.timepoint_index if progression else len(rows) - 1
    changes = [
        row.change_from_baseline_pct
        for row in rows[1 : last + 1]
        if row.change_from_baseline_pct is not None
    ]
    return min(changes, default=None)


def cr_followed_by_pr_warnings(scored: Sequence[ScoredTimepoint]) -> tuple[str, ...]:
    """Warn where an overall PR follows a CR without PD in between.

    Disease cannot come back after a true CR without being PD, so the earlier CR or the
    later PR deserves a second look (docs/criteria.md §6).
    """
    warnings = []
    last_cr: ScoredTimepoint | None = None
    for entry in scored:
        if entry.overall is R.CR:
            last_cr = entry
        elif entry.overall is R.PR and last_cr is not None:
            warnings.append(
                f"data quality: {entry.label} is PR after CR at {last_cr.label}; disease "
                "cannot come back after a true CR without being PD"
            )
            last_cr = None
        elif entry.overall is R.PD:
            last_cr = None
    return tuple(warnings)
