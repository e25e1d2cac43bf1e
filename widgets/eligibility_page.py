"""The eligibility page: which criteria are met, and why, for one subject.

Public API: ``EligibilityPage(QWidget)`` with ``show_overview(overview)``,
``overall_text()``, ``summary``, ``computed_texts()``, ``add_below_checked(widget)``, the
``checked`` ``EntryTable`` (the protocol's criteria as the coordinator entered them) and
the ``computed`` table (the lab criteria ``core.clinical.eligibility`` computes from the
baseline values), and the signals of ``checked``: ``add_requested(ClinicalKind)``,
``edit_requested(ClinicalKind, int)``, ``delete_requested(ClinicalKind, int)``.

The two kinds of criteria are kept apart — "checked by the coordinator" and "computed from
the baseline labs" — since only the first is typed in. A criterion not met is red with its
reason. The overall line ("eligible: all criteria met", "not eligible: …", "incomplete:
…") is ``core.clinical.eligibility_summary``'s; the page only shows it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.clinical.eligibility import Criterion, Status
from core.clinical.eligibility_summary import EligibilitySummary, Verdict, eligibility_summary
from core.clinical.overview import ClinicalOverview
from core.model.clinical_record import ClinicalKind
from widgets.record_rows import ELIGIBILITY_COLUMNS, eligibility_rows
from widgets.record_table import (
    ALERT_BACKGROUND,
    ALERT_INK,
    INK,
    MET_INK,
    MUTED_INK,
    EntryTable,
    fitted_height,
)

CHECKED_TITLE = "Checked by the coordinator (the protocol's criteria as entered)"
COMPUTED_TITLE = "Computed from the baseline labs and characteristics"
COMPUTED_COLUMNS = ("Criterion", "Status", "Why")
# The overall line's colours: green, red, amber-brown (also told apart by their words).
VERDICT_STYLE = {
    Verdict.ELIGIBLE: f"color: {MET_INK}; background: #e3f1e3; border: 1px solid #9cc79c;",
    Verdict.NOT_ELIGIBLE: f"color: {ALERT_INK}; background: {ALERT_BACKGROUND}; "
                          "border: 1px solid #e0a597;",
    Verdict.INCOMPLETE: "color: #6b4b00; background: #fbefc9; border: 1px solid #e1c77a;",
}


class EligibilityPage(QWidget):
    """The overall line, the checked criteria with their buttons, the computed ones.

    Signals
    -------
    add_requested(ClinicalKind)             a new checked criterion
    edit_requested(ClinicalKind, int)       change the checked criterion with this id
    delete_requested(ClinicalKind, int)     remove it
    """

    add_requested = Signal(object)
    edit_requested = Signal(object, int)
    delete_requested = Signal(object, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary: EligibilitySummary | None = None
        self.overall = QLabel()
        self.overall.setWordWrap(True)
        self.overall.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.overall.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.overall.setFont(font)
        self.checked = EntryTable(ClinicalKind.ELIGIBILITY, ELIGIBILITY_COLUMNS,
                                  empty_text="No protocol criterion entered yet.")
        self.computed = QTableWidget(0, len(COMPUTED_COLUMNS))
        self.computed.setHorizontalHeaderLabels(COMPUTED_COLUMNS)
        self.computed.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.computed.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.computed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        rows = self.computed.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.computed.fontMetrics().height() + 10)
        self.computed.setWordWrap(False)
        header = self.computed.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        checked_box = QGroupBox(CHECKED_TITLE)
        QVBoxLayout(checked_box).addWidget(self.checked)
        computed_box = QGroupBox(COMPUTED_TITLE)
        computed_layout = QVBoxLayout(computed_box)
        computed_layout.addWidget(self.computed)
        note = QLabel("Not evaluable: the value or its ULN is not recorded among the "
                      "baseline labs (flag a lab as baseline to use it here).")
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED_INK};")
        computed_layout.addWidget(note)
        self._left = QVBoxLayout()
        self._left.addWidget(checked_box, 1)
        right = QVBoxLayout()
        right.addWidget(computed_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(self._left, 2)
        columns.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.overall)
        layout.addLayout(columns, 1)
        self.checked.add_requested.connect(self.add_requested)
        self.checked.edit_requested.connect(self.edit_requested)
        self.checked.delete_requested.connect(self.delete_requested)

    def add_below_checked(self, widget: QWidget) -> None:
        """Put *widget* (the screening outcome, say) under the checked criteria."""
        self._left.addWidget(widget)

    def show_overview(self, overview: ClinicalOverview) -> None:
        """Show *overview*'s checked and computed criteria and the overall line."""
        record = overview.record
        self.checked.set_rows(eligibility_rows(overview), record.cut_off_date)
        self._show_computed(overview.lab_criteria)
        summary = eligibility_summary((e.value for e in record.eligibility),
                                      overview.lab_criteria)
        self._summary = summary
        self.overall.setText(f"Overall — {summary.text}")
        self.overall.setStyleSheet(f"{VERDICT_STYLE[summary.verdict]} padding: 6px 8px; "
                                   "border-radius: 3px;")

    @property
    def summary(self) -> EligibilitySummary | None:
        """The overall verdict shown, or None before the first overview."""
        return self._summary

    def overall_text(self) -> str:
        """The overall line as the rule words it ("eligible: all criteria met")."""
        return self._summary.text if self._summary is not None else ""

    def _show_computed(self, criteria: tuple[Criterion, ...]) -> None:
        self.computed.setRowCount(len(criteria))
        bold = QFont(self.computed.font())
        bold.setBold(True)
        for row, criterion in enumerate(criteria):
            for column, text in enumerate((criterion.name, criterion.status.value,
                                           criterion.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(criterion.reason)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                if criterion.status is Status.NOT_MET:
                    item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                    item.setForeground(QBrush(QColor(ALERT_INK)))
                    item.setFont(bold)
                elif criterion.status is Status.NOT_EVALUABLE:
                    item.setForeground(QBrush(QColor(MUTED_INK)))
                else:
                    item.setForeground(QBrush(QColor(MET_INK if column == 1 else INK)))
                self.computed.setItem(row, column, item)
        self.computed.setFixedHeight(fitted_height(self.computed, max(len(criteria), 1)))

    def computed_texts(self) -> list[tuple[str, str, str]]:
        """Each computed criterion as shown: name, status, reason."""
        rows = []
        for row in range(self.computed.rowCount()):
            name, status, reason = (self._text(row, column) for column in range(3))
            rows.append((name, status, reason))
        return rows

    def _text(self, row: int, column: int) -> str:
        item = self.computed.item(row, column)
        return item.text() if item is not None else ""
