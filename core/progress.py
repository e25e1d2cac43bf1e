"""Progress reporting for long work, shared by the command line and scripts.

Long-running ``core`` functions take ``progress: Callable[[float, str], None]`` (fraction
done, message) and never a GUI object; the GUI passes a callback that drives a dialog.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[float, str], None]


def print_progress(fraction: float, message: str) -> None:
    """Show progress on one terminal line of stderr, ending the line at 100 %."""
    end = "\n" if fraction >= 1 else ""
    print(f"\r{fraction:6.1%}  {message:<48}", end=end, file=sys.stderr, flush=True)
