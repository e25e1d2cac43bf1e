"""The reading station under attack (the review of #11): blinding, signing, keys, the idle
lock. The desktop and store helpers of the suite are importable from here."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
for folder in (_TESTS / "desktop", _TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from test_reading_view import answers, view  # noqa: E402,F401  (fixtures)
