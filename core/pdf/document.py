"""The page frame of every report: title, "page x of y", generation time, fingerprint, and
the "NOT FINAL" band (issue #14).

A report is a record (21 CFR 11.10(b): accurate and complete copies in human readable
form): each page says what it is part of and when it was made, and carries the store's
audit-chain head as the report's fingerprint, so a printed page can be matched to the
store state it came from (``mrecist audit verify`` prints the same head). "Page x of y"
needs the page count, so each page's frame is drawn once the whole document is laid out
(the canvas keeps every page until ``save``).

A page that shows anything not final (an unsigned or unadjudicated timepoint) carries a
red "NOT FINAL" band: the story places a ``NotFinalMark`` with such content, and the
frame draws the band on every page a mark landed on.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from core.pdf.fonts import BOLD, MONO, REGULAR, register_fonts

MARGIN = 18 * mm
HEADER_HEIGHT = 12 * mm
FOOTER_HEIGHT = 12 * mm
NOT_FINAL_TEXT = "NOT FINAL"
INK = colors.HexColor("#1f1f1f")
MUTED = colors.HexColor("#555555")
ALERT = colors.HexColor("#b71c1c")


class PageSize(StrEnum):
    """The paper sizes reports are printed on."""

    A4 = "A4"
    LETTER = "Letter"

    @property
    def points(self) -> tuple[float, float]:
        """Width and height in points."""
        return A4 if self is PageSize.A4 else LETTER


@dataclass(frozen=True, slots=True)
class PageFrame:
    """What every page of one report says around its content."""

    title: str
    trial: str
    generated_utc: dt.datetime
    fingerprint: str
    page_size: PageSize = PageSize.A4
    software: str = "mRECIST Workstation"
    # The zone of the local time beside UTC (None: this computer's).
    zone: dt.tzinfo | None = None

    def generated_text(self) -> str:
        """ "2026-12-01 14:30 UTC (15:30 local)": UTC first, the workstation's time beside."""
        utc = self.generated_utc.astimezone(dt.UTC)
        local = utc.astimezone(self.zone)
        return f"{utc:%Y-%m-%d %H:%M} UTC ({local:%H:%M} local)"


class NotFinalMark(Flowable):
    """An invisible mark: the page it lands on shows something not final."""

    width = height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._not_final = True  # type: ignore[attr-defined]


def _canvas_class(frame: PageFrame, pages: list[int]) -> type[canvas.Canvas]:
    class FramedCanvas(canvas.Canvas):
        """Keeps every page, then draws each one's frame knowing the page count."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self._not_final = False

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own reset
            self._not_final = False

        def save(self) -> None:
            total = len(self._pages)
            pages.append(total)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                _draw_frame(self, frame, number, total, bool(state.get("_not_final")))
                canvas.Canvas.showPage(self)
            canvas.Canvas.save(self)

    return FramedCanvas


def _draw_frame(page: canvas.Canvas, frame: PageFrame, number: int, total: int,
                not_final: bool) -> None:
    width, height = frame.page_size.points
    page.saveState()
    top = height - MARGIN + 4 * mm
    page.setFillColor(INK)
    page.setFont(BOLD, 9)
    page.drawString(MARGIN, top, frame.title)
    page.setFont(REGULAR, 8)
    page.setFillColor(MUTED)
    page.drawRightString(width - MARGIN, top, frame.trial)
    page.setStrokeColor(colors.HexColor("#9e9e9e"))
    page.setLineWidth(0.5)
    page.line(MARGIN, top - 2.5 * mm, width - MARGIN, top - 2.5 * mm)
    bottom = MARGIN - 6 * mm
    page.line(MARGIN, bottom + 6.5 * mm, width - MARGIN, bottom + 6.5 * mm)
    page.setFont(REGULAR, 7)
    page.drawString(MARGIN, bottom + 3 * mm,
                    f"Generated {frame.generated_text()} by {frame.software}")
    page.setFont(MONO, 6)
    page.drawString(MARGIN, bottom, f"Fingerprint (audit-chain head): {frame.fingerprint}")
    page.setFont(BOLD, 8)
    page.setFillColor(INK)
    page.drawRightString(width - MARGIN, bottom + 3 * mm, f"page {number} of {total}")
    if not_final:
        page.setFillColor(ALERT)
        page.rect(MARGIN, top - 9.5 * mm, width - 2 * MARGIN, 5.5 * mm, stroke=0, fill=1)
        page.setFillColor(colors.white)
        page.setFont(BOLD, 9)
        page.drawCentredString(width / 2, top - 8 * mm,
                               f"{NOT_FINAL_TEXT}: this page shows results that are not "
                               "signed or not adjudicated")
    page.restoreState()


def content_width(page_size: PageSize) -> float:
    """The width content flows in, in points."""
    return page_size.points[0] - 2 * MARGIN


def write_pdf(target: Path | BinaryIO, frame: PageFrame, story: Sequence[Flowable], *,
              subject: str = "") -> int:
    """Lay *story* out on pages framed by *frame*, write the PDF to *target* and return
    its number of pages."""
    register_fonts()
    # Binary streams: reportlab's ASCII85 armour (its default) is pure Python without its
    # C accelerator, slower than the layout itself, and makes every stream a quarter larger.
    rl_config.useA85 = 0
    width, height = frame.page_size.points
    # Room below the header for the NOT FINAL band, whether or not a page needs it.
    body_top = height - MARGIN - HEADER_HEIGHT
    body = Frame(MARGIN, MARGIN + FOOTER_HEIGHT - 6 * mm, width - 2 * MARGIN,
                 body_top - (MARGIN + FOOTER_HEIGHT - 6 * mm), id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document = BaseDocTemplate(
        str(target) if isinstance(target, Path) else target,
        pagesize=(width, height), title=frame.title, author=frame.software,
        subject=subject or frame.trial, creator=frame.software,
        pageTemplates=[PageTemplate(id="page", frames=[body])])
    pages: list[int] = []
    document.build(list(story), canvasmaker=_canvas_class(frame, pages))
    return pages[-1]


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the reports, in the embedded fonts (made once: every table
    cell asks for them)."""
    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=15,
                                leading=19, spaceAfter=4),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=11,
                                  leading=14, spaceBefore=8, spaceAfter=4),
        "subheading": ParagraphStyle("subheading", parent=base, fontName=BOLD, fontSize=9.5,
                                     leading=12, spaceBefore=5, spaceAfter=2),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5,
                                textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "cell_indent": ParagraphStyle("cell_indent", parent=base, fontSize=8, leading=10,
                                      leftIndent=10),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8, leading=10,
                                     alignment=2),
        "cell_centre": ParagraphStyle("cell_centre", parent=base, fontSize=8, leading=10,
                                      alignment=1),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=BOLD, fontSize=8,
                                    leading=10),
        "cell_head_right": ParagraphStyle("cell_head_right", parent=base, fontName=BOLD,
                                          fontSize=8, leading=10, alignment=2),
        "cell_head_centre": ParagraphStyle("cell_head_centre", parent=base, fontName=BOLD,
                                           fontSize=8, leading=10, alignment=1),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=7, leading=8.8),
        "table_title": ParagraphStyle("table_title", parent=base, fontName=BOLD,
                                      fontSize=9.5, leading=12, spaceBefore=4,
                                      spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=base, fontSize=8.5, leading=11,
                                  spaceBefore=4, spaceAfter=2),
        "alert": ParagraphStyle("alert", parent=base, fontName=BOLD, textColor=ALERT),
    }
