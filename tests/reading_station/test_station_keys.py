"""Review: the reading keys in the wrong context — no images yet, no arterial phase, a
layout that hides the arterial viewport."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from test_reading_view import _target, on_screen

from core.actions import get_read, list_series, my_tasks
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.dicom import scan
from core.dicom.study import load_phases
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER
from desktop.reading_view import ReadingView

NONE, CTRL = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier
KEYS = [*((getattr(Qt.Key, f"Key_{name}"), NONE)
          for name in ("V", "T", "S", "0", "A", "G", "N", "Return", "Escape")),
        (Qt.Key.Key_Z, CTRL), (Qt.Key.Key_Return, CTRL)]


@pytest.fixture
def bare(qtbot, demo_data_dir):
    """A reading view of HCC-001's baseline, and the timepoint's volumes (not shown)."""
    store = open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    reader = login(store, "reader1", DEMO_PASSWORD)
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-001")
    timepoint = get_read(store, reader, task.task_id).timepoints[0]
    folders = [store.path.parent / s.location for s in
               list_series(store, reader, task.task_id, timepoint.timepoint_id)]
    widget = ReadingView(store, reader, task.task_id, timepoint.timepoint_id,
                         confirm_phase=lambda _phase: False, load_in_background=False)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget, store, reader, load_phases(scan(folders))
    widget.key_images.wait()
    qtbot.wait(50)
    store.close()


def _press_all(qtbot, widget):
    for key, modifiers in KEYS:
        qtbot.keyClick(widget.lesions.tree, key, modifiers)


def test_every_reading_key_before_the_images_have_loaded(qtbot, bare):
    widget, store, reader, _volumes = bare
    widget.add_lesion(LesionCategory.TARGET, "liver")
    _press_all(qtbot, widget)  # an exception in a slot fails the test (pytest-qt)
    assert get_read(store, reader, widget.reading.task_id).measurements == ()


def test_every_reading_key_without_an_arterial_phase(qtbot, bare):
    widget, store, reader, volumes = bare
    widget.set_volumes([v for v in volumes if v.phase is not Phase.ARTERIAL])
    widget.add_lesion(LesionCategory.TARGET, "liver")
    _press_all(qtbot, widget)
    assert get_read(store, reader, widget.reading.task_id).measurements == ()


def test_a_suggestion_is_not_kept_unseen_on_a_hidden_arterial_viewport(qtbot, bare):
    """Layout 1 × 1 on the portal venous phase: A proposes on the arterial viewport the
    reader cannot see, and Enter records both diameters without their ever being shown."""
    from store_demo_reading import demo_truth

    widget, store, reader, volumes = bare
    widget.set_volumes(volumes)
    truth = _target(demo_truth()["HCC-001"][0])
    lesion = widget.add_lesion(LesionCategory.TARGET, truth["organ"])
    arterial = widget.measuring_viewer
    arterial.set_slice(truth["slice_index"])
    centre = np.mean(np.array(truth["viable_endpoints_mm"], dtype=float), axis=0)
    qtbot.mouseClick(arterial._graphics.viewport(), Qt.MouseButton.LeftButton,
                     pos=on_screen(arterial, centre))
    widget.grid.set_layout(1, 1)
    venous = next(v for v in widget.grid.viewers if v.volume.phase is Phase.PORTAL_VENOUS)
    widget.grid.set_active(widget.grid.viewers.index(venous))
    qtbot.wait(20)
    assert not arterial.isVisible()
    assert venous.isVisible()
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_A)
    if widget.suggested:
        assert arterial.isVisible(), "the proposal is drawn on a viewport that is not shown"
    qtbot.keyClick(widget.lesions.tree, Qt.Key.Key_Return)
    saved = get_read(store, reader, widget.reading.task_id).measurements
    assert saved == () or arterial.isVisible(), (
        f"{len(saved)} calipers of {lesion.label} recorded, none ever on screen")
