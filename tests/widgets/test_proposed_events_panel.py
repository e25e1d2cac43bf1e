"""The proposed adverse events (#13 item 4): confirm or dismiss a proposal, withdraw an
earlier dismissal, on the demo's HCC-002 (two lab episodes proposed) and hand-built
records."""

from __future__ import annotations

import datetime as dt

from clinical_records import TODAY, click_row, demo_store, hand_built
from PySide6.QtCore import Qt

from core.actions import record_lab_event_dismissal, subject_overview
from core.model.clinical_record import DismissedLabEvent
from widgets.proposed_events import EMPTY_TEXT, ProposedEventsPanel


def _panel(qtbot) -> ProposedEventsPanel:
    panel = ProposedEventsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _signals(panel: ProposedEventsPanel) -> list[tuple]:
    seen: list[tuple] = []
    panel.confirm_requested.connect(lambda p: seen.append(("confirm", p)))
    panel.dismiss_requested.connect(lambda p: seen.append(("dismiss", p)))
    panel.withdraw_requested.connect(lambda entry: seen.append(("withdraw", entry)))
    return seen


def test_confirming_a_proposal_emits_it(qtbot, demo_data_dir):
    with demo_store(demo_data_dir) as (store, session):
        overview = subject_overview(store, session, "HCC-002")
    panel = _panel(qtbot)
    panel.show_overview(overview)
    seen = _signals(panel)
    # Treatment-emergent only: platelets normal at baseline, AST worse than its grade 1.
    assert [p.term for p in panel.shown_proposals] == [
        "Platelet count decreased", "Aspartate aminotransferase increased"]
    texts = [[panel.proposals.item(r, c).text() for c in range(6)] for r in range(2)]
    assert texts[0] == ["HCC-002", "Platelet count decreased", "G1", "2026-03-01",
                        "2026-04-12", "2"]
    assert texts[1] == ["HCC-002", "Aspartate aminotransferase increased", "G2", "2026-04-12",
                        "2026-04-12", "1"]
    click_row(qtbot, panel.proposals, 0)
    assert panel.detail.text() == ("Selected: HCC-002: Platelet count decreased grade 1 "
                                   "from 2026-03-01 (2 samples)")
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert seen == [("confirm", overview.proposals[0])]
    qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert seen[1] == ("dismiss", overview.proposals[0])
    click_row(qtbot, panel.proposals, 1)
    qtbot.keyClick(panel.proposals, Qt.Key.Key_Return)
    qtbot.keyClick(panel.proposals, Qt.Key.Key_Delete)
    assert seen[2:] == [("confirm", overview.proposals[1]), ("dismiss", overview.proposals[1])]


def test_a_dismissal_is_listed_with_its_reason_and_withdrawn_by_its_id(qtbot, demo_data_dir):
    with demo_store(demo_data_dir) as (store, session):
        platelets = next(p for p in subject_overview(store, session, "HCC-002").proposals
                         if p.term == "Platelet count decreased")
        dismissed = record_lab_event_dismissal(store, session, "HCC-002", DismissedLabEvent(
            platelets.term, platelets.onset, "known hypersplenism, stable since screening",
            platelets.grade),
            today=TODAY)
        overview = subject_overview(store, session, "HCC-002")
    panel = _panel(qtbot)
    panel.show_overview(overview)
    seen = _signals(panel)
    assert [p.term for p in panel.shown_proposals] == ["Aspartate aminotransferase increased"]
    assert panel.dismissals.cell_texts() == [[
        "Platelet count decreased", "2026-03-01", "known hypersplenism, stable since screening"]]
    assert not panel.withdraw_button.isEnabled()
    click_row(qtbot, panel.dismissals.table, 0)
    assert panel.withdraw_button.isEnabled()
    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(panel.dismissals.table, Qt.Key.Key_Delete)
    assert seen == [("withdraw", dismissed.entry_id)] * 2
    # The list has no Add… nor Edit…: a dismissal is made from a proposal.
    qtbot.keyClick(panel.dismissals.table, Qt.Key.Key_Insert)
    qtbot.keyClick(panel.dismissals.table, Qt.Key.Key_F2)
    assert len(seen) == 2
    assert not panel.dismissals.add_button.isVisibleTo(panel)


def test_with_nothing_proposed_the_panel_says_so(qtbot):
    panel = _panel(qtbot)
    overview = hand_built(dismissal=True)  # its one grade-3 episode is dismissed
    panel.show_overview(overview)
    assert overview.proposals == ()
    assert panel.empty.isVisible()
    assert panel.empty.text() == EMPTY_TEXT == "No lab abnormality waits for a decision."
    assert not panel.proposals.isVisible()
    assert not panel.confirm_button.isVisible()
    seen = _signals(panel)
    panel.request_confirm()
    panel.request_dismiss()
    assert seen == []


def test_a_locked_dismissal_cannot_be_withdrawn(qtbot):
    overview = hand_built(dismissal=True)
    record = overview.record
    locked = type(record.dismissals[0])(record.dismissals[0].entry_id, record.subject,
                                        record.dismissals[0].value, True)
    panel = _panel(qtbot)
    panel.show_proposals((), (locked,), dt.date(2026, 3, 1))
    seen = _signals(panel)
    click_row(qtbot, panel.dismissals.table, 0)
    assert not panel.withdraw_button.isEnabled()
    qtbot.keyClick(panel.dismissals.table, Qt.Key.Key_Delete)
    assert seen == []
    assert panel.dismissals.table.item(0, 1).toolTip() == (
        "clumped sample, repeat normal\nlocked at the data cut-off 2026-03-01")


def test_a_grade_3_proposal_is_emphasised(qtbot):
    panel = _panel(qtbot)
    panel.show_overview(hand_built())
    (proposal,) = panel.shown_proposals
    assert (proposal.term, proposal.grade) == ("Platelet count decreased", 3)
    assert panel.proposals.item(0, 2).text() == "G3"
    assert panel.proposals.item(0, 2).font().bold()
    assert panel.selected_proposal() == proposal  # the first is selected to start with
