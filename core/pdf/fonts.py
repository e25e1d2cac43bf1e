"""The report fonts: DejaVu Sans, embedded in every PDF (issue #14).

The PDF base-14 fonts have no glyph for ≥, ≤ or − and are not embedded; DejaVu Sans has
every character our reports print and may be redistributed (Bitstream Vera licence,
``resources/fonts/LICENSE-DejaVu.txt``). A TrueType font registered with reportlab is
embedded (subset) in each PDF that uses it.
"""

from __future__ import annotations

from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MONO = "DejaVuSansMono"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}


def register_fonts() -> None:
    """Register the report fonts with reportlab once (idempotent)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    folder = resources.files("resources") / "fonts"
    for name, file in _FILES.items():
        with resources.as_file(folder / file) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> in a paragraph selects the bold face; no italic is shipped, so italic is regular.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
