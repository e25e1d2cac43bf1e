"""Adjudication end to end, as the three radiologists use the station (issue #12).

The demo trial store, the real window offscreen. reader1 reads HCC-001 with the mouse as
the phantom's ground truth says; reader2 reads it the same way but, at week 6, drags T1's
viable diameter over 40 mm instead of the true 22 mm — within the lesion's 42 mm total, a
slip that turns the week-6 PR into SD and moves the first response. Both sign each
timepoint. The adjudicator logs in, finds HCC-001 in the queue with the first-response
trigger, opens it, sees both reads' calipers on the arterial phase, chooses the read that
follows the images, writes the rationale and signs. The store's final result must be the
chosen read's engine result, and the whole record must verify.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from reading_by_hand import open_window, read_subject_by_hand

from core.actions import final_results, open_adjudications
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.actions.safekeeping import verify_store
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from widgets.slice_viewer import CaliperStyle

SUBJECT = "HCC-001"
SLIP = {("Week 6", "T1", "viable"): 40.0}


@pytest.mark.slow
def test_discordant_reads_are_adjudicated_in_the_application(qtbot, demo_data_dir):
    read_subject_by_hand(qtbot, demo_data_dir, SUBJECT, login="reader1")
    read_subject_by_hand(qtbot, demo_data_dir, SUBJECT, login="reader2", stretch=SLIP)

    window = open_window(qtbot, demo_data_dir, "adjudicator")
    queue = window.queue
    assert queue.isVisible()
    rows = queue.rows()
    assert [row[0] for row in rows] == [SUBJECT]
    assert rows[0][1] == "Week 12"
    assert rows[0][3].startswith("first response: A ")  # the trigger, by letter only
    assert rows[0][2].endswith("min")  # how long it has waited
    queue.setFocus()
    qtbot.keyClick(queue, Qt.Key.Key_Return)
    screen = window.adjudication_screen
    assert screen is not None
    assert window.reading_view is None
    screen.show_timepoint("Week 6")
    qtbot.waitUntil(lambda: len(window.grid.viewers) == 4, timeout=30_000)
    arterial = window.grid.active_viewer
    assert arterial.volume.phase.value == "arterial"
    qtbot.waitUntil(lambda: arterial.calipers_shown >= 2, timeout=10_000)
    assert set(arterial._caliper_styles) == {CaliperStyle.READ_A, CaliperStyle.READ_B}
    compared = {what: differs for what, _a, _b, differs in screen.comparison.rows()}
    assert compared["T1"]
    assert compared["Overall"]

    # The read whose week 6 is a PR follows the images (T1's enhancing part is 22 mm).
    view = screen.view
    letter = "A" if view.result_a["timepoints"][1]["overall_response"] == "PR" else "B"
    chosen = view.result_a if letter == "A" else view.result_b
    button = screen.choose_a if letter == "A" else screen.choose_b
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))
    qtbot.keyClicks(screen.rationale, "Week 6 arterial phase: T1's enhancing part measures "
                                      "22 mm of a 42 mm lesion; the other read took the "
                                      "whole lesion for viable.")
    qtbot.keyClicks(screen.password, DEMO_PASSWORD)
    with qtbot.waitSignal(screen.decided, timeout=10_000):
        qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert f"read {letter} is final" in screen.status.text()
    assert queue.rows() == []
    window.close()

    with open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME) as store:
        coordinator = login(store, "coordinator", DEMO_PASSWORD)
        (final,) = final_results(store, coordinator)
        assert final.source == "adjudicated"
        assert final.result == chosen  # the chosen read's engine result, as shown
        assert open_adjudications(store, login(store, "adjudicator", DEMO_PASSWORD)) == ()
        checked = verify_store(store)
        assert checked.is_intact, checked
