"""A reader at the workstation, as a separate process the kill-and-restart test drives.

``python crash_reader.py draw DATA_DIR``: log in as reader1 on the demo store, open HCC-001
at baseline, add a target and drag its viable and total calipers with the mouse, print
``SAVED <kind> <length>`` as each save returns, start a third drag and, with the mouse
button still down, SIGKILL itself.

``python crash_reader.py reopen DATA_DIR``: start again, log in, and print as JSON where
the application landed, its undo stack and the calipers it shows.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "core" / "store"), str(HERE.parents[1])]

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from qt_input import drag, mouse  # noqa: E402
from store_demo_reading import demo_truth  # noqa: E402

from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME  # noqa: E402
from core.model.clinical import LesionCategory  # noqa: E402
from core.model.reading import MeasurementKind  # noqa: E402
from desktop.demo_data import DEMO_STORE_FOLDER  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.trial_session import TrialSession  # noqa: E402
from widgets.slice_viewer import SliceViewer  # noqa: E402


def _screen(viewer: SliceViewer, point_xyz) -> QPoint:
    rc = viewer.plane.to_pixel_rc(np.array(point_xyz, dtype=float))
    return viewer._graphics.mapFromScene(viewer.view_box.mapViewToScene(viewer.view_point_of(rc)))


def _settle(viewer: SliceViewer) -> None:
    """Wait until the viewport stops moving (layout and fitting), as a reader looks first."""
    seen: list[tuple[float, ...]] = []
    for _attempt in range(200):
        QTest.qWait(20)
        rect = viewer.view_box.viewRect()
        seen.append((rect.x(), rect.y(), rect.width(), rect.height()))
        if len(seen) >= 4 and len(set(seen[-4:])) == 1:
            return


def _logged_in_window(data_dir: Path) -> MainWindow:
    window = MainWindow((), interactive=False)
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.open_trial(TrialSession.open(data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME,
                                        demo=True))
    dialog = window.login_dialog
    assert dialog is not None
    dialog.login_field.clear()
    QTest.keyClicks(dialog.login_field, "reader1")
    QTest.keyClicks(dialog.password_field, DEMO_PASSWORD)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    return window


def draw(data_dir: Path) -> None:
    window = _logged_in_window(data_dir)
    entry = next(e for e in window.worklist.entries if e.subject == "HCC-001")
    window.open_worklist_timepoint(entry, entry.timepoints[0])
    view = window.reading_view
    assert view is not None
    tp = demo_truth()["HCC-001"][0]
    truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    lesion = view.add_lesion(LesionCategory.TARGET, truth["organ"])
    assert lesion is not None
    viewer = view.measuring_viewer
    assert viewer is not None
    viewer.set_slice(truth["slice_index"])
    _settle(viewer)
    for kind, key in ((MeasurementKind.TOTAL, "total"), (MeasurementKind.VIABLE, "viable")):
        view.start_measuring(lesion.lesion_id, kind)
        start, end = (_screen(viewer, p) for p in truth[f"{key}_endpoints_mm"])
        drag(viewer._graphics.viewport(), start, end)
        saved = view.reading.read.measurement(lesion.lesion_id, view.timepoint_id, kind)
        assert saved is not None, view.status.text()
        print(f"SAVED {kind.value} {saved.length_mm}", flush=True)
    # The reader is halfway through a third caliper when the machine dies.
    view.start_measuring(lesion.lesion_id, MeasurementKind.TOTAL)
    port = viewer._graphics.viewport()
    mouse(port, QEvent.Type.MouseButtonPress, QPoint(100, 100), Qt.MouseButton.LeftButton)
    for step in range(1, 5):
        QTest.qWait(15)
        mouse(port, QEvent.Type.MouseMove, QPoint(100 + 10 * step, 100),
              Qt.MouseButton.LeftButton)
    print("KILLING", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def reopen(data_dir: Path) -> None:
    window = _logged_in_window(data_dir)
    view = window.reading_view
    place = None if view is None else {
        "subject": view.reading.read.subject, "timepoint": view.timepoint_label,
        "undo_count": view.reading.undo_stack.count(),
        "calipers": sorted([m.kind.value, str(m.length_mm)] for m in view.reading.read
                           .measurements if m.timepoint_id == view.timepoint_id),
        "shown": view.measuring_viewer.calipers_shown if view.measuring_viewer else 0,
        "slice": view.measuring_viewer.current_slice if view.measuring_viewer else None}
    print(json.dumps({"place": place}), flush=True)
    window.close()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    {"draw": draw, "reopen": reopen}[sys.argv[1]](Path(sys.argv[2]))
