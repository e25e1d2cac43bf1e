"""The baseline form computes Child-Pugh (Pugh 1973), ALBI (Johnson 2015) and Cockcroft-Gault
(1976) beside their components as they are typed, on the worked examples of
docs/clinical.md §3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_typing import (
    TODAY_TEXT,
    choose,
    fill_baseline_example,
    open_form,
    shown_problem,
    type_into,
)

from core.model.clinical_record import (
    Ascites,
    BaselineCharacteristics,
    Encephalopathy,
    Etiology,
    Pvtt,
    Sex,
)
from widgets.baseline_form import BaselineForm

TODAY = dt.date.fromisoformat(TODAY_TEXT)
EXAMPLE = BaselineCharacteristics(
    age_years=50, sex=Sex.MALE, etiology=Etiology.HBV, ecog=1,
    bilirubin_umol_l=Decimal(17), albumin_g_l=Decimal(40), inr=Decimal("1.1"),
    ascites=Ascites.MILD, encephalopathy=Encephalopathy.NONE, afp_ng_ml=Decimal(520),
    weight_kg=Decimal(80), height_cm=Decimal(172), tumour_number=2,
    max_tumour_size_mm=Decimal(62), total_tumour_size_mm=Decimal(88), pvtt=Pvtt.VP2,
    has_ivc_thrombus=False, has_extrahepatic_metastasis=False)


def test_the_worked_example_shows_child_pugh_albi_and_crcl_beside_the_values(qtbot):
    form = open_form(qtbot, BaselineForm((Decimal("88.4"), "umol/L"), today=TODAY))
    assert form.scores_text()["Child-Pugh"] == "needs all five components"
    fill_baseline_example(qtbot, form)
    assert form.scores_text() == {
        "bilirubin_umol_l": "1 pt", "albumin_g_l": "1 pt", "inr": "1 pt",
        "ascites": "2 pts", "encephalopathy": "1 pt",
        "Child-Pugh": "6 points · class A",
        # 0.66 × log10(17) − 0.085 × 40 = −2.5879: grade 2 (> −2.60)
        "ALBI": "-2.59 · grade 2",
        # (140 − 50) × 80 / (72 × 1.0 mg/dL) = 100 mL/min
        "CrCl": "100.0 mL/min · Cockcroft-Gault, creatinine 88.4 umol/L"}
    assert form.value() == EXAMPLE
    assert form.ok_button.isEnabled()


@pytest.mark.parametrize(("bilirubin", "albumin", "inr", "ascites", "points", "text"), [
    ("34", "35", "1.7", "None", ("2 pts", "2 pts", "2 pts"), "8 points · class B"),
    ("33.9", "35.1", "1.69", "None", ("1 pt", "1 pt", "1 pt"), "5 points · class A"),
    ("51", "27", "2.4", "Moderate to severe", ("3 pts", "3 pts", "3 pts"),
     "13 points · class C"),
], ids=["Pugh-band-edges-34-35-1.7-are-2-points", "Pugh-just-inside-1-point",
        "Pugh-past-50-below-28-above-2.3"])
def test_child_pugh_points_at_the_band_edges(qtbot, bilirubin, albumin, inr, ascites, points,
                                            text):
    form = open_form(qtbot, BaselineForm(today=TODAY))
    fill_baseline_example(qtbot, form, bilirubin=bilirubin, albumin=albumin, inr=inr,
                          ascites=ascites)
    shown = form.scores_text()
    assert (shown["bilirubin_umol_l"], shown["albumin_g_l"], shown["inr"]) == points
    assert shown["Child-Pugh"] == text
    assert shown["CrCl"] == ""  # no creatinine given to the form
    assert not form.crcl.isVisibleTo(form)


def test_a_woman_gets_the_085_factor_and_a_missing_sex_waits(qtbot):
    form = open_form(qtbot, BaselineForm((Decimal("1.0"), "mg/dL"), today=TODAY))
    type_into(qtbot, form.age, "50")
    type_into(qtbot, form.weight, "80")
    assert form.scores_text()["CrCl"] == "needs age, weight and sex (creatinine 1.0 mg/dL)"
    choose(qtbot, form.sex, "Female")
    assert form.scores_text()["CrCl"] == "85.0 mL/min · Cockcroft-Gault, creatinine 1.0 mg/dL"


def test_physical_limits_and_the_total_size_are_refused_as_typed(qtbot):
    form = open_form(qtbot, BaselineForm(today=TODAY))
    fill_baseline_example(qtbot, form)
    type_into(qtbot, form.weight, "7.5")
    assert shown_problem(form.weight) == "Weight 7.5 kg is outside the physical range 20-350 kg"
    type_into(qtbot, form.weight, "80")
    type_into(qtbot, form.total_size, "61")
    assert shown_problem(form.total_size) == \
        "Total tumour size must not be less than the largest tumour, 62 mm"
    type_into(qtbot, form.albumin, "4.0")  # g/dL typed in g/L
    assert "outside the physical range 5-80 g/L" in shown_problem(form.albumin)
    assert form.scores_text()["albumin_g_l"] == "— pt"
    assert form.scores_text()["ALBI"] == "needs bilirubin and albumin"
    assert form.value() is None
    assert {p.field for p in form.problems()} == {"total_tumour_size_mm", "albumin_g_l"}


def test_edit_mode_is_prefilled_and_returns_the_changed_value(qtbot):
    form = open_form(qtbot, BaselineForm(existing=EXAMPLE, today=TODAY))
    assert form.value() == EXAMPLE
    assert form.scores_text()["Child-Pugh"] == "6 points · class A"
    assert not form.ok_button.isEnabled()
    choose(qtbot, form.encephalopathy, "Grade 1-2")
    assert form.scores_text()["Child-Pugh"] == "7 points · class B"
    value = form.value()
    assert value.encephalopathy is Encephalopathy.GRADE_1_2
    assert value.ascites is Ascites.MILD
    assert value.age_years == 50
    assert form.ok_button.isEnabled()
