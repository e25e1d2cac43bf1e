"""Progress reporting and cancelling of long work, shared by the command line and scripts.

Long-running ``core`` functions take ``progress: Progress`` (called with the fraction done
and a message) and ``is_cancelled: Cancelled`` (polled; True asks them to stop), and never
a GUI object; the GUI passes callbacks that drive a dialog and its Cancel button.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


def print_progress(fraction: float, message: str) -> None:
    """Show progress on one terminal line of stderr, ending the line at 100 %."""
    end = "\n" if fraction >= 1 else ""
    print(f"\r{fraction:6.1%}  {message:<48}", end=end, file=sys.stderr, flush=True)
