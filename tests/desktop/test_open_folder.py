"""A study folder opened from disk is dated by its images, never by the calendar."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pydicom
import pytest
from PySide6.QtWidgets import QLabel

from desktop.main_window import MainWindow, dicom_date, study_caption
from desktop.presets import load_window_presets

LOAD_TIMEOUT_MS = 120_000


def _window(qtbot, interactive: bool) -> MainWindow:
    window = MainWindow(load_window_presets(), interactive=interactive)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _captions(window: MainWindow, subject: str) -> set[str]:
    """The subject/timepoint caption in each viewer's corner, as the reader sees it."""
    return {label.text() for viewer in window.grid.viewers
            for label in viewer.findChildren(QLabel) if label.text().startswith(subject)}


def _opened(qtbot, folder: Path, interactive: bool) -> MainWindow:
    window = _window(qtbot, interactive)
    assert window.open_folder(folder)
    qtbot.waitUntil(lambda: not window.is_loading, timeout=LOAD_TIMEOUT_MS)
    assert len(window.grid.viewers) == 4
    return window


@pytest.mark.parametrize("interactive", [False, True], ids=["at-once", "background"])
def test_an_opened_folder_shows_its_studys_own_date(qtbot, small_ct_study, interactive):
    study_date = small_ct_study.ground_truth["study_date"]  # as the phantom wrote it
    assert study_date != dt.date.today().isoformat()
    window = _opened(qtbot, small_ct_study.folder, interactive)
    name = small_ct_study.folder.name
    assert _captions(window, name) == {f"{name}<br>Study · {study_date}"}
    assert window.windowTitle().endswith(f"{name} — Study")


@pytest.mark.parametrize("interactive", [False, True], ids=["at-once", "background"])
def test_a_folder_whose_images_carry_no_date_shows_none(qtbot, small_ct_study, tmp_path,
                                                        interactive):
    folder = tmp_path / "deidentified"
    shutil.copytree(small_ct_study.dicom_folder, folder)
    for path in folder.iterdir():  # real files, StudyDate emptied as de-identifying does
        ds = pydicom.dcmread(path)
        ds.StudyDate = ""
        ds.save_as(path)
    window = _opened(qtbot, folder, interactive)
    assert _captions(window, "deidentified") == {"deidentified<br>Study"}


def test_a_study_date_is_read_as_dicom_writes_it():
    assert dicom_date("20260119") == dt.date(2026, 1, 19)
    assert dicom_date(" 20260119 ") == dt.date(2026, 1, 19)  # DA is padded to even length
    assert [dicom_date(v) for v in ("", "2026119", "2026-01-19", "20261301")] == [None] * 4
    assert study_caption("HCC-002", "Baseline", dt.date(2026, 1, 19)) == \
        "HCC-002\nBaseline · 2026-01-19"
    assert study_caption("HCC-002", "", None) == "HCC-002\n"
