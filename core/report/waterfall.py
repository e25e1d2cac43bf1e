"""The waterfall figure's data: each subject's best % change of the target sum.

The best change is the engine's (docs/criteria.md §6): the smallest change from baseline of
the target sum (under mRECIST, the sum of viable diameters) among the post-baseline
timepoints up to and including progression, as the final read's result records it. Bars
run from the largest increase to the largest decrease (the usual reading order, left to
right), ties by subject code; the −30 % (partial response) and +20 % (progression, from
the nadir, drawn from baseline as is customary) lines are the criteria's thresholds
(LL2010; RECIST 1.1 §4.3.1). A subject without an evaluable post-baseline sum has no bar
and is listed with why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.model.clinical import ResponseCategory
from core.report.rounding import number_text

PR_LINE_PCT = Decimal(-30)
PD_LINE_PCT = Decimal(20)


@dataclass(frozen=True, slots=True)
class SubjectChange:
    """One subject's best % change (``None`` without an evaluable post-baseline sum) and
    best overall responses."""

    subject: str
    best_change_pct: Decimal | None
    best: ResponseCategory
    confirmed: ResponseCategory


@dataclass(frozen=True, slots=True)
class WaterfallBar:
    """One bar: the subject, its best % change and the response it is coloured by."""

    subject: str
    change_pct: Decimal
    best: ResponseCategory
    confirmed: ResponseCategory

    @property
    def change_text(self) -> str:
        """``"-45.2 %"``, ``"+12.0 %"``, ``"0.0 %"``, one decimal."""
        text = number_text(self.change_pct)
        return f"+{text} %" if self.change_pct > 0 and text != "0.0" else f"{text} %"


@dataclass(frozen=True, slots=True)
class Waterfall:
    """The bars in drawing order, the subjects left out with why, and the lines."""

    bars: tuple[WaterfallBar, ...]
    not_shown: tuple[tuple[str, str], ...]
    pr_line_pct: Decimal = PR_LINE_PCT
    pd_line_pct: Decimal = PD_LINE_PCT


def waterfall(subjects: Sequence[SubjectChange]) -> Waterfall:
    """The waterfall of *subjects* (module docstring)."""
    bars = [WaterfallBar(s.subject, s.best_change_pct, s.best, s.confirmed)
            for s in subjects if s.best_change_pct is not None]
    bars.sort(key=lambda bar: (-bar.change_pct, bar.subject))
    missing = tuple((s.subject, "no evaluable post-baseline target sum")
                    for s in subjects if s.best_change_pct is None)
    return Waterfall(tuple(bars), missing)
