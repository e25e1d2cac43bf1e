"""Table 3: treatment-related adverse events by CTCAE term and grade (docs/report.md §3).

An event is *treatment-related* when the investigator assessed it as possibly, probably or
definitely related to any study treatment (a study drug or DEB-TACE: the ``relatedness``
of ``core.model.clinical_record.AdverseEvent``); "not related" and "unlikely related" are
not. This is the usual convention of safety tables (an event is attributed when a causal
relationship is at least a reasonable possibility: ICH E2A, "adverse drug reaction").

A subject counts once per term, at their worst grade of that term [CTCAE v4.03]; the
columns are all grades, grades 1-2 and grade ≥ 3 (grade 5 included), each n (%) of the
analysis set, as in the seed trial's Table 3. The first row, any treatment-related
event, counts each subject once at their worst grade over all terms. Terms are matched
regardless of case and ordered by the all-grades count, then alphabetically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from core.model.clinical_record import AdverseEvent, Relatedness
from core.report.percentage import Percentage

RELATED = frozenset({Relatedness.POSSIBLE, Relatedness.PROBABLE, Relatedness.DEFINITE})
# Grades 1-2 and ≥ 3 are the seed's columns (CTCAE: 3 severe, 4 life-threatening, 5 death).
SEVERE_GRADE = 3
ANY_EVENT = "Any treatment-related adverse event"


def is_treatment_related(event: AdverseEvent) -> bool:
    """True when any cause is assessed possibly, probably or definitely related."""
    return any(assessment in RELATED for _, assessment in event.relatedness)


@dataclass(frozen=True, slots=True)
class SubjectEvents:
    """One subject of the analysis set and every adverse event recorded for them."""

    subject: str
    events: tuple[AdverseEvent, ...]


@dataclass(frozen=True, slots=True)
class SafetyRow:
    """One term: subjects with it at all grades, at worst grade 1-2, at worst grade ≥ 3."""

    term: str
    all_grades: Percentage
    grade_1_2: Percentage
    grade_3_or_more: Percentage


@dataclass(frozen=True, slots=True)
class SafetyTable:
    """Table 3 of an analysis set of *n* subjects."""

    n: int
    any_event: SafetyRow
    rows: tuple[SafetyRow, ...]
    cut_off: dt.date | None = None

    def row(self, term: str) -> SafetyRow:
        """The row of *term*, matched regardless of case (``KeyError`` if none)."""
        for row in self.rows:
            if row.term.casefold() == term.casefold():
                return row
        raise KeyError(term)


def _row(term: str, worst: Sequence[int], n: int) -> SafetyRow:
    return SafetyRow(term, Percentage(len(worst), n),
                     Percentage(sum(grade < SEVERE_GRADE for grade in worst), n),
                     Percentage(sum(grade >= SEVERE_GRADE for grade in worst), n))


def safety_table(subjects: Sequence[SubjectEvents],
                 cut_off: dt.date | None = None) -> SafetyTable:
    """Table 3 of *subjects*; events with an onset after *cut_off* are left out."""
    n = len(subjects)
    names: dict[str, str] = {}
    worst_by_term: dict[str, dict[str, int]] = {}
    worst_any: dict[str, int] = {}
    for subject in subjects:
        for event in subject.events:
            if not is_treatment_related(event):
                continue
            if cut_off is not None and event.onset_date > cut_off:
                continue
            key = event.term.strip().casefold()
            names.setdefault(key, event.term.strip())
            grades = worst_by_term.setdefault(key, {})
            grades[subject.subject] = max(grades.get(subject.subject, 0), event.grade)
            worst_any[subject.subject] = max(worst_any.get(subject.subject, 0), event.grade)
    rows = [_row(names[key], list(grades.values()), n) for key, grades in worst_by_term.items()]
    rows.sort(key=lambda row: (-row.all_grades.numerator, row.term.casefold()))
    return SafetyTable(n, _row(ANY_EVENT, list(worst_any.values()), n), tuple(rows), cut_off)
