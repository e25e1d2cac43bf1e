"""The coordinator's clinical record view (#13 item 4), driven by clicks and keys on real
overviews: the demo's subjects from a copy of the demo store, and a hand-built record with
a grade-3 lab and a data cut-off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from clinical_records import (
    CUT_OFF,
    GRADE_3_LAB_ID,
    LOCKED_LAB_ID,
    click_row,
    demo_overviews,
    hand_built,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from core.clinical.overview import clinical_overview
from core.model.clinical_record import ClinicalKind, ClinicalRecord
from widgets.clinical_record_view import NO_TIMELINE, TAB_TITLES, ClinicalRecordView
from widgets.record_table import ALERT_BACKGROUND, EntryTable


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_store_template):
    """The demo subjects' overviews, read once from a copy of the demo store."""
    import shutil

    copy = tmp_path_factory.mktemp("record-view") / "data"
    shutil.copytree(demo_store_template, copy)
    return demo_overviews(copy)


@pytest.fixture
def view(qtbot):
    widget = ClinicalRecordView()
    qtbot.addWidget(widget)
    widget.resize(1150, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _signals(view: ClinicalRecordView) -> list[tuple]:
    seen: list[tuple] = []
    view.add_requested.connect(lambda kind: seen.append(("add", kind)))
    view.edit_requested.connect(lambda kind, entry: seen.append(("edit", kind, entry)))
    view.delete_requested.connect(lambda kind, entry: seen.append(("delete", kind, entry)))
    return seen


def _labs(view: ClinicalRecordView) -> EntryTable:
    view.show_tab("Labs")
    return view.tables[ClinicalKind.LAB]


def test_the_header_names_the_subject_enrolment_cut_off_and_worst_grades(view, demo):
    view.show_overview(demo["HCC-001"])
    assert view.header_text().splitlines() == [
        "HCC-001 · clinical record",
        "enrolled 2026-01-08 · no data cut-off",
        "Worst lab grade per term (CTCAE v4.03): Aspartate aminotransferase increased G2",
    ]
    view.show_overview(hand_built())
    assert "data cut-off 2026-02-01: entries up to it are locked" in view.header_text()
    assert ("Platelet count decreased G3 · Aspartate aminotransferase increased G2"
            in view.header_text())
    assert [view.tabs.tabText(i).replace("&&", "&") for i in range(view.tabs.count())] == [
        *TAB_TITLES[:5], "Proposed AEs (1)", *TAB_TITLES[6:]]


def test_selecting_a_lab_and_pressing_delete_asks_to_delete_that_lab(qtbot, view, demo):
    overview = demo["HCC-001"]
    view.show_overview(overview)
    labs = _labs(view)
    seen = _signals(view)
    week_6_ast = next(lab.entry for lab in overview.labs
                      if lab.entry.value.test_code == "AST"
                      and lab.entry.value.visit_date == dt.date(2026, 2, 15))
    click_row(qtbot, labs.table, labs.row_of(week_6_ast.entry_id))
    assert labs.selected_entry() == week_6_ast.entry_id
    assert labs.edit_button.isEnabled()
    assert labs.delete_button.isEnabled()
    qtbot.keyClick(labs.table, Qt.Key.Key_Delete)
    assert seen == [("delete", ClinicalKind.LAB, week_6_ast.entry_id)]
    qtbot.keyClick(labs.table, Qt.Key.Key_F2)
    qtbot.keyClick(labs.table, Qt.Key.Key_Return)
    qtbot.keyClick(labs.table, Qt.Key.Key_Insert)
    assert seen[1:] == [("edit", ClinicalKind.LAB, week_6_ast.entry_id),
                        ("edit", ClinicalKind.LAB, week_6_ast.entry_id),
                        ("add", ClinicalKind.LAB)]
    assert isinstance(seen[0][1], ClinicalKind)  # the enum itself, not its text
    qtbot.mouseClick(labs.add_button, Qt.MouseButton.LeftButton)
    assert seen[-1] == ("add", ClinicalKind.LAB)


def test_a_locked_lab_cannot_be_edited_or_deleted(qtbot, view):
    view.show_overview(hand_built())
    labs = _labs(view)
    seen = _signals(view)
    row = labs.row_of(LOCKED_LAB_ID)
    click_row(qtbot, labs.table, row)
    assert labs.selected_entry() == LOCKED_LAB_ID
    assert not labs.edit_button.isEnabled()
    assert not labs.delete_button.isEnabled()
    for key in (Qt.Key.Key_Delete, Qt.Key.Key_F2, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(labs.table, key)
    qtbot.mouseDClick(labs.table.viewport(), Qt.MouseButton.LeftButton,
                      pos=labs.table.visualItemRect(labs.table.item(row, 1)).center())
    assert seen == []
    lock = labs.table.item(row, 0)
    assert not lock.icon().isNull()
    tip = f"locked at the data cut-off {CUT_OFF.isoformat()}"
    assert lock.toolTip() == tip
    assert labs.table.item(row, 3).toolTip() == (
        f"grade 2 (Aspartate aminotransferase increased)\n{tip}")
    assert labs.edit_button.toolTip() == tip
    # The grade-3 platelet count after the cut-off stays open.
    click_row(qtbot, labs.table, labs.row_of(GRADE_3_LAB_ID))
    assert labs.table.item(labs.row_of(GRADE_3_LAB_ID), 0).icon().isNull()
    qtbot.keyClick(labs.table, Qt.Key.Key_F2)
    assert seen == [("edit", ClinicalKind.LAB, GRADE_3_LAB_ID)]


def test_a_grade_3_lab_is_shown_as_grade_3_and_emphasised(view):
    view.show_overview(hand_built())
    labs = _labs(view)
    row = labs.row_of(GRADE_3_LAB_ID)
    cells = labs.cell_texts()[row]
    assert cells == ["2026-02-20", "PLAT", "48 × 10^9/L", "150–400", "",
                     "grade 3 (Platelet count decreased)"]
    grade = labs.table.item(row, 6)
    assert grade.font().weight() == QFont.Weight.Bold
    assert grade.background().color().name() == ALERT_BACKGROUND
    grade_2 = labs.table.item(labs.row_of(LOCKED_LAB_ID), 6)
    assert grade_2.text() == "grade 2 (Aspartate aminotransferase increased)"
    assert grade_2.font().weight() != QFont.Weight.Bold


def test_labs_are_sorted_by_date_and_say_their_range_and_baseline(view, demo):
    view.show_overview(demo["HCC-002"])
    rows = _labs(view).cell_texts()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert ["2026-01-18", "AST", "46 U/L", "5–40", "baseline",
            "grade 1 (Aspartate aminotransferase increased)"] in rows
    assert len(rows) == 11  # screening labs, then AST and platelets at three visits
    # Clicking the date header sorts the other way; the entry ids follow their rows.
    labs = view.tables[ClinicalKind.LAB]
    labs.table.sortItems(1, Qt.SortOrder.DescendingOrder)
    assert labs.cell_texts()[0][0] == "2026-04-12"
    # The first entry (a screening lab of 2026-01-18) is now among the last seven rows.
    assert labs.row_of(demo["HCC-002"].labs[0].entry.entry_id) in range(4, 11)


def test_treatment_shows_sessions_and_the_relative_dose_intensity(view, demo):
    view.show_overview(demo["HCC-002"])
    view.show_tab("Treatment")
    sessions = view.tables[ClinicalKind.TREATMENT_SESSION].cell_texts()
    assert sessions[0] == ["2026-01-23", "pirarubicin", "40 mg", "300–500 µm", "yes"]
    doses = {r[0]: r for r in view.tables[ClinicalKind.DOSE].cell_texts()}
    assert doses["anlotinib"][5:] == [
        "reduced: reduced to 10 mg for hand-foot skin reaction", "85.7 %",
        "1008 of 1176 prescribed (85.7 %) is within 80-120 %"]
    assert doses["anti-PD-L1"][1] == "2026-01-23"  # one day
    # Below 80 %: emphasised, with the rule's sentence.
    view.show_overview(hand_built(taken=Decimal("940")))
    table = view.tables[ClinicalKind.DOSE]
    assert table.cell_texts()[0][6:] == [
        "79.9 %", "940 of 1176 prescribed (79.9 %) is below 80 %: removed from the analysis set"]
    assert table.table.item(0, 7).font().weight() == QFont.Weight.Bold


def test_adverse_events_show_grade_period_seriousness_and_relatedness(view, demo):
    view.show_overview(demo["HCC-001"])
    view.show_tab("Adverse events")
    events = view.tables[ClinicalKind.ADVERSE_EVENT].cell_texts()
    assert events[0] == [
        "Hypertension", "G2", "2026-01-21 – 2026-02-18", "no", "dose not changed",
        "recovered/resolved", "anlotinib: probably\nanti-PD-L1: possibly\nDEB-TACE: not related"]
    assert view.tables[ClinicalKind.ADVERSE_EVENT].table.item(0, 1).toolTip() == (
        "relatedness: anlotinib: probably · anti-PD-L1: possibly · DEB-TACE: not related")
    assert events[1][0] == "Aspartate aminotransferase increased"
    assert events[1][6].startswith("DEB-TACE: probably")


def test_end_of_treatment_and_follow_up_of_the_subject_who_died(view, demo):
    view.show_overview(demo["HCC-003"])
    view.show_tab("End of treatment & follow-up")
    assert view.tables[ClinicalKind.END_OF_TREATMENT].cell_texts() == [
        ["2026-05-02", "confirmed progression", "—", "regorafenib from 2026-05-16"]]
    assert view.tables[ClinicalKind.FOLLOW_UP].cell_texts() == [
        ["—", "2026-08-25", "tumour progression", "—", "—"]]
    end = view.tables[ClinicalKind.END_OF_TREATMENT]
    assert not end.add_button.isEnabled()  # one end of treatment per subject
    view.show_overview(demo["HCC-001"])
    assert end.add_button.isEnabled()
    assert end.empty.isVisible()


def test_every_list_sends_its_own_kind(qtbot, view, demo):
    overview = demo["HCC-001"]
    view.show_overview(overview)
    seen = _signals(view)
    expected = []
    for title, kind in (("Eligibility", ClinicalKind.ELIGIBILITY),
                        ("Eligibility", ClinicalKind.SCREENING),
                        ("Baseline", ClinicalKind.BASELINE),
                        ("Treatment", ClinicalKind.TREATMENT_SESSION),
                        ("Treatment", ClinicalKind.DOSE),
                        ("Adverse events", ClinicalKind.ADVERSE_EVENT),
                        ("End of treatment & follow-up", ClinicalKind.FOLLOW_UP)):
        view.show_tab(title)
        table = view.tables[kind]
        click_row(qtbot, table.table, 0)
        entry = table.selected_entry()
        assert entry is not None, kind
        qtbot.mouseClick(table.edit_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(table.delete_button, Qt.MouseButton.LeftButton)
        expected += [("edit", kind, entry), ("delete", kind, entry)]
    assert seen == expected
    assert seen[4][2] == overview.record.baseline.entry_id


def test_a_new_overview_keeps_the_tab_and_the_selection(qtbot, view, demo):
    view.show_overview(demo["HCC-001"])
    labs = _labs(view)
    click_row(qtbot, labs.table, 3)
    chosen = labs.selected_entry()
    view.show_overview(demo["HCC-001"])
    assert view.tabs.currentIndex() == TAB_TITLES.index("Labs")
    assert labs.selected_entry() == chosen


def test_the_timeline_tab_draws_the_subject_or_says_why_not(view, demo):
    view.show_overview(demo["HCC-001"])
    view.show_tab("Timeline")
    drawn = view.timeline.items()
    assert ("tace", "TACE 2", 46.0, 46.0) in drawn
    assert ("last_known_alive", "alive", 141.0, 141.0) in drawn
    assert view.timeline_stack.currentWidget() is view.timeline
    view.show_overview(clinical_overview(ClinicalRecord("HCC-009")))
    assert view.timeline_stack.currentWidget() is view.no_timeline
    assert view.no_timeline.text() == NO_TIMELINE
    assert view.header_text().splitlines()[1] == "screening not recorded · no data cut-off"


def test_an_empty_record_shows_every_list_empty_with_add_only(view):
    view.show_overview(clinical_overview(ClinicalRecord("HCC-009")))
    for kind, table in view.tables.items():
        assert table.rows == (), kind
        assert not table.edit_button.isEnabled()
        assert not table.delete_button.isEnabled()
        if kind is not ClinicalKind.LAB_EVENT_DISMISSAL:
            assert table.add_button.isEnabled(), kind
    assert "no lab value graded 1 or more" in view.header_text()
