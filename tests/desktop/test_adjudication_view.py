"""The adjudication view on a real discordant subject (#12 items 1-2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from test_trial_login import store_path

from core.actions import final_results, open_adjudications
from core.actions.demo import DEMO_PASSWORD
from core.store import login, open_store
from desktop.adjudication_view import AdjudicationScreen
from widgets.slice_viewer import CaliperStyle

# reader2 misses T1's response at week 6 (viable 40 mm instead of 22): first response
# differs, as tests/core/store/test_store_end_to_end.py sets it up.
MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}


@pytest.fixture
def discordant(demo_data_dir, monkeypatch):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    store = open_store(store_path(demo_data_dir))
    reader1 = login(store, "reader1", DEMO_PASSWORD)
    reader2 = login(store, "reader2", DEMO_PASSWORD)
    store_demo_reading.read_subject(store, reader1, "HCC-001")
    store_demo_reading.read_subject(store, reader2, "HCC-001", MISSED_RESPONSE)
    adjudicator = login(store, "adjudicator", DEMO_PASSWORD)
    (task,) = open_adjudications(store, adjudicator)
    yield store, adjudicator, task
    store.close()


@pytest.fixture
def screen(qtbot, discordant):
    store, adjudicator, task = discordant
    widget = AdjudicationScreen(store, adjudicator, task.adjudication_id,
                                load_in_background=False)
    qtbot.addWidget(widget)
    widget.resize(1500, 950)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_both_reads_are_drawn_in_their_colours_and_compared(qtbot, screen):
    assert screen.current_label == "Week 12"  # opens at the cycle's end
    screen.show_timepoint("Week 6")
    arterial = screen.grid.active_viewer
    assert arterial.volume.phase.value == "arterial"
    assert set(arterial._caliper_styles) == {CaliperStyle.READ_A, CaliperStyle.READ_B}
    assert {label.split()[0] for label in arterial._caliper_labels} == {"A", "B"}
    assert arterial.calipers_shown >= 2  # both reads' calipers on this slice
    rows = {what: (a, b, differs) for what, a, b, differs in screen.comparison.rows()}
    assert rows["T1"][2]  # 22 mm against 40 mm
    assert rows["Overall"][2]  # PR against SD at week 6
    assert not rows["T2"][2]
    assert "first response" in screen.comparison.heading.text()  # fired here
    screen.show_b.setChecked(False)
    assert set(arterial._caliper_styles) == {CaliperStyle.READ_A}


def test_the_decision_needs_a_choice_a_rationale_and_the_password(qtbot, screen, discordant):
    store, adjudicator, _task = discordant
    assert not screen.sign_button.isEnabled()
    responder = "A" if screen.view.result_a["timepoints"][1]["overall_response"] == "PR" \
        else "B"
    button = screen.choose_a if responder == "A" else screen.choose_b
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, button.height() // 2))  # on its round button
    assert button.isChecked()
    qtbot.keyClicks(screen.rationale, "Week 6 arterial: T1's enhancing part is 22 mm.")
    assert not screen.sign_button.isEnabled()  # no password yet
    qtbot.keyClicks(screen.password, "not my password")
    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    assert "password does not match" in screen.status.text()
    assert open_adjudications(store, adjudicator)  # still open
    qtbot.keyClicks(screen.password, DEMO_PASSWORD)
    with qtbot.waitSignal(screen.decided, timeout=5000):
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    chosen = screen.view.result_a if responder == "A" else screen.view.result_b
    assert f"read {responder} is final" in screen.status.text()
    (final,) = final_results(store, login(store, "coordinator", DEMO_PASSWORD))
    assert final.result["best_overall_response"] == chosen["best_overall_response"]
    assert open_adjudications(store, adjudicator) == ()


@pytest.mark.parametrize("login_name", ["reader1", "reader2", "coordinator", "admin"])
def test_no_other_role_opens_the_adjudication_view(qtbot, discordant, login_name):
    from core.errors import PermissionDeniedError

    store, _adjudicator, task = discordant
    other = login(store, login_name, DEMO_PASSWORD)
    with pytest.raises(PermissionDeniedError):
        AdjudicationScreen(store, other, task.adjudication_id, load_in_background=False)


def test_images_load_off_the_gui_thread_with_a_progress_bar(qtbot, discordant):
    store, adjudicator, task = discordant
    widget = AdjudicationScreen(store, adjudicator, task.adjudication_id)
    qtbot.addWidget(widget)
    widget.show()
    assert widget._load is not None  # the cycle's last timepoint is loading
    assert widget.progress.isVisibleTo(widget)
    qtbot.waitUntil(lambda: widget._load is None, timeout=30_000)
    assert not widget.progress.isVisibleTo(widget)
    assert len(widget.grid.viewers) == 4
    widget.close()


def test_a_later_cycle_shows_the_earlier_decision_read_only(qtbot, demo_data_dir, monkeypatch):
    import store_demo_reading

    from core.actions import adjudicate, earlier_decisions, get_adjudication

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    with open_store(store_path(demo_data_dir)) as store:
        reader1 = login(store, "reader1", DEMO_PASSWORD)
        reader2 = login(store, "reader2", DEMO_PASSWORD)
        adjudicator = login(store, "adjudicator", DEMO_PASSWORD)
        for reader, slip in ((reader1, None), (reader2, MISSED_RESPONSE)):
            store_demo_reading.read_subject(store, reader, "HCC-001", slip, upto=2)
        (first,) = open_adjudications(store, adjudicator)
        assert first.through_label == "Week 6"
        view = get_adjudication(store, adjudicator, first.adjudication_id)
        letter = "A" if view.result_a["timepoints"][1]["overall_response"] == "PR" else "B"
        adjudicate(store, adjudicator, first.adjudication_id, letter,
                   "Week 6: T1's enhancing part is 22 mm.", DEMO_PASSWORD)
        for reader, slip in ((reader1, None), (reader2, MISSED_RESPONSE)):
            store_demo_reading.read_subject(store, reader, "HCC-001", slip)
        (later,) = open_adjudications(store, adjudicator)
        assert later.through_label == "Week 12"
        (earlier,) = earlier_decisions(store, adjudicator, later.adjudication_id)
        assert (earlier.through_label, earlier.chosen) == ("Week 6", letter)
        widget = AdjudicationScreen(store, adjudicator, later.adjudication_id,
                                    load_in_background=False)
        qtbot.addWidget(widget)
        widget.show()
        assert widget.earlier.isVisible()
        assert f"through <b>Week 6</b> read <b>{letter}</b>" in widget.earlier.text()
        assert "22 mm" in widget.earlier.text()
        widget.close()
