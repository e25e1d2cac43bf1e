"""Review: a signed timepoint cannot be changed from the reading view; an amended one can."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from test_reading_view import draw
from test_trial_login import store_path

from core.actions import get_read, list_series, my_tasks
from core.actions.demo import DEMO_PASSWORD
from core.dicom import scan
from core.dicom.study import load_phases
from core.model.reading import MeasurementKind, TimepointStatus
from core.store import login, open_store
from desktop.reading_view import ReadingView

TOTAL = MeasurementKind.TOTAL


@pytest.fixture
def signed_baseline(qtbot, demo_data_dir, monkeypatch):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    store = open_store(store_path(demo_data_dir))
    reader = login(store, "reader1", DEMO_PASSWORD)
    store_demo_reading.read_subject(store, reader, "HCC-001", upto=1)
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-001")
    baseline = get_read(store, reader, task.task_id).timepoints[0]
    assert baseline.status is TimepointStatus.SIGNED
    folders = [store.path.parent / s.location for s in
               list_series(store, reader, task.task_id, baseline.timepoint_id)]
    widget = ReadingView(store, reader, task.task_id, baseline.timepoint_id,
                         confirm_phase=lambda _p: True, load_in_background=False)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_volumes(load_phases(scan(folders)))
    yield widget, store, reader
    widget.key_images.wait()
    qtbot.wait(50)
    store.close()


def _first_total(widget):
    read = widget.reading.read
    return next(m for m in read.measurements
                if m.kind is TOTAL and m.timepoint_id == widget.timepoint_id)


def _pull_end(qtbot, widget, measurement, shared=True):
    """Grab an end of *measurement* and pull it outwards: the end it shares with the
    lesion's viable caliper (*shared*), else the other one."""
    viewer = widget.measuring_viewer
    viewer.set_slice(viewer.volume.sop_instance_uids.index(measurement.caliper.sop_instance_uid))
    viable = widget.reading.read.measurement(measurement.lesion_id, measurement.timepoint_id,
                                             MeasurementKind.VIABLE)
    ends = [np.array(measurement.caliper.start_xyz), np.array(measurement.caliper.end_xyz)]
    near = [min(np.linalg.norm(e - np.array(v)) for v in (viable.caliper.start_xyz,
                                                       viable.caliper.end_xyz))
            for e in ends]
    grab = int(np.argmin(near)) if shared else int(np.argmax(near))
    end, other = ends[grab], ends[1 - grab]
    draw(viewer, end, end + (end - other) * 0.3)


def test_nothing_changes_a_signed_timepoint(qtbot, signed_baseline):
    widget, store, reader = signed_baseline
    before = get_read(store, reader, widget.reading.task_id)
    total = _first_total(widget)
    widget.lesions.select(total.lesion_id)
    _pull_end(qtbot, widget, total)
    tree = widget.lesions.tree
    for key, mods in ((Qt.Key.Key_0, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
                      (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                      (Qt.Key.Key_V, Qt.KeyboardModifier.NoModifier)):
        qtbot.keyClick(tree, key, mods)
    assert not widget.measuring_viewer.is_measuring
    assert get_read(store, reader, widget.reading.task_id) == before


def test_after_an_amendment_an_end_can_be_moved_again(qtbot, signed_baseline):
    widget, store, reader = signed_baseline
    widget.amend()
    dialog = widget.amend_dialog
    qtbot.keyClicks(dialog.reason_field, "T1 re-measured")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert widget.is_editable
    total = _first_total(widget)
    qtbot.wait(200)  # the panels settle after the amendment
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        _pull_end(qtbot, widget, total, shared=False)
    moved = get_read(store, reader, widget.reading.task_id).measurement(
        total.lesion_id, widget.timepoint_id, TOTAL)
    assert moved.length_mm > total.length_mm

