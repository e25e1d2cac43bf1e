"""Fixtures of the adversarial review of issue #13: the store helpers of tests/core/store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_STORE_TESTS = Path(__file__).resolve().parents[1] / "core" / "store"
if str(_STORE_TESTS) not in sys.path:
    sys.path.insert(0, str(_STORE_TESTS))

from store_trial import Trial, make_trial  # noqa: E402

from core.actions import add_subject  # noqa: E402

SUBJECT = "HCC-001"


@pytest.fixture
def a13_trial(tmp_path: Path) -> Iterator[Trial]:
    """A store with one user per role and subject HCC-001 registered."""
    made = make_trial(tmp_path / "trial.sqlite")
    add_subject(made.store, made.coordinator, SUBJECT)
    yield made
    made.store.close()
