"""CTCAE v4.03 grades of lab values (docs/clinical.md §2): each row of the table at its
boundaries. Thresholds are strict: exactly 75 platelets is grade 1, exactly 3 × ULN AST is
grade 1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clinical import ClinicalDataError, LabGrade, grade_lab, term_of, worst_grades

# (test, value, unit, LLN, ULN, grade): LLN/ULN chosen so each boundary is exercised.
CASES = [
    ("PLAT", "150", "10^9/L", "150", "400", 0, "PLAT-at-LLN-grade-0"),
    ("PLAT", "149.9", "10^9/L", "150", "400", 1, "PLAT-below-LLN-grade-1"),
    ("PLAT", "75", "10^9/L", "150", "400", 1, "PLAT-exactly-75-grade-1-CTCAE-strict"),
    ("PLAT", "74.9", "10^9/L", "150", "400", 2, "PLAT-below-75-grade-2"),
    ("PLAT", "50", "10^9/L", "150", "400", 2, "PLAT-exactly-50-grade-2"),
    ("PLAT", "49", "10^9/L", "150", "400", 3, "PLAT-below-50-grade-3"),
    ("PLAT", "25", "10^9/L", "150", "400", 3, "PLAT-exactly-25-grade-3"),
    ("PLAT", "24", "10^9/L", "150", "400", 4, "PLAT-below-25-grade-4"),
    ("PLAT", "500", "10^9/L", "150", "400", 0, "PLAT-high-is-not-decreased"),
    ("PLAT", "74", "10^3/uL", "150", "400", 2, "PLAT-10^3/uL"),
    ("WBC", "3.0", "10^9/L", "4.0", "10", 1, "WBC-exactly-3.0-grade-1"),
    ("WBC", "2.9", "10^9/L", "4.0", "10", 2, "WBC-below-3.0-grade-2"),
    ("WBC", "1.9", "10^9/L", "4.0", "10", 3, "WBC-below-2.0-grade-3"),
    ("WBC", "0.9", "10^9/L", "4.0", "10", 4, "WBC-below-1.0-grade-4"),
    ("NEUT", "1.5", "10^9/L", "2.0", "7.5", 1, "NEUT-exactly-1.5-grade-1"),
    ("NEUT", "1.4", "10^9/L", "2.0", "7.5", 2, "NEUT-below-1.5-grade-2"),
    ("NEUT", "0.99", "10^9/L", "2.0", "7.5", 3, "NEUT-below-1.0-grade-3"),
    ("NEUT", "0.49", "10^9/L", "2.0", "7.5", 4, "NEUT-below-0.5-grade-4"),
    ("LYM", "0.8", "10^9/L", "1.0", "4.0", 1, "LYM-exactly-0.8-grade-1"),
    ("LYM", "0.79", "10^9/L", "1.0", "4.0", 2, "LYM-below-0.8-grade-2"),
    ("LYM", "0.49", "10^9/L", "1.0", "4.0", 3, "LYM-below-0.5-grade-3"),
    ("LYM", "0.19", "10^9/L", "1.0", "4.0", 4, "LYM-below-0.2-grade-4"),
    ("HGB", "100", "g/L", "130", "170", 1, "HGB-exactly-100-grade-1"),
    ("HGB", "99", "g/L", "130", "170", 2, "HGB-below-100-grade-2"),
    ("HGB", "7.9", "g/dL", "13", "17", 3, "HGB-below-80-g/L-from-g/dL-grade-3"),
    ("HGB", "30", "g/L", "130", "170", 3, "HGB-lab-alone-at-most-grade-3"),
    ("ALB", "30", "g/L", "35", "50", 1, "ALB-exactly-30-grade-1"),
    ("ALB", "2.9", "g/dL", "3.5", "5.0", 2, "ALB-below-30-g/L-grade-2"),
    ("ALB", "10", "g/L", "35", "50", 3, "ALB-lab-alone-at-most-grade-3"),
    ("AST", "40", "U/L", "0", "40", 0, "AST-at-ULN-grade-0"),
    ("AST", "41", "U/L", "0", "40", 1, "AST-above-ULN-grade-1"),
    ("AST", "120", "U/L", "0", "40", 1, "AST-exactly-3xULN-grade-1-CTCAE-strict"),
    ("AST", "121", "U/L", "0", "40", 2, "AST-above-3xULN-grade-2"),
    ("AST", "200", "U/L", "0", "40", 2, "AST-exactly-5xULN-grade-2"),
    ("AST", "201", "U/L", "0", "40", 3, "AST-above-5xULN-grade-3"),
    ("AST", "800", "U/L", "0", "40", 3, "AST-exactly-20xULN-grade-3"),
    ("AST", "801", "U/L", "0", "40", 4, "AST-above-20xULN-grade-4"),
    ("ALT", "150.5", "U/L", None, "50", 2, "ALT-above-3xULN-grade-2"),
    ("BILI", "30", "umol/L", "3", "20", 1, "BILI-exactly-1.5xULN-grade-1"),
    ("BILI", "31", "umol/L", "3", "20", 2, "BILI-above-1.5xULN-grade-2"),
    ("BILI", "61", "umol/L", "3", "20", 3, "BILI-above-3xULN-grade-3"),
    ("BILI", "201", "umol/L", "3", "20", 4, "BILI-above-10xULN-grade-4"),
    ("BILI", "1.9", "mg/dL", "0.2", "1.2", 2, "BILI-mg/dL-ratio-unchanged"),
    ("ALP", "300", "U/L", "40", "120", 1, "ALP-exactly-2.5xULN-grade-1"),
    ("ALP", "301", "U/L", "40", "120", 2, "ALP-above-2.5xULN-grade-2"),
    ("GGT", "2401", "U/L", "5", "120", 4, "GGT-above-20xULN-grade-4"),
    ("INR", "1.5", "", "0.8", "1.0", 1, "INR-exactly-1.5xULN-grade-1"),
    ("INR", "2.6", "", "0.8", "1.0", 3, "INR-above-2.5xULN-grade-3"),
    ("INR", "9.0", "", "0.8", "1.0", 3, "INR-has-no-grade-4"),
    ("CREAT", "106", "umol/L", "60", "106", 0, "CREAT-at-ULN-grade-0"),
    ("CREAT", "160", "umol/L", "60", "106", 2, "CREAT-above-1.5xULN-grade-2"),
    ("CREAT", "637", "umol/L", "60", "106", 4, "CREAT-above-6xULN-grade-4"),
    ("GLUC", "8.9", "mmol/L", "3.9", "5.5", 1, "GLUC-exactly-8.9-grade-1"),
    ("GLUC", "9.0", "mmol/L", "3.9", "5.5", 2, "GLUC-above-8.9-grade-2"),
    ("GLUC", "13.9", "mmol/L", "3.9", "5.5", 2, "GLUC-exactly-13.9-grade-2"),
    ("GLUC", "27.9", "mmol/L", "3.9", "5.5", 4, "GLUC-above-27.8-grade-4"),
    ("GLUC", "260", "mg/dL", "70", "100", 3, "GLUC-mg/dL-above-13.9-grade-3"),
    ("SODIUM", "134", "mmol/L", "135", "145", 1, "SODIUM-below-LLN-grade-1"),
    ("SODIUM", "130", "mmol/L", "135", "145", 1, "SODIUM-exactly-130-grade-1-no-grade-2"),
    ("SODIUM", "129", "mmol/L", "135", "145", 3, "SODIUM-below-130-grade-3"),
    ("SODIUM", "119", "mmol/L", "135", "145", 4, "SODIUM-below-120-grade-4"),
    ("K", "5.5", "mmol/L", "3.5", "5.1", 1, "K-exactly-5.5-grade-1"),
    ("K", "5.6", "mmol/L", "3.5", "5.1", 2, "K-above-5.5-grade-2"),
    ("K", "6.0", "mmol/L", "3.5", "5.1", 2, "K-exactly-6.0-grade-2"),
    ("K", "7.1", "mmol/L", "3.5", "5.1", 4, "K-above-7.0-grade-4"),
]


@pytest.mark.parametrize(("test", "value", "unit", "lln", "uln", "grade"),
                         [pytest.param(*case[:6], id=case[6]) for case in CASES])
def test_ctcae_v403_grade(test, value, unit, lln, uln, grade):
    graded = grade_lab(test, value, unit, lln, uln)
    assert graded == LabGrade(term_of(test), grade)


def test_exactly_75_platelets_is_grade_1_and_exactly_3_uln_ast_is_grade_1():
    assert grade_lab("PLAT", Decimal(75), "10^9/L", Decimal(150), Decimal(400)).grade == 1
    assert grade_lab("AST", Decimal(120), "U/L", None, Decimal(40)).grade == 1


def test_missing_lln_cannot_grade_a_value_that_grade_1_decides():
    graded = grade_lab("PLAT", "140", "10^9/L", None, "400")
    assert graded.grade is None
    assert graded.term == "Platelet count decreased"
    assert graded.reason is not None
    assert graded.reason.startswith("no LLN given")


def test_missing_lln_still_grades_what_an_absolute_threshold_decides():
    # < 50 and ≥ 25 is grade 3 whatever the LLN (CTCAE v4.03).
    assert grade_lab("PLAT", "40", "10^9/L", None, None) == LabGrade(
        "Platelet count decreased", 3)
    assert grade_lab("K", "5.8", "mmol/L", None, None).grade == 2


def test_missing_uln_cannot_grade_a_times_uln_term():
    graded = grade_lab("AST", "1000", "U/L", "0", None)
    assert graded.grade is None
    assert graded.reason is not None
    assert graded.reason.startswith("no ULN given")


@pytest.mark.parametrize(("value", "baseline", "grade"), [
    pytest.param("80", "70", 1, id="CREAT-above-baseline-grade-1"),
    pytest.param("70", "70", 0, id="CREAT-exactly-baseline-grade-0"),
    pytest.param("105", "70", 1, id="CREAT-exactly-1.5x-baseline-grade-1-not-2"),
    pytest.param("106", "70", 2, id="CREAT-above-1.5x-baseline-grade-2"),
    pytest.param("211", "70", 3, id="CREAT-above-3x-baseline-grade-3"),
    pytest.param("105", None, 0, id="CREAT-no-baseline-graded-on-ULN-alone"),
])
def test_creatinine_baseline_clause(value, baseline, grade):
    # ULN 106 umol/L: 105 is within it, so any grade comes from the baseline.
    assert grade_lab("CREAT", value, "umol/L", "60", "106", baseline).grade == grade


def test_creatinine_baseline_in_mg_dl_is_converted_with_the_value():
    # 1.0 mg/dL against a baseline of 0.6 mg/dL: > 1.5 × baseline, within the ULN (1.2).
    assert grade_lab("CREAT", "1.0", "mg/dL", "0.6", "1.2", "0.6").grade == 2


def test_creatinine_without_uln_is_not_graded_even_with_a_baseline():
    # Grade 4 is > 6 × ULN alone (CTCAE v4.03): without the ULN it cannot be excluded.
    graded = grade_lab("CREAT", "300", "umol/L", None, None, "70")
    assert graded.grade is None
    assert graded.reason is not None
    assert graded.reason.startswith("no ULN given")


@pytest.mark.parametrize(("args", "words"), [
    pytest.param(("XYZ", "1", "U/L", None, "1"), "not a test graded here", id="unknown-test"),
    pytest.param(("PLAT", "1", "g/L", None, None), "PLAT unit", id="unknown-unit"),
    pytest.param(("PLAT", "abc", "10^9/L", None, None), "PLAT value: must be a number",
                 id="not-a-number"),
    pytest.param(("PLAT", "-1", "10^9/L", None, None), "must be a number ≥ 0", id="negative"),
    pytest.param(("PLAT", "NaN", "10^9/L", None, None), "finite", id="nan"),
    pytest.param(("PLAT", "100", "10^9/L", "400", "150"), "is above the ULN",
                 id="lln-above-uln"),
    pytest.param(("AST", "10", "U/L", None, "0"), "AST ULN: must be above 0", id="uln-zero"),
])
def test_values_that_cannot_be_graded_are_refused(args, words):
    with pytest.raises(ClinicalDataError, match=words):
        grade_lab(*args)


def test_worst_grade_per_term():
    graded = [
        LabGrade("Anemia", 1), LabGrade("Anemia", 3), LabGrade("Anemia", 2),
        LabGrade("Hyperkalemia", 0), LabGrade("Hyponatremia", None, "no LLN given"),
    ]
    assert worst_grades(graded) == {"Anemia": 3, "Hyperkalemia": 0}
