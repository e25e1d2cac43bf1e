"""Tables of the reports: header repeated on every page, numbers right-aligned, every cell
a paragraph that wraps inside its column (nothing runs past a column or the page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from core.pdf.document import ALERT, NOT_FINAL_TEXT, NotFinalMark, styles

RULE = colors.HexColor("#9e9e9e")
HEADER_FILL = colors.HexColor("#e8e8e4")
BAND_FILL = colors.HexColor("#f6f6f3")
NOT_FINAL_BANNER = f"{NOT_FINAL_TEXT}: not signed or not adjudicated"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str | Flowable, style: str = "cell") -> Flowable:
    """A table cell: text escaped (a subject code or a note never reads as markup)."""
    if isinstance(text, Flowable):
        return text
    return Paragraph(_escape(text), styles()[style])


def data_table(header: Sequence[str], rows: Sequence[Sequence[str | Flowable]],
               widths: Sequence[float], *, right: Sequence[int] = (),
               not_final: bool = False, emphasised_rows: Sequence[int] = (),
               spans: Sequence[tuple[int, int, int]] = (),
               groups: Sequence[tuple[str, int, int]] = (),
               banded: bool = True, padding: float = 2) -> Table:
    """A table of *rows* under *header*, columns of *widths* points; the columns whose
    index is in *right* are right-aligned (numbers).

    *spans* join cells of a body row: (row, first column, last column), the first cell's
    content across them. *groups* head several columns with one title above the column
    headings: (title, first column, last column); *padding* is the space above and below
    each cell's text (points). With *not_final*, the header itself says NOT FINAL and
    carries a ``NotFinalMark``, so every page the table runs onto says it and gets the
    page's band.
    """
    if len(widths) != len(header) or any(len(row) != len(header) for row in rows):
        raise ValueError("every row needs one cell per column")
    head_cells = [cell(text, "cell_head_right" if index in right else "cell_head")
                  for index, text in enumerate(header)]

    def style(row: int, column: int) -> str:
        bold = row in emphasised_rows
        if column in right:
            return "cell_head_right" if bold else "cell_right"
        return "cell_head" if bold else "cell"

    body: list[list[Flowable | str]] = [
        [cell(value, style(number, index)) for index, value in enumerate(row)]
        for number, row in enumerate(rows)]
    data: list[list[Flowable | str]] = []
    commands: list[Any] = []
    if not_final:
        banner: list[Flowable] = [cell(NOT_FINAL_BANNER, "alert"), NotFinalMark()]
        data.append([banner, *([""] * (len(header) - 1))])  # type: ignore[list-item]
        commands += [("SPAN", (0, 0), (-1, 0)), ("LINEABOVE", (0, 0), (-1, 0), 1.2, ALERT)]
    if groups:
        row = len(data)
        titles: list[Flowable | str] = [""] * len(header)
        for title, first, last in groups:
            titles[first] = cell(title, "cell_head_centre")
            commands += [("SPAN", (first, row), (last, row)),
                         ("LINEBELOW", (first, row), (last, row), 0.4, RULE)]
        data.append(titles)
        commands += [("LINEABOVE", (0, row), (-1, row), 0.8, RULE),
                     ("BACKGROUND", (0, row), (-1, row), HEADER_FILL)]
    head = len(data)  # the row of the column headings
    data.append(list(head_cells))
    data.extend(body)
    commands += [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, head), (-1, head), 0.6, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("BACKGROUND", (0, head), (-1, head), HEADER_FILL),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not groups:
        commands.append(("LINEABOVE", (0, head), (-1, head), 0.8, RULE))
    repeat = head + 1
    for number, first, last in spans:
        commands.append(("SPAN", (first, number + repeat), (last, number + repeat)))
    if banded:
        for index in range(1, len(body), 2):
            commands.append(("BACKGROUND", (0, index + repeat), (-1, index + repeat),
                             BAND_FILL))
    table = Table(data, colWidths=list(widths), repeatRows=repeat, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table
