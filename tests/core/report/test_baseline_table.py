"""Table 1 (docs/report.md §1): categories as n (%) of their own denominator, measurements
as mean (SD) and median [IQR] with R's type-7 quartiles, each figure rounded once, half
away from zero. Means, SDs and quartiles typed from R 4.2 (``mean``, ``sd``,
``quantile``) on the same values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.model.clinical_record import (
    Ascites,
    BaselineCharacteristics,
    Encephalopathy,
    Etiology,
    Pvtt,
    Sex,
)
from core.report import BaselineSubject, Statistic, baseline_table

D = Decimal
M, F = Sex.MALE, Sex.FEMALE
HBV, HCV, OTHER = Etiology.HBV, Etiology.HCV, Etiology.OTHER
# (age, sex, etiology, ECOG, bilirubin µmol/L, albumin g/L, INR, ascites, AFP, tumours,
#  max mm, total mm, PVTT, IVC, extrahepatic, TACE procedures); Child-Pugh in the comment.
ROWS = [
    (61, M, HBV, 0, "14.2", "41", "1.05", Ascites.NONE, "820", 2, "48", "78", Pvtt.ABSENT,
     False, False, 2),  # 5 A
    (55, F, HCV, 1, "19.6", "36", "1.18", Ascites.NONE, "2150", 2, "36", "58", Pvtt.VP3,
     False, False, 1),  # 5 A
    (68, M, OTHER, 1, "22.8", "34", "1.22", Ascites.NONE, "95", 1, "32", "32", Pvtt.ABSENT,
     False, True, 3),  # albumin 28-35 g/L: 6 A
    (47, M, HBV, 0, "40", "30", "1.8", Ascites.MILD, "400", 4, "120.5", "160.5", Pvtt.VP4,
     True, False, 2),  # 2 + 2 + 2 + 2 + 1 = 9 B; AFP exactly 400 is "≥ 400"
    (72, F, HBV, 2, "14", "40", "1.0", Ascites.NONE, "399.9", 3, "75.2", "85.5", Pvtt.ABSENT,
     False, False, 4),  # 5 A; exactly 3 tumours is "≤ 3"
    (58, M, HBV, 0, "30", "33", "1.1", Ascites.NONE, "12", 1, "18", "18", Pvtt.VP1,
     False, False, 1),  # 6 A
    (64, M, HCV, 1, "51", "27", "1.2", Ascites.NONE, "5000", 5, "55", "80", Pvtt.VP2,
     False, False, 2),  # 3 + 3 + 1 + 1 + 1 = 9 B
    (51, F, OTHER, 0, "10", "45", "0.9", Ascites.NONE, "1", 2, "41", "50", Pvtt.ABSENT,
     False, False, 5),  # 5 A
]


def _subject(index: int, row: tuple) -> BaselineSubject:
    (age, sex, etiology, ecog, bili, alb, inr, ascites, afp, number, largest, total, pvtt,
     ivc, extra, tace) = row
    return BaselineSubject(f"S{index:02}", BaselineCharacteristics(
        age, sex, etiology, ecog, D(bili), D(alb), D(inr), ascites, Encephalopathy.NONE,
        D(afp), D("70"), D("170"), number, D(largest), D(total), pvtt, ivc, extra), tace)


SUBJECTS = [_subject(i, row) for i, row in enumerate(ROWS, 1)]


def _counts(table, name):
    return {row.label: row.share.text for row in table.variable(name).categories}


def test_categories_are_counted_of_their_own_denominator():
    table = baseline_table(SUBJECTS)
    assert table.n == 8
    assert _counts(table, "Sex") == {"Male": "5/8 (62.5 %)", "Female": "3/8 (37.5 %)"}
    assert _counts(table, "Etiology") == {"HBV": "4/8 (50.0 %)", "HCV": "2/8 (25.0 %)",
                                          "Other": "2/8 (25.0 %)"}
    # ECOG 0 and 1 always listed; a 2 appears because a subject has it.
    assert _counts(table, "ECOG performance status") == {
        "0": "4/8 (50.0 %)", "1": "3/8 (37.5 %)", "2": "1/8 (12.5 %)"}
    assert _counts(table, "Child-Pugh score") == {
        "5": "4/8 (50.0 %)", "6": "2/8 (25.0 %)", "7": "0/8 (0.0 %)", "9": "2/8 (25.0 %)"}
    assert _counts(table, "Child-Pugh class") == {"A": "6/8 (75.0 %)", "B": "2/8 (25.0 %)"}
    assert _counts(table, "AFP, ng/mL") == {"< 400": "4/8 (50.0 %)", "≥ 400": "4/8 (50.0 %)"}
    assert _counts(table, "Intrahepatic tumour number") == {"≤ 3": "6/8 (75.0 %)",
                                                            "> 3": "2/8 (25.0 %)"}
    assert _counts(table, "PVTT") == {"Absent": "4/8 (50.0 %)", "Vp1": "1/8 (12.5 %)",
                                      "Vp2": "1/8 (12.5 %)", "Vp3": "1/8 (12.5 %)",
                                      "Vp4": "1/8 (12.5 %)"}
    assert _counts(table, "IVC tumour thrombus") == {"Yes": "1/8 (12.5 %)",
                                                     "No": "7/8 (87.5 %)"}
    assert _counts(table, "Extrahepatic metastasis")["Yes"] == "1/8 (12.5 %)"


def test_measurements_as_r_computes_them():
    table = baseline_table(SUBJECTS)
    age = table.variable("Age, years")
    # R: mean 59.5, sd 8.46842876302; quantile 47 54 59.5 65 72
    assert age.statistics == (Statistic.MEAN_SD, Statistic.MEDIAN_IQR)
    assert (age.summary.mean_sd_text, age.summary.median_iqr_text) == (
        "59.5 (8.5)", "59.5 [54.0-65.0]")
    largest = table.variable("Maximum intrahepatic tumour size, mm").summary
    # R: mean 53.2125, sd 32.019477889; quantile 18 35 44.5 60.05 120.5. 60.05 is an exact
    # tie: half away from zero gives 60.1 (R's sprintf("%.1f", 60.05) prints 60.0, the
    # binary double being 60.04999…).
    assert (largest.mean_sd_text, largest.median_iqr_text) == ("53.2 (32.0)",
                                                               "44.5 [35.0-60.1]")
    total = table.variable("Total intrahepatic tumour size, mm").summary
    # R: mean 70.25 (a tie: 70.3), sd 43.5660418216; quantile 18 45.5 68 81.375 160.5
    assert (total.mean_sd_text, total.median_iqr_text) == ("70.3 (43.6)", "68.0 [45.5-81.4]")
    tace = table.variable("DEB-TACE procedures")
    # R: quantile(c(2, 1, 3, 2, 4, 1, 2, 5)) 1 1.75 2 3.25 5
    assert tace.statistics == (Statistic.MEDIAN_IQR,)
    assert tace.summary.median_iqr_text == "2.0 [1.8-3.3]"
    assert (tace.summary.minimum, tace.summary.maximum) == (1, 5)


def test_a_subject_without_a_baseline_form_lowers_each_rows_denominator():
    table = baseline_table([*SUBJECTS, BaselineSubject("S09", None, 0)])
    sex = table.variable("Sex")
    assert (table.n, sex.known, sex.not_known) == (9, 8, 1)
    assert _counts(table, "Sex")["Male"] == "5/8 (62.5 %)"
    assert table.variable("DEB-TACE procedures").known == 9  # counted from the sessions
    assert table.notes == ("no baseline form recorded: S09",)


def test_one_subject_has_no_sd_and_an_empty_set_no_figures():
    single = baseline_table(SUBJECTS[:1])
    assert single.variable("Age, years").summary.mean_sd_text == "61.0 (–)"
    assert single.variable("Age, years").summary.median_iqr_text == "61.0 [61.0-61.0]"
    assert _counts(single, "Sex") == {"Male": "1/1 (100.0 %)", "Female": "0/1 (0.0 %)"}
    empty = baseline_table([])
    assert empty.n == 0
    assert empty.variable("Age, years").summary is None
    assert _counts(empty, "Sex") == {"Male": "0/0 (–)", "Female": "0/0 (–)"}


def test_the_rows_follow_the_seeds_table_1():
    names = [variable.name for variable in baseline_table(SUBJECTS).variables]
    assert names == ["Age, years", "Sex", "Etiology", "ECOG performance status",
                     "Child-Pugh score", "Child-Pugh class", "AFP, ng/mL",
                     "Intrahepatic tumour number", "Maximum intrahepatic tumour size, mm",
                     "Total intrahepatic tumour size, mm", "PVTT", "IVC tumour thrombus",
                     "Extrahepatic metastasis", "DEB-TACE procedures"]
    with pytest.raises(KeyError):
        baseline_table(SUBJECTS).variable("BMI")
