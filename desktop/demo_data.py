"""The demo trial in the user's data folder: created once, then reused.

``ensure_demo_store`` is what ``--demo`` opens: the complete demo trial store
(``core.actions.demo.build_demo_store``). ``ensure_demo_trial`` is the phantom studies alone,
for the viewer outside any trial (``--demo-studies``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from core.actions.demo import build_demo_store
from core.model.imaging import StudyRef
from core.phantom import PhantomSize, read_manifest, write_demo_trial
from core.phantom.study import GROUND_TRUTH_NAME
from core.progress import Progress

DATA_DIR_ENV = "MRECIST_DATA_DIR"
DEMO_FOLDER = "demo-trial"
DEMO_STORE_FOLDER = "demo-store"


def data_dir(override: Path | None = None) -> Path:
    """The workstation's data folder: *override*, ``$MRECIST_DATA_DIR``, or the OS default."""
    if override is not None:
        return override
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location))


def ensure_demo_trial(root: Path, progress: Progress | None = None) -> Path:
    """The demo trial folder under *root*, written first if absent or incomplete."""
    folder = root / DEMO_FOLDER
    if read_manifest(folder) is None:
        write_demo_trial(folder, PhantomSize.DEMO, progress)
    return folder


def ensure_demo_store(root: Path, progress: Progress | None = None,
                      size: PhantomSize = PhantomSize.DEMO) -> Path:
    """The demo trial store's file under *root*, built first if absent or incomplete."""
    return build_demo_store(root / DEMO_STORE_FOLDER, size, progress)


def first_target_level_mm(ref: StudyRef) -> float | None:
    """Patient z of the first target lesion in a demo study's ground truth, if known.

    The demo opens there, so a first look shows a tumour rather than the mid-abdomen.
    """
    try:
        truth = json.loads((ref.folder / GROUND_TRUTH_NAME).read_text())
    except (OSError, ValueError):
        return None
    targets = [les for les in truth.get("lesions", []) if les.get("role") == "target"]
    return float(targets[0]["slice_z_mm"]) if targets else None


def demo_studies(folder: Path) -> list[StudyRef]:
    """Every study of the demo trial at *folder*, from its manifest."""
    manifest = read_manifest(folder)
    if manifest is None:
        return []
    return [
        StudyRef(subject["subject"], tp["label"], dt.date.fromisoformat(tp["date"]),
                 folder / tp["folder"])
        for subject in manifest["subjects"]
        for tp in subject["timepoints"]
    ]
