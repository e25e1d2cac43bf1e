"""Shared fixtures: real phantom DICOM files, written once per test session."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from core.actions.demo import build_demo_store
from core.model.imaging import Modality
from core.phantom import (
    PhantomSize,
    WrittenStudy,
    demo_scenarios,
    write_demo_trial,
    write_study,
)
from core.phantom.demo import scenario_study_spec
from core.store import ScryptParams


def pytest_configure(config: pytest.Config) -> None:
    """Tests never need a screen: Qt renders offscreen (set before any test imports Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The workstation's own settings (desktop.last_place) go to a folder of this run,
    # never to the user's (Qt reads XDG_CONFIG_HOME on Linux).
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="mrecist-test-config-")


def _write(tmp_path_factory: pytest.TempPathFactory, name: str, **kwargs: object) -> WrittenStudy:
    subject = int(kwargs.pop("subject", 1))  # type: ignore[call-overload]
    timepoint = int(kwargs.pop("timepoint", 0))  # type: ignore[call-overload]
    spec = scenario_study_spec(demo_scenarios()[subject - 1], subject, timepoint, **kwargs)
    return write_study(spec, tmp_path_factory.mktemp(name))


@pytest.fixture(scope="session")
def small_ct_study(tmp_path_factory: pytest.TempPathFactory) -> WrittenStudy:
    """Subject 2 (stable, with tumour thrombus) at baseline: small 4-phase CT."""
    return _write(tmp_path_factory, "small_ct", subject=2, size=PhantomSize.SMALL,
                  compress=False)


@pytest.fixture(scope="session")
def full_ct_study(tmp_path_factory: pytest.TempPathFactory) -> WrittenStudy:
    """Subject 1 (responder) at week 6: full-size 4-phase CT, RLE compressed."""
    return _write(tmp_path_factory, "full_ct", subject=1, timepoint=1, size=PhantomSize.FULL,
                  compress=True)


@pytest.fixture(scope="session")
def small_mr_study(tmp_path_factory: pytest.TempPathFactory) -> WrittenStudy:
    """Subject 3 (progressor) at week 12: small 4-series dynamic MR."""
    return _write(tmp_path_factory, "small_mr", subject=3, timepoint=2, size=PhantomSize.SMALL,
                  modality=Modality.MR, compress=False)


@pytest.fixture(scope="session")
def demo_trial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo trial exactly as ``mrecist demo`` writes it (default size, RLE)."""
    folder = tmp_path_factory.mktemp("data") / "demo-trial"
    write_demo_trial(folder, PhantomSize.DEMO)
    return folder


@pytest.fixture(scope="session")
def small_demo_trial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo trial at the small size (128², 5 mm slices): real files, written in seconds."""
    folder = tmp_path_factory.mktemp("small-demo") / "demo-trial"
    write_demo_trial(folder, PhantomSize.SMALL)
    return folder


# The store's reading helpers (a careful reader's calipers on the demo's truth).
sys.path.insert(0, str(Path(__file__).resolve().parent / "core" / "store"))

# scrypt at 1/32 of the default cost: the tests log in many times.
CHEAP_KDF = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture(scope="session")
def demo_store_template(tmp_path_factory: pytest.TempPathFactory,
                        small_demo_trial: Path) -> Path:
    """A data folder with the demo trial store at the small size (built once)."""
    from desktop.demo_data import DEMO_STORE_FOLDER  # here: the core tests need no Qt

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
