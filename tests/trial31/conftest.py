"""The 31-subject trial store, built once per test session (``trial31_generator``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from trial31_generator import Trial31Facts, build_trial31_store, copy_trial31


@pytest.fixture(scope="session")
def trial31_template(tmp_path_factory: pytest.TempPathFactory) -> Trial31Facts:
    """The store and its facts, built once; tests that only read may use it as it is."""
    return build_trial31_store(tmp_path_factory.mktemp("trial31") / "trial31.sqlite")


@pytest.fixture
def trial31(trial31_template: Trial31Facts, tmp_path: Path) -> Trial31Facts:
    """A copy of the store for one test, which may change it."""
    return copy_trial31(trial31_template, tmp_path / "trial31.sqlite")
