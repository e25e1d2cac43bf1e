"""The reading view, first step: a caliper committed on the arterial viewport is saved
through the session, shown in the lesion and response panels, and its key image filed (#11)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from store_demo_reading import demo_truth

from core.actions import get_read, list_series, my_tasks
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.actions.key_images import key_image
from core.dicom import scan
from core.dicom.study import load_phases
from core.model.clinical import LesionCategory
from core.model.reading import MeasurementKind
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.reading_view import ReadingView

VIABLE = MeasurementKind.VIABLE


@pytest.fixture
def view(qtbot, demo_data_dir):
    store = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    reader = login(store, "reader1", DEMO_PASSWORD)
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-001")
    read = get_read(store, reader, task.task_id)
    tp = demo_truth()["HCC-001"][0]
    timepoint = read.timepoint(tp.label)
    folders = [store.path.parent / series.location for series in
               list_series(store, reader, task.task_id, timepoint.timepoint_id)]
    volumes = load_phases(scan(folders))
    widget = ReadingView(store, reader, task.task_id, timepoint.timepoint_id)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_volumes(volumes)
    yield widget, store, reader, tp
    widget.key_images.wait()
    qtbot.wait(50)  # deliver the last render to the GUI thread before the store closes
    store.close()


def test_a_viable_caliper_is_saved_shown_and_its_key_image_filed(qtbot, view):
    widget, store, reader, tp = view
    truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    assert lesion is not None
    viewer = widget.measuring_viewer
    assert viewer is not None
    assert viewer.volume.phase.value == "arterial"
    viewer.set_slice(truth["slice_index"])
    plane = viewer.plane
    start_rc, end_rc = (plane.to_pixel_rc(np.array(point, dtype=float))
                        for point in truth["viable_endpoints_mm"])
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_V)  # the selected lesion, viable
    assert viewer.is_measuring
    # The viewer's own caliper, as a drag between these points commits it (the drag itself
    # on screen is tested in tests/widgets/test_slice_viewer_geometry.py; inside this view
    # the simulated drag is not yet delivered offscreen — the next step of #11).
    with qtbot.waitSignal(widget.reading.changed, timeout=5000):
        viewer.caliper_committed.emit(viewer.measure(start_rc, end_rc))
    saved = get_read(store, reader, widget.reading.task_id).measurement(
        lesion.lesion_id, widget.timepoint_id, VIABLE)
    assert saved is not None
    # Within 1.5 pixels of the phantom's truth (issue #11, "Done when").
    spacing = min(abs(value) for value in plane.pixel_spacing_mm)
    assert abs(float(saved.length_mm) - truth["viable_longest_diameter_mm"]) <= 1.5 * spacing
    row = widget.lesions.rows()[0]
    assert row[0] == lesion.label
    assert row[2] == f"{saved.length_mm} mm"
    assert not viewer.is_measuring  # one caliper per choice of tool
    assert widget.status.text() == f"Saved: {saved.length_mm} mm"
    # The key image follows the save, off the GUI thread.
    qtbot.waitUntil(lambda: key_image(store, reader, lesion.lesion_id, widget.timepoint_id,
                                      VIABLE) is not None, timeout=10_000)
