"""Tables of the reports: header repeated on every page, numbers right-aligned, every cell
a paragraph that wraps inside its column (nothing runs past a column or the page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from core.pdf.document import ALERT, NOT_FINAL_TEXT, styles

RULE = colors.HexColor("#9e9e9e")
HEADER_FILL = colors.HexColor("#e8e8e4")
BAND_FILL = colors.HexColor("#f6f6f3")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str | Flowable, style: str = "cell") -> Flowable:
    """A table cell: text escaped (a subject code or a note never reads as markup)."""
    if isinstance(text, Flowable):
        return text
    return Paragraph(_escape(text), styles()[style])


def data_table(header: Sequence[str], rows: Sequence[Sequence[str | Flowable]],
               widths: Sequence[float], *, right: Sequence[int] = (),
               not_final: bool = False, emphasised_rows: Sequence[int] = ()) -> Table:
    """A table of *rows* under *header*, columns of *widths* points; the columns whose
    index is in *right* are right-aligned (numbers). With *not_final*, the header itself
    says NOT FINAL, so every page the table runs onto says it too."""
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
    data: list[list[Flowable | str]] = [list(head_cells), *body]
    commands: list[Any] = []
    if not_final:
        banner = cell(f"{NOT_FINAL_TEXT}: not signed or not adjudicated", "alert")
        data.insert(0, [banner, *([""] * (len(header) - 1))])
        commands += [("SPAN", (0, 0), (-1, 0)), ("LINEABOVE", (0, 0), (-1, 0), 1.2, ALERT)]
    head = 1 if not_final else 0  # the row of the column headings
    commands += [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, head), (-1, head), 0.8, RULE),
        ("LINEBELOW", (0, head), (-1, head), 0.6, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("BACKGROUND", (0, head), (-1, head), HEADER_FILL),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    repeat = head + 1
    for index in range(1, len(body), 2):
        commands.append(("BACKGROUND", (0, index + repeat), (-1, index + repeat), BAND_FILL))
    table = Table(data, colWidths=list(widths), repeatRows=repeat, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table
