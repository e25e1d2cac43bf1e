"""Two signed reads of one timepoint side by side, as the adjudicator compares them.

Read A and read B (never the readers' names: the letter is drawn at random per subject,
``core.reading.ab_order``): each lesion's viable and total diameter (a node's short axis)
or state in each read, then the sums, changes and responses the engine gave each read, and
the subject's best responses. A row where the reads differ is marked (amber background and
a ≠ in the middle column), so the adjudicator's eye goes to what decides. Plain values
in, nothing emitted: the widget shows, the view decides.

Lesions are paired by label (T1 with T1): each reader labels in the order they add, so a
T1 of A may be another lesion than B's T1 — the calipers on the images, in the two
colours, say which; the table only lines the labels up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from core.model.reading import Lesion, MeasurementKind, Read

_DIFFERS = QColor("#5a4210")  # amber, dark enough for the light text of the dark theme
_COLUMNS = ("", "A (mm)", "", "B (mm)")
_ROLE_NAMES = {"target_response": "Target", "non_target_response": "Non-target",
               "new_lesions": "New lesions", "overall_response": "Overall"}


def _number(value: object) -> str:
    return "–" if value is None else f"{value}"


def _pct(value: object) -> str:
    """A change as the result data gives it (one decimal, rounded once, docs/criteria.md)."""
    if value is None:
        return "–"
    number = float(str(value))
    return f"{'+' if number > 0 else '−' if number < 0 else ''}{abs(number):.1f} %"


def _lesion_text(read: Read, lesion: Lesion | None, timepoint_id: int | None) -> str:
    """What one read recorded of a lesion at the timepoint: its diameters, or its state."""
    if lesion is None:
        return "not recorded"
    if timepoint_id is None:
        return "–"
    finding = read.finding(lesion.lesion_id, timepoint_id)
    state = str(finding.state) if finding is not None and finding.state else ""
    if lesion.is_node:
        short = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.SHORT_AXIS)
        parts = [f"SA {short.length_mm}"] if short else []
    else:
        viable = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.VIABLE)
        total = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.TOTAL)
        parts = [f"V {viable.length_mm}"] if viable else []
        parts += [f"T {total.length_mm}"] if total else []
    if finding is not None and lesion.category.value == "new":
        seen = [name for name, flag in (("APHE", finding.arterial_enhancement),
                                        ("washout", finding.washout),
                                        ("equivocal", finding.is_equivocal)) if flag]
        parts += seen
    if state and state != "measured":
        parts.append(state.replace("_", " "))
    return "  ".join(parts) if parts else "–"


def _timepoint_id(read: Read, label: str) -> int | None:
    return next((tp.timepoint_id for tp in read.timepoints if tp.label == label), None)


def comparison_rows(read_a: Read, read_b: Read, label: str, result_a: dict[str, Any],
                    result_b: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, read A, read B) for the timepoint *label*: lesions, sums, responses."""
    rows: list[tuple[str, str, str]] = []
    tp_a, tp_b = _timepoint_id(read_a, label), _timepoint_id(read_b, label)
    labels = list(dict.fromkeys([lesion.label for lesion in read_a.lesions]
                                + [lesion.label for lesion in read_b.lesions]))
    for name in labels:
        lesion_a = next((les for les in read_a.lesions if les.label == name), None)
        lesion_b = next((les for les in read_b.lesions if les.label == name), None)
        rows.append((name, _lesion_text(read_a, lesion_a, tp_a),
                     _lesion_text(read_b, lesion_b, tp_b)))

    def row_of(result: dict[str, Any]) -> dict[str, Any]:
        return next((row for row in result.get("timepoints", []) if row["label"] == label), {})

    row_a, row_b = row_of(result_a), row_of(result_b)
    rows.append(("Sum of diameters", _number(row_a.get("sum_mm")),
                 _number(row_b.get("sum_mm"))))
    rows.append(("Change from baseline", _pct(row_a.get("change_from_baseline_pct")),
                 _pct(row_b.get("change_from_baseline_pct"))))
    rows.append(("Change from nadir", _pct(row_a.get("change_from_nadir_pct")),
                 _pct(row_b.get("change_from_nadir_pct"))))
    for key, name in _ROLE_NAMES.items():
        rows.append((name, row_a.get(key) or "–", row_b.get(key) or "–"))
    return rows


def subject_rows(result_a: dict[str, Any], result_b: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, read A, read B) for the subject through the cycle: best responses, PD date."""
    def progression(result: dict[str, Any]) -> str:
        found = result.get("progression")
        return f"{found['label']} ({found['date']})" if found else "none"

    return [("Best overall response", result_a.get("best_overall_response", "–"),
             result_b.get("best_overall_response", "–")),
            ("Confirmed best response", result_a.get("confirmed_best_overall_response", "–"),
             result_b.get("confirmed_best_overall_response", "–")),
            ("Progression", progression(result_a), progression(result_b))]


class ReadComparison(QWidget):
    """Read A beside read B at one timepoint, the differences marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setHeaderLabels(list(_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree)

    def show_timepoint(self, read_a: Read, read_b: Read, label: str,
                       result_a: dict[str, Any], result_b: dict[str, Any],
                       triggers: Sequence[str] = ()) -> None:
        """Show both reads at *label* and the subject's responses through the cycle."""
        self.heading.setText(f"<b>{label}</b>" + (
            "  — <span style='color:#ffb74d'>" + "; ".join(triggers) + "</span>"
            if triggers else ""))
        self.tree.clear()
        rows = comparison_rows(read_a, read_b, label, result_a, result_b)
        rows += [("", "", ""), *subject_rows(result_a, result_b)]
        for what, a, b in rows:
            differs = bool(what) and a != b
            item = QTreeWidgetItem([what, a, "≠" if differs else "", b])
            if differs:
                for column in range(len(_COLUMNS)):
                    item.setBackground(column, QBrush(_DIFFERS))
            self.tree.addTopLevelItem(item)
        for column in range(len(_COLUMNS)):
            self.tree.resizeColumnToContents(column)

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(what, A, B, differs) as shown, for tests and screenshots."""
        shown = []
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.text(0):
                shown.append((item.text(0), item.text(1), item.text(3), item.text(2) == "≠"))
        return shown
