"""Key images rendered off the GUI thread and filed for the caliper they show (#11 item 5)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

sys.path.append(str(Path(__file__).resolve().parents[1] / "core" / "store"))

from store_demo_reading import caliper, demo_truth, setup_demo
from store_trial import make_trial

from core.actions import my_tasks
from core.actions.key_images import key_image
from core.model.clinical import LesionCategory
from core.model.display import WindowLevel
from core.model.reading import Caliper, MeasurementKind
from desktop.key_images import CALIPER_COLOURS, KeyImageFiler, render_key_image
from desktop.reading_session import ReadingSession

TOTAL = MeasurementKind.TOTAL
WINDOW = WindowLevel(40, 400)


def test_the_key_image_is_the_slice_at_its_window_with_the_caliper_burned_in(qapp):
    pixels = np.full((64, 80), 40.0)  # the window's centre: mid grey
    drawn = Caliper((32.0, 10.0), (32.0, 50.0), (0.0, 0.0, 0.0), (40.0, 0.0, 0.0),
                    Decimal("40.00"), "1.2.3")
    png = render_key_image(pixels, WINDOW, drawn, TOTAL, "T1 total")
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (80, 64)
    on_line = QColor(image.pixel(30, 32))
    assert (on_line.red(), on_line.green(), on_line.blue()) == CALIPER_COLOURS[TOTAL].getRgb()[:3]
    background = QColor(image.pixel(70, 60))
    assert background.red() == background.green() == background.blue()
    assert abs(background.red() - 127) <= 1


@pytest.fixture
def saved(tmp_path, qapp):
    trial = make_trial(tmp_path / "trial.sqlite")
    setup_demo(trial.store, trial.admin, ("HCC-001",))
    task = next(t for t in my_tasks(trial.store, trial.reader1) if t.subject == "HCC-001")
    session = ReadingSession(trial.store, trial.reader1, task.task_id)
    tp = demo_truth()["HCC-001"][0]
    timepoint_id = session.read.timepoint(tp.label).timepoint_id
    truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    lesion = session.add_lesion(timepoint_id, LesionCategory.TARGET, truth["organ"])
    drawn = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id)[3]
    session.save_caliper(lesion.lesion_id, timepoint_id, TOTAL, drawn)
    yield trial, session, tp, truth, lesion, timepoint_id, drawn
    trial.store.close()


def test_a_saved_caliper_gets_its_key_image_filed_after_the_save(qtbot, saved):
    trial, _, _, _, lesion, timepoint_id, drawn = saved
    filer = KeyImageFiler(trial.store, trial.reader1)
    with qtbot.waitSignal(filer.filed, timeout=10_000) as filed:
        filer.request(lesion.lesion_id, timepoint_id, TOTAL, drawn, np.zeros((128, 128)),
                      WINDOW, "T1 total")
    kept = filed.args[0]
    assert (trial.path.parent / kept.path).is_file()
    assert key_image(trial.store, trial.reader1, lesion.lesion_id, timepoint_id, TOTAL) == kept


def test_a_render_of_a_caliper_moved_meanwhile_is_dropped_quietly(qtbot, saved):
    trial, session, tp, truth, lesion, timepoint_id, drawn = saved
    filer = KeyImageFiler(trial.store, trial.reader1)
    failures: list[str] = []
    filer.failed.connect(failures.append)
    filed: list[object] = []
    filer.filed.connect(filed.append)
    filer.request(lesion.lesion_id, timepoint_id, TOTAL, drawn, np.zeros((128, 128)),
                  WINDOW, "T1 total")
    moved = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id,
                    length_mm=float(drawn.length_mm) + 3)[3]
    session.save_caliper(lesion.lesion_id, timepoint_id, TOTAL, moved)  # before it returns
    assert filer.wait()
    qtbot.wait(100)  # deliver the render's result
    assert (filed, failures) == ([], [])
    assert key_image(trial.store, trial.reader1, lesion.lesion_id, timepoint_id, TOTAL) is None
