"""Table 3 (docs/report.md §3): treatment-related adverse events, each subject once per
term at their worst grade, all grades / grades 1-2 / grade ≥ 3 as n (%) of the analysis
set; related = possibly, probably or definitely related to any study treatment."""

from __future__ import annotations

import datetime as dt

import pytest

from core.model.clinical_record import AdverseEvent, AeAction, AeOutcome, Relatedness
from core.report import SubjectEvents, is_treatment_related, safety_table

DAY = dt.date(2026, 3, 1)


def _event(term: str, grade: int, *related: Relatedness, onset: dt.date = DAY) -> AdverseEvent:
    causes = ("anlotinib", "anti-PD-L1", "DEB-TACE")
    return AdverseEvent(term, grade, onset, grade >= 3, tuple(zip(causes, related, strict=False)),
                        AeAction.DOSE_NOT_CHANGED,
                        AeOutcome.FATAL if grade == 5 else AeOutcome.RECOVERED)


REL, NOT = Relatedness.PROBABLE, Relatedness.NOT_RELATED


@pytest.mark.parametrize(("assessment", "related"), [
    pytest.param(Relatedness.NOT_RELATED, False, id="not-related"),
    pytest.param(Relatedness.UNLIKELY, False, id="unlikely-is-not-related"),
    pytest.param(Relatedness.POSSIBLE, True, id="possible-ICH-E2A"),
    pytest.param(Relatedness.PROBABLE, True, id="probable"),
    pytest.param(Relatedness.DEFINITE, True, id="definite"),
])
def test_related_means_possibly_or_more_to_any_treatment(assessment, related):
    assert is_treatment_related(_event("Fatigue", 1, NOT, NOT, assessment)) is related


def test_each_subject_counts_once_per_term_at_the_worst_grade():
    table = safety_table([
        SubjectEvents("S1", (_event("Hypertension", 1, REL), _event("Hypertension", 3, REL),
                             _event("Diarrhea", 2, NOT, REL))),
        SubjectEvents("S2", (_event("hypertension", 2, REL),  # the same term, other case
                             _event("Fatigue", 4, NOT))),  # not related: not counted
        SubjectEvents("S3", (_event("Diarrhea", 5, REL),)),
        SubjectEvents("S4", ()),
    ])
    assert table.n == 4
    hypertension = table.row("Hypertension")
    assert (hypertension.all_grades.text, hypertension.grade_1_2.text,
            hypertension.grade_3_or_more.text) == ("2/4 (50.0 %)", "1/4 (25.0 %)",
                                                   "1/4 (25.0 %)")
    diarrhea = table.row("Diarrhea")  # grade 5 is ≥ 3
    assert (diarrhea.grade_1_2.numerator, diarrhea.grade_3_or_more.numerator) == (1, 1)
    with pytest.raises(KeyError):
        table.row("Fatigue")
    assert (table.any_event.all_grades.text, table.any_event.grade_1_2.text,
            table.any_event.grade_3_or_more.text) == ("3/4 (75.0 %)", "1/4 (25.0 %)",
                                                      "2/4 (50.0 %)")


def test_terms_are_ordered_by_count_then_name():
    table = safety_table([SubjectEvents("S1", (_event("Rash", 1, REL), _event("Anorexia", 1, REL),
                                               _event("Pain", 1, REL))),
                          SubjectEvents("S2", (_event("Pain", 2, REL),))])
    assert [row.term for row in table.rows] == ["Pain", "Anorexia", "Rash"]


def test_events_after_the_cut_off_are_left_out():
    later = _event("Hypertension", 3, REL, onset=DAY + dt.timedelta(days=1))
    table = safety_table([SubjectEvents("S1", (_event("Hypertension", 1, REL), later))],
                         cut_off=DAY)
    assert table.row("Hypertension").grade_3_or_more.numerator == 0
    assert table.row("Hypertension").grade_1_2.numerator == 1


def test_an_empty_set_has_an_empty_table():
    table = safety_table([])
    assert (table.rows, table.any_event.all_grades.text) == ((), "0/0 (–)")
