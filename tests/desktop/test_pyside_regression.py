"""Guard against PySide6 6.12.0's Signal.emit() reference leak.

In 6.12.0 every emit drops a reference to ``True``; on Python 3.11 the process aborts with
"Fatal Python error: bool_dealloc" after about 2,000 emits — a reader scrolling 2,000
slices. pyproject.toml keeps PySide6 below 6.12; this test makes an upgrade that brings the
bug back fail here instead of in a reading room.
"""

from __future__ import annotations

import os
import subprocess
import sys

EMITS = 10_000

SCRIPT = f"""
from PySide6.QtCore import QObject, Signal

class Source(QObject):
    changed = Signal(int)

received = []
source = Source()
source.changed.connect(received.append)
for i in range({EMITS}):
    source.changed.emit(i)
assert len(received) == {EMITS}
print("ok", len(received))
"""


def test_ten_thousand_signal_emits_exit_cleanly():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=120, env=env)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    assert run.stdout.strip() == f"ok {EMITS}"
