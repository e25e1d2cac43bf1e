"""The building blocks both reports share: headings kept with what follows, table titles,
footnotes, figure captions and a two-column table of facts.

A heading, a table's title or a figure's caption never ends a page alone: each is kept
with the start of what it introduces (``KeepTogether``), as a journal or a clinical study
report sets them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from core.model.trial import AuditAnchor
from core.pdf.document import styles
from core.pdf.tables import RULE, cell


def escape(text: str) -> str:
    """*text* as paragraph text: a subject code or a sentence never reads as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain *text* (escaped) in *style*."""
    return Paragraph(escape(text), styles()[style])


def marked(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of trusted markup (``<b>`` only; every value inside escaped by the
    caller)."""
    return Paragraph(markup, styles()[style])


def kept(*flowables: Flowable) -> KeepTogether:
    """*flowables* on one page where they fit (a heading with the start of its content)."""
    return KeepTogether(list(flowables))


def footnotes(lines: Sequence[str]) -> list[Flowable]:
    """A table's or figure's footnotes, small, one paragraph each, a little below it."""
    shown: list[Flowable] = [paragraph(line, "small") for line in lines if line]
    return [Spacer(1, 3), *shown] if shown else []


def facts_table(rows: Sequence[tuple[str, str | Flowable]], width: float,
                label_share: float = 0.26) -> Table:
    """A two-column table of label and value (the facts a report opens with), no rules
    but one above and one below."""
    label_width = width * label_share
    data = [[cell(label, "cell_head"), cell(value)] for label, value in rows]
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def gap(points: float = 6) -> Spacer:
    """Vertical space."""
    return Spacer(1, points)


def fingerprint_text(anchor: AuditAnchor | None) -> str:
    """The audit-chain head a report was made from, with its row count: what ``mrecist
    audit verify`` checks an anchor against (docs/security.md §3)."""
    if anchor is None:
        return "none (the audit trail is empty)"
    return f"{anchor.head} ({anchor.rows} audit rows)"


def utc_text(moment: dt.datetime) -> str:
    """``"2026-12-01 14:30 UTC"``."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
