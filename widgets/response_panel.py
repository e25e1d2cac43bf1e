"""The response panel: what the engine decided of the read so far, beside the images.

After every saved edit the reading session hands the engine's ``Result`` here (or the
problems that keep the read from being evaluated). The panel shows, for the timepoint being
read, the sum of the target diameters (viable diameters under mRECIST, Lencioni & Llovet
2010), the baseline sum and the nadir, the change from each, and the target, non-target,
new-lesion and overall response each with the engine's reason sentence, then the best
overall response so far and the engine's warnings. Nothing is computed here: every figure
and sentence is the engine's (docs/criteria.md), only formatted.
"""

from __future__ import annotations

import html
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.criteria.types import Assessment, Result, TimepointResult

# Colours of the overall categories: progression red, response green, the rest neutral.
_CATEGORY_COLOURS = {"PD": "#ff6b6b", "CR": "#6bd68f", "PR": "#6bd68f"}


def format_mm(value: Decimal | None) -> str:
    """A length as the engine gives it, in mm, or a dash."""
    return "—" if value is None else f"{value} mm"


def format_pct(value: Fraction | None) -> str:
    """A change in per cent to one decimal, signed, or a dash.

    Cut toward zero, never rounded: −29.95 % shows as −29.9 %, not as −30.0 %, so a figure
    on screen never appears to reach a threshold (−30 % for PR, +20 % for PD) that the
    engine's exact fraction does not reach.
    """
    if value is None:
        return "—"
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{abs(rounded)} %"


class ResponsePanel(QWidget):
    """Shows the engine's result of the read through the timepoint being read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = QLabel()
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setWordWrap(True)
        self._label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._label)
        self._lines: list[str] = []
        self.show_result(None, (), None)

    def lines(self) -> list[str]:
        """What the panel shows, as plain lines (for tests and the sign dialog)."""
        return list(self._lines)

    def show_result(self, result: Result | None, problems: tuple[str, ...],
                    timepoint: str | None) -> None:
        """Show *result* at *timepoint* (its label), or why there is none yet."""
        if result is None:
            heading = "Not evaluable yet" if problems else "No result yet"
            self._set([(heading, "")] + [("", problem) for problem in problems])
            return
        current = next((tp for tp in result.timepoints if tp.label == timepoint),
                       result.timepoints[-1] if result.timepoints else None)
        rows: list[tuple[str, str]] = []
        if current is not None:
            rows += self._timepoint_rows(result, current)
        rows.append(("Best overall response", _assessment(result.best_overall_response)))
        rows += [("Warning", warning) for warning in result.warnings]
        self._set(rows)

    @staticmethod
    def _timepoint_rows(result: Result, current: TimepointResult) -> list[tuple[str, str]]:
        rows = [(current.label, current.date.isoformat()),
                ("Sum of diameters", format_mm(current.sum_mm)),
                ("Baseline sum", format_mm(result.baseline_sum_mm)),
                ("Nadir", format_mm(current.nadir_sum_mm)),
                ("Change from baseline", format_pct(current.change_from_baseline_pct)),
                ("Change from nadir", format_pct(current.change_from_nadir_pct))]
        if current.not_assessed:
            rows.append(("Overall", "NE — not assessed"))
            return rows
        for name, assessment in (("Target", current.target),
                                 ("Non-target", current.non_target),
                                 ("New lesions", current.new_lesions),
                                 ("Overall", current.overall)):
            if assessment is not None:
                rows.append((name, _assessment(assessment)))
        return rows

    def _set(self, rows: list[tuple[str, str]]) -> None:
        self._lines = [f"{name}: {value}" if name and value else name or value
                       for name, value in rows]
        cells = []
        for name, value in rows:
            category, dash, reason = value.partition(" — ")
            shown = html.escape(value)
            if dash:  # the category stands out; the engine's sentence follows it plainly
                colour = _CATEGORY_COLOURS.get(category, "#e8e8e8")
                shown = (f'<b style="color:{colour}">{html.escape(category)}</b> '
                         f'<span style="color:#bbb">{html.escape(reason)}</span>')
            cells.append(f"<tr><td style='padding-right:8px; color:#aaa'>"
                         f"{html.escape(name)}</td><td>{shown}</td></tr>")
        self._label.setText(f"<table>{''.join(cells)}</table>")


def _assessment(assessment: Assessment) -> str:
    return f"{assessment.category} — {assessment.reason}"
