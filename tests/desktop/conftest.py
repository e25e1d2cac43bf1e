"""The demo trial store, built once per test session; each test gets its own copy."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from core.actions.demo import build_demo_store
from core.phantom import PhantomSize
from core.store import ScryptParams
from desktop.demo_data import DEMO_STORE_FOLDER

# The store's reading helpers (a careful reader's calipers on the demo's truth).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "store"))

# scrypt at 1/32 of the default cost: the tests log in many times.
CHEAP_KDF = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture(scope="session")
def demo_store_template(tmp_path_factory: pytest.TempPathFactory,
                        small_demo_trial: Path) -> Path:
    """A data folder with the demo trial store at the small size (built once)."""
    root = tmp_path_factory.mktemp("demo-data")
    build_demo_store(root / DEMO_STORE_FOLDER, PhantomSize.SMALL, kdf=CHEAP_KDF,
                     phantom=small_demo_trial)
    return root


@pytest.fixture
def demo_data_dir(tmp_path: Path, demo_store_template: Path) -> Path:
    """A data folder of this test's own: the store copied, its images hard-linked."""
    def copy(source: str, target: str) -> None:
        if source.endswith((".sqlite", ".anchors", "-wal", "-shm")):
            shutil.copy2(source, target)
        else:
            os.link(source, target)

    target = tmp_path / "data"
    shutil.copytree(demo_store_template, target, copy_function=copy)
    return target


def window_strings(window: QWidget) -> list[str]:
    """Every text a window shows: title, labels, buttons, menus' actions, lists."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from widgets.worklist import WorklistView

    texts = [window.windowTitle()]
    texts += [label.text() for label in window.findChildren(QLabel)]
    texts += [button.text() for button in window.findChildren(QAbstractButton)]
    texts += [action.text() for action in window.findChildren(QAction)]
    for view in window.findChildren(WorklistView):
        texts += view.visible_texts()
    if isinstance(window, QMainWindow):
        texts.append(window.statusBar().currentMessage())
    return texts
