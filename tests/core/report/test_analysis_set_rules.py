"""The analysis set (docs/report.md §0): enrolled subjects with a final read, less those
whose total exposure to a study drug is below 80 % or above 120 % (exact bounds stay in),
and the clinical record as of the data cut-off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.model.clinical_record import (
    ClinicalEntry,
    ClinicalRecord,
    DoseRecord,
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Route,
)
from core.report import Candidate, analysis_set, drug_exposures, record_at_cut_off

D = Decimal
DAY = dt.date(2026, 2, 1)


def _dose(taken: str, prescribed: str = "100", drug: str = "anlotinib",
          unit: str = "mg", start: dt.date = DAY) -> DoseRecord:
    return DoseRecord(drug, start, D(prescribed), D(taken), unit, Route.ORAL)


@pytest.mark.parametrize(("taken", "kept"), [
    pytest.param("80", True, id="exactly-80-pct-stays"),
    pytest.param("79.99", False, id="below-80-pct-removed"),
    pytest.param("120", True, id="exactly-120-pct-stays"),
    pytest.param("120.01", False, id="above-120-pct-removed"),
])
def test_the_80_120_rule_on_total_exposure(taken, kept):
    chosen = analysis_set([Candidate("S1", True, None, drug_exposures([_dose(taken)]))], None)
    assert (chosen.subjects == ("S1",)) is kept
    if not kept:
        assert "removed from the analysis set" in chosen.excluded[0].reason


def test_exposure_is_summed_over_a_drugs_dose_records():
    # One period at 50 % and one at 110 %: 160 of 200 in all, 80 %: the subject stays.
    (exposure,) = drug_exposures([_dose("50"), _dose("110")])
    assert (exposure.taken, exposure.prescribed) == (D(160), D(200))
    assert exposure.intensity.in_analysis_set


def test_doses_in_two_units_are_not_summed_and_the_subject_stays():
    exposures = drug_exposures([_dose("50"), _dose("50", unit="g")])
    assert exposures[0].intensity is None
    chosen = analysis_set([Candidate("S1", True, None, exposures)], None)
    assert chosen.subjects == ("S1",)
    assert chosen.notes == ("S1: anlotinib: doses recorded in g, mg cannot be summed; dose "
                            "intensity not computed",)


def test_who_is_left_out_and_why():
    chosen = analysis_set([
        Candidate("S3", True, None), Candidate("S1", False, None),
        Candidate("S2", True, "no final read yet")], dt.date(2026, 6, 30))
    assert chosen.subjects == ("S3",)
    assert [(e.subject, e.reason) for e in chosen.excluded] == [
        ("S1", "not recorded as enrolled"), ("S2", "no final read yet")]
    assert chosen.n == 1
    assert chosen.cut_off == dt.date(2026, 6, 30)
    assert analysis_set([], None).n == 0


def _entry(value, number=1):
    return ClinicalEntry(number, "S1", value)


def test_the_record_as_of_the_cut_off():
    cut = dt.date(2026, 5, 31)
    record = ClinicalRecord(
        "S1", doses=(_entry(_dose("100")), _entry(_dose("100", start=cut + dt.timedelta(1)), 2)),
        end_of_treatment=_entry(EndOfTreatment(dt.date(2026, 5, 1), EndOfTreatmentReason.TOXICITY,
                                               "", "sorafenib", dt.date(2026, 6, 10))),
        follow_up=(_entry(FollowUp(last_known_alive=dt.date(2026, 5, 20),
                                   death_date=dt.date(2026, 7, 1), death_cause="HCC")),
                   _entry(FollowUp(last_known_alive=dt.date(2026, 6, 15)), 2)))
    at_cut = record_at_cut_off(record, cut)
    assert [e.value.start_date for e in at_cut.doses] == [DAY]
    # The death after the cut-off is not known yet; the contact before it stays.
    assert [(f.value.last_known_alive, f.value.death_date) for f in at_cut.follow_up] == [
        (dt.date(2026, 5, 20), None)]
    end = at_cut.end_of_treatment.value
    assert (end.end_date, end.subsequent_therapy) == (dt.date(2026, 5, 1), None)
    assert record_at_cut_off(record, dt.date(2026, 4, 1)).end_of_treatment is None
    assert record_at_cut_off(record, None) is record
