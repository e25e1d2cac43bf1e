"""The dual-read cycle: when two reads are compared, which triggers fire, who is A and B.

When both readers have signed the same timepoints (at least one follow-up), their engine
results are compared; the subject is discordant if they differ in (a) best overall
response, (b) date of progression (PD vs no PD included) or (c) the timepoint of first
response — all three on by default — or, if the trial chose it, (d) any timepoint's
overall response (docs/reading.md §3). Functions of plain values: the actions apply them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from core.criteria import Result
from core.model.clinical import DEFAULT_TRIGGERS, ResponseCategory, Trigger
from core.model.reading import ReadTimepoint
from core.reading.workflow import valid_signed_prefix

_RESPONSES = (ResponseCategory.CR, ResponseCategory.PR)


def first_response(result: Result) -> dt.date | None:
    """Date of the first timepoint whose overall response is CR or PR, or ``None``."""
    for row in result.timepoints:
        if row.overall is not None and row.overall.category in _RESPONSES:
            return row.date
    return None


def _iso(date: dt.date | None) -> str:
    return date.isoformat() if date else "none"


def discordance(
    result_1: Result, result_2: Result, triggers: Iterable[Trigger | str] = DEFAULT_TRIGGERS
) -> tuple[str, ...]:
    """The triggers that fire between two results, each as ``"trigger: 1 vs 2"``.

    Best overall response, progression date, first response, and optionally any
    timepoint's overall response (docs/reading.md §3). An empty tuple means the reads are
    concordant.
    """
    fired = []
    enabled = {Trigger(trigger) for trigger in triggers}
    if Trigger.BEST_OVERALL_RESPONSE in enabled:
        bor_1 = result_1.best_overall_response.category
        bor_2 = result_2.best_overall_response.category
        if bor_1 != bor_2:
            fired.append(f"{Trigger.BEST_OVERALL_RESPONSE}: {bor_1} vs {bor_2}")
    if Trigger.PROGRESSION_DATE in enabled:
        pd_1 = result_1.progression.date if result_1.progression else None
        pd_2 = result_2.progression.date if result_2.progression else None
        if pd_1 != pd_2:
            fired.append(f"{Trigger.PROGRESSION_DATE}: {_iso(pd_1)} vs {_iso(pd_2)}")
    if Trigger.FIRST_RESPONSE in enabled:
        fr_1, fr_2 = first_response(result_1), first_response(result_2)
        if fr_1 != fr_2:
            fired.append(f"{Trigger.FIRST_RESPONSE}: {_iso(fr_1)} vs {_iso(fr_2)}")
    if Trigger.ANY_TIMEPOINT_RESPONSE in enabled:
        for row_1, row_2 in zip(result_1.timepoints, result_2.timepoints, strict=False):
            category_1 = row_1.overall.category if row_1.overall else None
            category_2 = row_2.overall.category if row_2.overall else None
            if category_1 != category_2:
                fired.append(f"{Trigger.ANY_TIMEPOINT_RESPONSE}: {row_1.label} "
                             f"{category_1} vs {category_2}")
                break
    return tuple(fired)


def cycle_through(timepoints_1: Sequence[ReadTimepoint],
                  timepoints_2: Sequence[ReadTimepoint]) -> int | None:
    """How many timepoints a cycle compares, once both reads are signed that far; else None.

    A cycle needs both reads signed from the baseline to the same timepoint, and at least
    one follow-up: a baseline alone has no response to compare (docs/reading.md §3). A
    timepoint waiting for a new signature after an amendment is not signed for this
    (docs/signatures.md §4).
    """
    done_1, done_2 = valid_signed_prefix(timepoints_1), valid_signed_prefix(timepoints_2)
    return done_1 if done_1 == done_2 and done_1 >= 2 else None


def ab_order(task_ids: Sequence[int], earlier_task_a: int | None,
             draw: Callable[[int], int]) -> tuple[int, int]:
    """Which of the subject's two tasks is read A and which is B, as (index of A, index of B).

    Drawn at random (``draw(2)`` returns 0 or 1) the first time the subject is
    adjudicated, then kept for every later cycle: the letter never tells the adjudicator
    which reader wrote a read, and a read keeps its letter from cycle to cycle
    (docs/reading.md §2-3).
    """
    first = draw(2) if earlier_task_a is None else list(task_ids).index(earlier_task_a)
    if first not in (0, 1):
        raise ValueError(f"draw(2) must give 0 or 1, not {first!r}")
    return first, 1 - first


def trigger_timepoints(triggers: Sequence[str], result_a: dict[str, Any],
                       result_b: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Where each fired trigger shows in the adjudication view: timepoint label → triggers.

    *triggers* are the strings ``discordance`` made ("progression_date: 2026-03-02 vs
    none"); the results are the two reads' ``mrecist-result/1`` data. A date trigger shows
    at each timepoint whose date it names; a timepoint's response at that timepoint; the
    best overall response at the last timepoint compared, where it is decided
    (docs/reading.md §3, the triggers).
    """
    rows = list(result_a.get("timepoints", [])) or list(result_b.get("timepoints", []))
    by_date = {row["date"]: row["label"] for row in rows}
    last = rows[-1]["label"] if rows else ""
    placed: dict[str, list[str]] = {}
    for text in triggers:
        name, _, detail = text.partition(": ")
        if name in (Trigger.PROGRESSION_DATE, Trigger.FIRST_RESPONSE):
            labels = [by_date[part] for part in detail.split(" vs ") if part in by_date]
        elif name == Trigger.ANY_TIMEPOINT_RESPONSE:  # "Week 6 PR vs SD": labels have spaces
            labels = [row["label"] for row in rows if detail.startswith(f"{row['label']} ")]
        else:
            labels = [last]
        for label in dict.fromkeys(labels or [last]):
            placed.setdefault(label, []).append(text)
    return {label: tuple(texts) for label, texts in placed.items()}
