"""Fixtures for widget tests (real widgets, offscreen)."""

from __future__ import annotations

import pytest
from synthetic import make_volume

from core.model.volume import Volume


@pytest.fixture
def volume() -> Volume:
    return make_volume()
