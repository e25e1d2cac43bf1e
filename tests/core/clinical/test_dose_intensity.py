"""Relative dose intensity and the 80-120 % rule (docs/clinical.md §5): both ends inside."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import ClinicalDataError, dose_intensity, relative_dose_intensity_pct


def test_rdi_is_taken_over_prescribed():
    # Anlotinib 12 mg × 14 days prescribed = 168 mg; 140 mg taken: 83.33… %.
    assert relative_dose_intensity_pct("140", "168").quantize(Decimal("0.01")) == Decimal(
        "83.33")


@pytest.mark.parametrize(("taken", "prescribed", "kept"), [
    pytest.param("80", "100", True, id="exactly-80pct-inside"),
    pytest.param("79.99", "100", False, id="below-80pct-removed"),
    pytest.param("120", "100", True, id="exactly-120pct-inside"),
    pytest.param("120.01", "100", False, id="above-120pct-removed"),
    pytest.param("134.4", "168", True, id="80pct-of-168mg-inside"),
    pytest.param("100", "100", True, id="100pct-inside"),
])
def test_the_80_120_rule_of_the_analysis_set(taken, prescribed, kept):
    result = dose_intensity(taken, prescribed)
    assert result.in_analysis_set is kept
    assert ("removed from the analysis set" in result.reason) is not kept


def test_the_sentence_says_the_doses_and_the_percentage():
    assert dose_intensity("50", "100").reason == (
        "50 of 100 prescribed (50.0 %) is below 80 %: removed from the analysis set")


def test_nothing_prescribed_is_refused():
    with pytest.raises(ClinicalDataError, match="dose prescribed: must be above 0"):
        dose_intensity("10", "0")
