"""Kill the workstation mid-reading and start it again (issue #11 item 6).

A separate process (``crash_reader.py``) reads as a reader would, with the mouse, and is
SIGKILLed with a caliper half drawn. The next start, after the log-in, must land on the
same subject and timepoint, with every caliper that process reported saved, an empty undo
stack, and a store whose every check passes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.actions.demo import DEMO_STORE_NAME
from core.store import open_store_read_only
from core.store.integrity import check_store
from desktop.demo_data import DEMO_STORE_FOLDER

SCRIPT = Path(__file__).with_name("crash_reader.py")


def _run(step: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(SCRIPT), step, str(data_dir)], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_a_killed_reading_reopens_where_it_was_with_everything_saved(demo_data_dir):
    killed = _run("draw", demo_data_dir)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]
    assert "KILLING" in killed.stdout
    saved = sorted(line.split()[1:] for line in killed.stdout.splitlines()
                   if line.startswith("SAVED "))
    assert [kind for kind, _length in saved] == ["total", "viable"]
    store = open_store_read_only(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    try:
        found = check_store(store)
    finally:
        store.close()
    assert found.is_intact, found

    reopened = _run("reopen", demo_data_dir)
    assert reopened.returncode == 0, reopened.stderr[-3000:]
    place = json.loads(reopened.stdout.strip().splitlines()[-1])["place"]
    assert place is not None, "the application did not reopen the reader's timepoint"
    assert (place["subject"], place["timepoint"]) == ("HCC-001", "Baseline")
    assert place["calipers"] == saved  # the half-drawn third one was never saved
    assert place["undo_count"] == 0
    assert place["shown"] >= 1  # drawn on the arterial viewport it opens at
