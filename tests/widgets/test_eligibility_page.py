"""The eligibility page (#13 item 4): checked and computed criteria apart, a criterion not
met in red with its reason, and the overall line for met, not met and incomplete."""

from __future__ import annotations

import shutil

import pytest
from clinical_records import BASELINE_LABS, LATER_LABS, click_row, demo_overviews, hand_built
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGroupBox

from core.clinical.eligibility_summary import Verdict
from core.model.clinical_record import ClinicalKind, CriterionStatus
from widgets.eligibility_page import CHECKED_TITLE, COMPUTED_TITLE, EligibilityPage
from widgets.record_table import ALERT_BACKGROUND, ALERT_INK

MET, NOT_MET, NA = CriterionStatus.MET, CriterionStatus.NOT_MET, CriterionStatus.NOT_APPLICABLE


@pytest.fixture
def page(qtbot):
    widget = EligibilityPage()
    qtbot.addWidget(widget)
    widget.resize(1000, 560)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_every_criterion_met_reads_eligible(page):
    page.show_overview(hand_built(criteria=(("IN01", MET), ("EX07", MET), ("EX11", NA))))
    assert page.summary.verdict is Verdict.ELIGIBLE
    assert page.overall_text() == "eligible: all criteria met"
    assert page.overall.text() == "Overall — eligible: all criteria met"
    assert page.checked.cell_texts() == [["EX07", "met", "note on EX07"],
                                         ["EX11", "not applicable", "note on EX11"],
                                         ["IN01", "met", "note on IN01"]]
    computed = page.computed_texts()
    assert len(computed) == 9
    assert computed[7][:2] == ("creatinine clearance ≥ 60 mL/min", "met")


def test_a_criterion_not_met_is_red_with_its_reason_and_named_in_the_overall_line(page):
    labs = tuple(lab for lab in BASELINE_LABS if lab.test_code != "PLAT")
    low = LATER_LABS[0]  # 48 × 10^9/L, flagged baseline here
    labs += (type(low)(low.visit_date.replace(month=1, day=5), "PLAT", low.value, low.unit,
                       low.lln, low.uln, True),)
    page.show_overview(hand_built(criteria=(("IN01", MET), ("IN02", NOT_MET)), labs=labs))
    assert page.overall_text() == "not eligible: IN02, platelets ≥ 75 × 10^9/L"
    platelets = next(row for row, (name, _s, _r) in enumerate(page.computed_texts())
                     if name.startswith("platelets"))
    assert page.computed_texts()[platelets] == (
        "platelets ≥ 75 × 10^9/L", "not met", "platelet count 48 × 10^9/L < 75 × 10^9/L")
    reason = page.computed.item(platelets, 2)
    assert reason.foreground().color().name() == ALERT_INK
    assert reason.background().color().name() == ALERT_BACKGROUND
    assert reason.font().weight() == QFont.Weight.Bold
    checked_row = page.checked.row_of(next(r.entry_id for r in page.checked.rows
                                           if r.cells[0] == "IN02"))
    assert page.checked.table.item(checked_row, 2).text() == "not met"
    assert page.checked.table.item(checked_row, 2).foreground().color().name() == ALERT_INK


def test_the_demo_subject_is_eligible_and_each_computed_criterion_says_why(
        page, tmp_path, demo_store_template):
    shutil.copytree(demo_store_template, tmp_path / "data")
    page.show_overview(demo_overviews(tmp_path / "data")["HCC-001"])
    assert page.summary.verdict is Verdict.ELIGIBLE
    assert page.overall_text() == "eligible: all criteria met"
    computed = {name: (status, why) for name, status, why in page.computed_texts()}
    # (140 − 61) × 72 kg / (72 × 82 umol/L / 88.4) = 85.17 mL/min.
    assert computed["creatinine clearance ≥ 60 mL/min"] == (
        "met", "creatinine clearance 85.16 mL/min ≥ 60 mL/min")
    assert [row[0] for row in page.checked.cell_texts()] == ["EX07", "IN01", "IN02", "IN04"]
    assert page.computed_texts()[3] == (
        "platelets ≥ 75 × 10^9/L", "met", "platelet count 168 × 10^9/L ≥ 75 × 10^9/L")


def test_nothing_checked_yet_is_incomplete(page):
    page.show_overview(hand_built(criteria=()))
    assert page.overall_text() == "incomplete: no criterion checked by the coordinator yet"
    assert page.checked.empty.isVisible()


def test_the_two_kinds_of_criteria_are_kept_apart(page):
    page.show_overview(hand_built())
    titles = [box.title() for box in page.findChildren(QGroupBox)]
    assert titles == [CHECKED_TITLE, COMPUTED_TITLE]
    assert "checked by the coordinator" in CHECKED_TITLE.lower()
    assert "computed from the baseline labs" in COMPUTED_TITLE.lower()


def test_an_unlocked_checked_criterion_is_edited_and_deleted_by_keys(qtbot, page):
    page.show_overview(hand_built(locked=False))
    seen = []
    page.edit_requested.connect(lambda kind, entry: seen.append(("edit", kind, entry)))
    page.delete_requested.connect(lambda kind, entry: seen.append(("delete", kind, entry)))
    page.add_requested.connect(lambda kind: seen.append(("add", kind)))
    click_row(qtbot, page.checked.table, 0)
    entry = page.checked.selected_entry()
    qtbot.keyClick(page.checked.table, Qt.Key.Key_Delete)
    qtbot.keyClick(page.checked.table, Qt.Key.Key_Enter)
    qtbot.keyClick(page.checked.table, Qt.Key.Key_Insert)
    assert seen == [("delete", ClinicalKind.ELIGIBILITY, entry),
                    ("edit", ClinicalKind.ELIGIBILITY, entry), ("add", ClinicalKind.ELIGIBILITY)]
    # Locked at the cut-off, the same keys do nothing but Insert.
    page.show_overview(hand_built())
    click_row(qtbot, page.checked.table, 0)
    qtbot.keyClick(page.checked.table, Qt.Key.Key_Delete)
    qtbot.keyClick(page.checked.table, Qt.Key.Key_F2)
    assert len(seen) == 3
