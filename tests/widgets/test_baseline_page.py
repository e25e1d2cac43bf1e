"""The baseline page (#13 item 4): each characteristic as entered, Child-Pugh points beside
its components, the scores rounded for reading (ALBI 2 decimals, CrCl 1), or why not."""

from __future__ import annotations

import shutil

from clinical_records import click_row, demo_overviews, hand_built
from PySide6.QtCore import Qt

from core.clinical.overview import BaselineScores, clinical_overview
from core.model.clinical_record import ClinicalKind, ClinicalRecord
from widgets.baseline_page import BaselinePage, score_texts


def _page(qtbot) -> BaselinePage:
    page = BaselinePage()
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_worked_example_scores_beside_the_characteristics(qtbot):
    page = _page(qtbot)
    page.show_overview(hand_built(locked=False))
    # Bilirubin 17 umol/L, albumin 40 g/L: ALBI −2.5879, grade 2 (docs/clinical.md §3);
    # a man of 50, 80 kg, creatinine 1.0 mg/dL: CrCl 100 mL/min.
    assert page.albi.text() == "−2.59, grade 2"
    assert page.crcl.text() == "100.0 mL/min"
    assert page.child_pugh.text() == ("score 5, class A (bilirubin 1 + albumin 1 + INR 1 + "
                                      "ascites 1 + encephalopathy 1)")
    rows = {cells[0]: cells[1:] for cells in page.entries.cell_texts()}
    assert rows["Total bilirubin"] == ["17 µmol/L", "Child-Pugh 1 point · ALBI"]
    assert rows["Albumin"] == ["40 g/L", "Child-Pugh 1 point · ALBI"]
    assert rows["Hepatic encephalopathy"] == ["none", "Child-Pugh 1 point"]
    assert rows["Weight"] == ["80 kg", "used by CrCl"]
    assert rows["Portal vein tumour thrombus"] == ["absent", ""]
    assert len(rows) == 18
    # Every row is the one baseline entry: any row selects it; there is no second one.
    seen = []
    page.entries.edit_requested.connect(lambda kind, entry: seen.append((kind, entry)))
    click_row(qtbot, page.entries.table, 7)
    qtbot.keyClick(page.entries.table, Qt.Key.Key_F2)
    assert seen == [(ClinicalKind.BASELINE, 30)]
    assert not page.entries.add_button.isEnabled()


def test_the_demo_subject_shows_its_scores_and_crcl(qtbot, tmp_path, demo_store_template):
    shutil.copytree(demo_store_template, tmp_path / "data")
    overview = demo_overviews(tmp_path / "data")["HCC-003"]
    page = _page(qtbot)
    page.show_overview(overview)
    assert page.child_pugh.text().startswith("score 6, class A (bilirubin 1 + albumin 2 ")
    assert page.albi.text() == "−1.99, grade 2"
    # (140 − 68) × 80 kg / (72 × 96 umol/L / 88.4) = 73.67 mL/min (Cockcroft-Gault).
    assert page.crcl.text() == "73.7 mL/min"
    rows = {cells[0]: cells[1:] for cells in page.entries.cell_texts()}
    assert rows["Albumin"] == ["34 g/L", "Child-Pugh 2 points · ALBI"]
    assert rows["Age"] == ["68 years", "used by CrCl"]
    assert rows["Extrahepatic metastasis"] == ["yes", ""]


def test_no_baseline_recorded_says_so_for_every_score(qtbot):
    page = _page(qtbot)
    page.show_overview(clinical_overview(ClinicalRecord("HCC-009")))
    assert page.entries.rows == ()
    assert page.entries.add_button.isEnabled()
    assert {page.child_pugh.text(), page.albi.text(), page.crcl.text()} == {
        "not computed: no baseline characteristics recorded"}
    assert score_texts(BaselineScores()) == ("not computed",) * 3
