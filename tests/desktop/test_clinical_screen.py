"""The coordinator's clinical record in the application (issue #13 item 4), on the real demo
store, driven by keys and clicks: the board opens a subject's record; a lab typed in is
recorded and graded; an edit and a deletion ask their reason, which the audit keeps; a
proposed adverse event is confirmed with its relatedness or dismissed with a reason; the
data cut-off locks what it covers; a refusal of the store keeps the form open."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.actions import clinical_record, subject_overview
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.model.clinical_record import AeAction, ClinicalKind, Relatedness
from core.store import login, open_store
from core.store.integrity import check_store
from desktop.coordinator_screen import CoordinatorScreen
from desktop.demo_data import DEMO_STORE_FOLDER
from widgets.adverse_event_form import AdverseEventForm
from widgets.change_reason_dialog import ChangeReasonDialog
from widgets.cut_off_dialog import CutOffDialog
from widgets.dismiss_dialog import DismissDialog
from widgets.lab_entry_form import LabEntryForm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "widgets"))
from clinical_records import click_row
from clinical_typing import answer, choose, type_into

LEFT = Qt.MouseButton.LeftButton
TODAY = dt.date(2026, 12, 1)  # after every demo date


@pytest.fixture
def store(demo_data_dir):
    opened = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    yield opened
    opened.close()
    with open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME) as again:
        found = check_store(again)
    assert found.is_intact, [str(d) for d in found.discrepancies]


@pytest.fixture
def screen(qtbot, store):
    session = login(store, "coordinator", DEMO_PASSWORD)
    made = CoordinatorScreen(store, session)
    made.clinical.today = TODAY
    qtbot.addWidget(made)
    made.resize(1400, 860)
    made.show()
    qtbot.waitExposed(made)
    return made


def _open_subject(qtbot, screen, code: str) -> None:
    board = screen.board
    click_row(qtbot, board.grid, board.row_of(code), 0)
    qtbot.mouseClick(board.clinical_button, LEFT)
    assert screen.pages.currentWidget() is screen.clinical
    assert screen.clinical.subject == code


def _tab(qtbot, screen, title: str):
    view = screen.clinical.view
    view.show_tab(title)
    qtbot.wait(10)
    return view


def _audit(store, entity):
    return [json.loads(row["after_json"] or "null") for row in store._rows(
        "SELECT after_json FROM audit WHERE entity = ? ORDER BY id", (entity,))]


def _coordinator(store):
    return login(store, "coordinator", DEMO_PASSWORD)


def test_the_board_opens_the_selected_subjects_clinical_record(qtbot, screen):
    _open_subject(qtbot, screen, "HCC-003")
    assert screen.clinical.view.header_text().startswith("HCC-003")
    assert screen.clinical.subject_box.currentText() == "HCC-003"


def test_a_lab_typed_in_is_recorded_graded_and_a_duplicate_keeps_the_form_open(
        qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-001")
    view = _tab(qtbot, screen, "Labs")
    labs = view.tables[ClinicalKind.LAB]
    labs.table.setFocus()
    qtbot.keyClick(labs.table, Qt.Key.Key_Insert)
    form = screen.clinical.dialog
    assert isinstance(form, LabEntryForm)
    qtbot.waitExposed(form)
    choose(qtbot, form.test, "PLAT · Platelets")
    type_into(qtbot, form.visit_date, "2026-06-01")
    type_into(qtbot, form.lab_value, "49.9")
    type_into(qtbot, form.lln, "125")
    type_into(qtbot, form.uln, "350")
    assert "Grade 3" in form.grade.text()
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: screen.clinical.dialog is None)
    recorded = [e.value for e in clinical_record(store, _coordinator(store), "HCC-001").labs
                if e.value.visit_date == dt.date(2026, 6, 1)]
    assert [(lab.test_code, str(lab.value)) for lab in recorded] == [("PLAT", "49.9")]
    assert any("2026-06-01" in row and "grade 3" in " ".join(row).lower()
               for row in labs.cell_texts())
    # The same test on the same day again: the store refuses, the form says so and stays.
    qtbot.keyClick(labs.table, Qt.Key.Key_Insert)
    again = screen.clinical.dialog
    choose(qtbot, again.test, "PLAT · Platelets")
    type_into(qtbot, again.visit_date, "2026-06-01")
    type_into(qtbot, again.lab_value, "51")
    qtbot.mouseClick(again.ok_button, LEFT)
    assert screen.clinical.dialog is again
    assert again.isVisible()
    assert "already recorded" in again.refusal.text()


def test_an_edit_asks_the_reason_and_the_audit_keeps_old_new_and_reason(qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-002")
    view = _tab(qtbot, screen, "Labs")
    labs = view.tables[ClinicalKind.LAB]
    row = next(n for n, cells in enumerate(labs.cell_texts()) if "PLAT" in " ".join(cells)
               and "109" in " ".join(cells))
    click_row(qtbot, labs.table, row)
    qtbot.keyClick(labs.table, Qt.Key.Key_F2)
    form = screen.clinical.dialog
    assert isinstance(form, LabEntryForm)
    type_into(qtbot, form.lab_value, "110")
    qtbot.mouseClick(form.ok_button, LEFT)
    reason = screen.clinical.dialog
    assert isinstance(reason, ChangeReasonDialog)
    assert "value: 109 → 110" in reason.changes.text()
    assert not reason.ok_button.isEnabled()
    qtbot.keyClicks(reason.reason_field, "transcription error, lab report rechecked")
    qtbot.mouseClick(reason.ok_button, LEFT)
    qtbot.waitUntil(lambda: screen.clinical.dialog is None)
    after = _audit(store, "lab")[-1]
    assert after["value"] == "110"
    assert after["change_reason"] == "transcription error, lab report rechecked"
    assert "changed" in screen.clinical.message.text() or "done" in screen.clinical.message.text()


def test_a_deletion_asks_its_reason_first(qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-003")
    view = _tab(qtbot, screen, "Adverse events")
    events = view.tables[ClinicalKind.ADVERSE_EVENT]
    before = len(clinical_record(store, _coordinator(store), "HCC-003").adverse_events)
    click_row(qtbot, events.table, 0)
    qtbot.keyClick(events.table, Qt.Key.Key_Delete)
    dialog = screen.clinical.dialog
    assert isinstance(dialog, ChangeReasonDialog)
    assert dialog.deleting
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # cancelled: nothing removed
    assert len(clinical_record(store, _coordinator(store), "HCC-003").adverse_events) == before
    qtbot.keyClick(events.table, Qt.Key.Key_Delete)
    dialog = screen.clinical.dialog
    qtbot.keyClicks(dialog.reason_field, "entered for the wrong subject")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert len(clinical_record(store, _coordinator(store), "HCC-003").adverse_events) == \
        before - 1


def test_a_proposal_is_confirmed_with_its_relatedness(qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-003")
    view = _tab(qtbot, screen, "Proposed AEs")
    panel = view.proposed
    (proposal,) = panel.shown_proposals
    assert proposal.term == "Aspartate aminotransferase increased"
    click_row(qtbot, panel.proposals, 0)
    qtbot.mouseClick(panel.confirm_button, LEFT)
    form = screen.clinical.dialog
    assert isinstance(form, AdverseEventForm)
    assert form.term.input.text() == proposal.term
    answer(qtbot, form.serious, False)
    for cause in form.causes:
        choose(qtbot, form.relatedness[cause], "Possibly related" if cause == "anlotinib"
               else "Not related")
    choose(qtbot, form.action, "Dose not changed")
    choose(qtbot, form.outcome, "Recovering / resolving")
    qtbot.mouseClick(form.ok_button, LEFT)
    qtbot.waitUntil(lambda: screen.clinical.dialog is None)
    recorded = [e.value for e in clinical_record(store, _coordinator(store),
                                                 "HCC-003").adverse_events
                if e.value.term == proposal.term]
    assert len(recorded) == 1
    assert dict(recorded[0].relatedness)["anlotinib"] is Relatedness.POSSIBLE
    assert recorded[0].action is AeAction.DOSE_NOT_CHANGED
    assert panel.shown_proposals == ()


def test_a_proposal_dismissed_with_a_reason_is_listed_and_withdrawn(qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-002")
    view = _tab(qtbot, screen, "Proposed AEs")
    panel = view.proposed
    assert [p.term for p in panel.shown_proposals] == [
        "Platelet count decreased", "Aspartate aminotransferase increased"]
    click_row(qtbot, panel.proposals, 0)
    qtbot.keyClick(panel.proposals, Qt.Key.Key_Delete)
    dialog = screen.clinical.dialog
    assert isinstance(dialog, DismissDialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.reason_field, "hypersplenism known before treatment")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert [p.term for p in panel.shown_proposals] == ["Aspartate aminotransferase increased"]
    assert panel.dismissals.cell_texts()[0][2] == "hypersplenism known before treatment"
    click_row(qtbot, panel.dismissals.table, 0)
    qtbot.mouseClick(panel.withdraw_button, LEFT)
    dialog = screen.clinical.dialog
    assert isinstance(dialog, ChangeReasonDialog)
    qtbot.keyClicks(dialog.reason_field, "reconsidered with the investigator: an AE")
    qtbot.mouseClick(dialog.ok_button, LEFT)
    assert len(panel.shown_proposals) == 2
    # The removal's audit row keeps only the reason; the dismissal's values are in the row
    # that created it.
    assert _audit(store, "lab_event_dismissal")[-1] == {
        "change_reason": "reconsidered with the investigator: an AE"}


def test_the_cut_off_locks_what_it_covers_and_the_view_offers_no_change(qtbot, screen, store):
    _open_subject(qtbot, screen, "HCC-001")
    qtbot.mouseClick(screen.clinical.lock_button, LEFT)
    dialog = screen.clinical.dialog
    assert isinstance(dialog, CutOffDialog)
    dialog.date_field.selectAll()
    qtbot.keyClicks(dialog.date_field, "2099-01-01")
    assert not dialog.ok_button.isEnabled()
    assert "after today" in dialog.message.text()
    dialog.date_field.selectAll()
    cut_off = subject_overview(store, _coordinator(store), "HCC-001").record.labs[0]
    day = cut_off.value.visit_date
    qtbot.keyClicks(dialog.date_field, day.isoformat())
    qtbot.mouseClick(dialog.ok_button, LEFT)
    record = clinical_record(store, _coordinator(store), "HCC-001")
    assert record.cut_off_date == day
    assert record.labs[0].is_locked
    view = _tab(qtbot, screen, "Labs")
    labs = view.tables[ClinicalKind.LAB]
    click_row(qtbot, labs.table, labs.row_of(record.labs[0].entry_id))
    assert not labs.edit_button.isEnabled()
    assert not labs.delete_button.isEnabled()
    qtbot.keyClick(labs.table, Qt.Key.Key_F2)
    assert screen.clinical.dialog is None


def test_screenshot_of_the_clinical_record_in_the_coordinators_screen(qtbot, screen,
                                                                     tmp_path):
    """docs/screenshots/clinical-screen.png with MRECIST_WRITE_SCREENSHOTS=1."""
    import os

    _open_subject(qtbot, screen, "HCC-002")
    _tab(qtbot, screen, "Labs")
    folder = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
              if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path)
    path = folder / "clinical-screen.png"
    assert screen.grab().save(str(path))
    assert path.stat().st_size > 10_000
