"""New lesions: unequivocal or equivocal, confirmation and backdating (docs/criteria.md §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from criteria_builders import case, day, liver, lung, new_lesion, responses, run, timepoint

from core.criteria import Criteria, NewLesion, NewLesionStatus
from core.criteria.new_lesions import FirstSighting, classify_new_lesion


def _liver_nodule(size: str, aphe: bool = True, washout: bool = True, **extra) -> NewLesion:
    return NewLesion(
        "N1", "liver", longest_mm=size, arterial_enhancement=aphe, washout=washout, **extra
    )


@pytest.mark.parametrize(
    ("lesion", "unequivocal"),
    [
        pytest.param(_liver_nodule("10"), True, id="LL2010-10mm-APHE-and-washout-is-new-HCC"),
        pytest.param(_liver_nodule("9.9"), False, id="LL2010-9.9mm-typical-is-equivocal"),
        pytest.param(_liver_nodule("25", washout=False), False, id="LL2010-no-washout-equivocal"),
        pytest.param(_liver_nodule("25", aphe=False), False, id="LL2010-no-APHE-equivocal"),
        pytest.param(
            _liver_nodule("25", equivocal=True), False, id="LL2010-reader-equivocal-always-wins"
        ),
    ],
)
def test_mrecist_new_liver_nodule(lesion, unequivocal):
    assert classify_new_lesion(lesion, Criteria.MRECIST, None).is_unequivocal is unequivocal


@pytest.mark.parametrize(
    ("size_now", "unequivocal"),
    [
        pytest.param("22", True, id="LL2010-grew-10mm-since-first-seen-is-new-HCC"),
        pytest.param("21.9", False, id="LL2010-grew-9.9mm-stays-equivocal"),
    ],
)
def test_atypical_liver_nodule_confirmed_by_10mm_growth(size_now, unequivocal):
    first = FirstSighting(
        1, "Week 6", longest_mm=_liver_nodule("12").longest_mm, was_equivocal=True
    )
    lesion = _liver_nodule(size_now, aphe=False, washout=False)
    call = classify_new_lesion(lesion, Criteria.MRECIST, first)
    assert call.is_unequivocal is unequivocal


@pytest.mark.parametrize(
    ("lesion", "criteria", "unequivocal"),
    [
        pytest.param(NewLesion("N1", "lung"), Criteria.MRECIST, True, id="LL2010-extrahepatic"),
        pytest.param(NewLesion("N1", "lung"), Criteria.RECIST11, True, id="RECIST11-4.3.2-new"),
        pytest.param(
            NewLesion("N1", "liver", longest_mm=6), Criteria.RECIST11, True,
            id="RECIST11-4.3.2-small-liver-lesion-is-new-under-RECIST",
        ),
        pytest.param(
            NewLesion("N1", "lung", equivocal=True), Criteria.RECIST11, False,
            id="RECIST11-4.3.2-reader-equivocal",
        ),
        pytest.param(
            NewLesion("N1", "pleura", kind="effusion"), Criteria.RECIST11, False,
            id="JNCI2008-new-effusion-without-cytology",
        ),
        pytest.param(
            NewLesion("N1", "pleura", kind="effusion", cytology_confirmed=True),
            Criteria.MRECIST, True, id="JNCI2008-new-effusion-with-cytology",
        ),
        pytest.param(
            NewLesion("N1", "peritoneum", kind="ascites"), Criteria.MRECIST, False,
            id="LL2010-new-ascites-without-cytology",
        ),
    ],
)  # fmt: skip
def test_new_lesions_elsewhere_and_under_recist(lesion, criteria, unequivocal):
    assert classify_new_lesion(lesion, criteria, None).is_unequivocal is unequivocal


def _base() -> dict:
    return timepoint("Baseline", 0, target=[lung("T1", 40)])


@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
def test_unequivocal_new_lesion_is_pd_whatever_the_targets(criteria):
    data = case(
        _base(),
        timepoint("FU1", 42, target=[lung("T1", 10)], new=[new_lesion("N1", "bone")]),
        criteria=criteria,
    )
    result = run(data)
    assert result.timepoints[1].target.category.value == "PR"
    assert result.timepoints[1].new_lesions.category is NewLesionStatus.YES
    assert responses(result) == ["PD"]


def test_equivocal_new_lesion_alone_changes_nothing():
    data = case(
        _base(),
        timepoint("FU1", 42, target=[lung("T1", 20)], new=[new_lesion(equivocal=True)]),
    )
    result = run(data)
    assert result.timepoints[1].new_lesions.category is NewLesionStatus.EQUIVOCAL
    assert responses(result) == ["PR"]
    assert result.progression is None


def _equivocal_then_confirmed(criteria: str = "RECIST1.1") -> dict:
    return case(
        _base(),
        timepoint("Week 6", 42, target=[lung("T1", 20)]),
        timepoint("Week 12", 84, target=[lung("T1", 20)], new=[new_lesion("N1", equivocal=True)]),
        timepoint("Week 18", 126, target=[lung("T1", 20)], new=[new_lesion("N1")]),
        timepoint("Week 24", 168, target=[lung("T1", 22)], new=[new_lesion("N1")]),
        criteria=criteria,
    )


def test_confirmed_equivocal_lesion_backdates_progression():
    result = run(_equivocal_then_confirmed())
    # The rows stay as recorded: Week 12 was PR when it was read.
    assert responses(result) == ["PR", "PR", "PD", "PD"]
    assert result.progression is not None
    assert (result.progression.label, result.progression.date) == ("Week 12", dt.date(2022, 3, 28))
    assert result.progression.date.isoformat() == day(84)
    assert result.progression.is_backdated
    assert "RECIST 1.1 §4.3.2" in result.progression.reason
    confirming = result.timepoints[3].new_lesions
    assert "progression dates back to Week 12" in confirming.reason


def test_backdated_progression_ends_the_best_response_window():
    # A PR at Week 6 alone would be confirmed by Week 12 if Week 12 still counted as PR.
    result = run(_equivocal_then_confirmed())
    assert result.best_overall_response.category.value == "PR"
    assert result.confirmed_best_overall_response.category.value == "SD"
    assert "PR at Week 6 is not confirmed" in result.confirmed_best_overall_response.reason


def _atypical_nodule(size: int) -> dict:
    return new_lesion("N1", "liver", longest_mm=size, arterial_enhancement=True, washout=False)


def test_atypical_nodule_growth_backdates_under_mrecist():
    data = case(
        timepoint("Baseline", 0, target=[liver("T1", 50)]),
        timepoint("Week 6", 42, target=[liver("T1", 30)], new=[_atypical_nodule(12)]),
        timepoint("Week 12", 84, target=[liver("T1", 30)], new=[_atypical_nodule(18)]),
        timepoint("Week 18", 126, target=[liver("T1", 30)], new=[_atypical_nodule(22)]),
    )
    result = run(data)
    assert [row.new_lesions.category.value for row in result.timepoints[1:]] == [
        "EQUIVOCAL",
        "EQUIVOCAL",
        "YES",
    ]
    assert responses(result) == ["PR", "PR", "PD"]
    assert result.progression.label == "Week 6"
    assert "grown 10.0 mm since Week 6" in result.timepoints[3].new_lesions.reason


def test_earliest_of_several_progression_candidates_wins():
    data = case(
        _base(),
        timepoint("Week 6", 42, target=[lung("T1", 40)], new=[new_lesion("N2", equivocal=True)]),
        timepoint("Week 12", 84, target=[lung("T1", 60)], new=[new_lesion("N2", equivocal=True)]),
        timepoint("Week 18", 126, target=[lung("T1", 60)], new=[new_lesion("N2")]),
    )
    result = run(data)
    assert responses(result) == ["SD", "PD", "PD"]
    assert result.progression.label == "Week 6"


def test_first_pd_wins_when_it_comes_before_the_first_sighting():
    data = case(
        _base(),
        timepoint("Week 6", 42, target=[lung("T1", 60)]),
        timepoint("Week 12", 84, target=[lung("T1", 60)], new=[new_lesion("N2", equivocal=True)]),
        timepoint("Week 18", 126, target=[lung("T1", 60)], new=[new_lesion("N2")]),
    )
    result = run(data)
    assert result.progression.label == "Week 6"
    assert not result.progression.is_backdated


def test_new_effusion_confirmed_by_cytology_later_backdates():
    effusion = new_lesion("N1", "pleura", kind="effusion")
    confirmed = {**effusion, "cytology_confirmed": True}
    data = case(
        _base(),
        timepoint("Week 6", 42, target=[lung("T1", 30)], new=[effusion]),
        timepoint("Week 12", 84, target=[lung("T1", 30)], new=[confirmed]),
    )
    result = run(data)
    assert [row.new_lesions.category.value for row in result.timepoints[1:]] == [
        "EQUIVOCAL",
        "YES",
    ]
    assert result.progression.label == "Week 6"
    assert result.progression.is_backdated
