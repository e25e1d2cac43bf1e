"""One list of a subject's clinical entries, with Add…, Edit… and Delete… and their keys.

Public API: ``EntryRow`` (one row: its entry id, its cells, locked, emphasised, a
tooltip), ``EntryTable`` (the table, its buttons and signals), ``lock_icon()``,
``fitted_height(table, rows)``, the paper
colours ``INK``, ``ALERT_INK``, ``ALERT_BACKGROUND``, ``MUTED_INK``, ``MET_INK`` and
``PAPER_STYLE`` (the style sheet of the coordinator's clinical screens).

A row belongs to one entry (several rows may share it: the baseline's characteristics are
one entry). Edit and Delete act on the selected row's entry and only when it is unlocked:
a locked entry shows a padlock and says "locked at the data cut-off <date>", and neither
button nor key does anything to it (the store would refuse it; the screen does not offer
it). Keys on the focused table: Insert adds, Enter / Return / F2 edits, Delete deletes; a
double click edits. The table emits plain values: the kind and the entry id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical_record import ClinicalKind
from widgets.record_text import locked_tip

INK = "#1b1b1b"
MUTED_INK = "#5f6368"
MET_INK = "#1e6b34"
ALERT_INK = "#9b1c12"
ALERT_BACKGROUND = "#f9dcd5"
# Light paper with dark ink, as the coordinator's board: read on screen, printed for a
# monitor. Applied by the view that holds the tables (objectName "clinicalPaper").
PAPER_STYLE = (
    "QWidget#clinicalPaper { background: #f5f5f2; }"
    "QWidget#clinicalPaper QLabel { color: #1f1f1f; }"
    "QWidget#clinicalPaper QGroupBox { color: #1f1f1f; font-weight: bold; "
    "border: 1px solid #d3d3cd; border-radius: 3px; margin-top: 10px; padding-top: 6px; }"
    "QWidget#clinicalPaper QGroupBox::title { subcontrol-origin: margin; left: 8px; "
    "padding: 0 4px; }"
    "QWidget#clinicalPaper QTableWidget { background: #ffffff; color: #1b1b1b; "
    "gridline-color: #e2e2dc; border: 1px solid #cfcfc8; "
    "selection-background-color: #cde1f2; selection-color: #111111; }"
    "QWidget#clinicalPaper QTableWidget::item { padding: 2px 3px; }"
    "QWidget#clinicalPaper QHeaderView::section { background: #ecece6; color: #2b2b2b; "
    "border: 0; border-right: 1px solid #d8d8d2; border-bottom: 1px solid #cfcfc8; "
    "padding: 3px 6px; font-weight: bold; }"
    "QWidget#clinicalPaper QTabWidget::pane { border: 1px solid #cfcfc8; "
    "background: #fbfbf8; top: -1px; }"
    "QWidget#clinicalPaper QTabBar::tab { background: #e7e7e1; color: #333333; "
    "border: 1px solid #cfcfc8; padding: 5px 11px; margin-right: 2px; }"
    "QWidget#clinicalPaper QTabBar::tab:selected { background: #fbfbf8; color: #111111; "
    "border-bottom-color: #fbfbf8; font-weight: bold; }"
    "QWidget#clinicalPaper QPushButton { background: #ffffff; color: #1b1b1b; "
    "border: 1px solid #b9b9b2; border-radius: 3px; padding: 4px 12px; }"
    "QWidget#clinicalPaper QPushButton:hover { background: #eef4fa; }"
    "QWidget#clinicalPaper QPushButton:disabled { color: #a3a3a0; border-color: #dcdcd6; "
    "background: #f7f7f4; }"
)

_ENTRY_ROLE = Qt.ItemDataRole.UserRole
_LOCKED_ROLE = Qt.ItemDataRole.UserRole + 1


def lock_icon() -> QIcon:
    """A small padlock, painted (no font or theme needs to have one)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#6b5a2e"), 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(4.5, 1.5, 7, 9), 0, 180 * 16)  # the shackle
    painter.drawLine(QPointF(4.5, 6), QPointF(4.5, 8))
    painter.drawLine(QPointF(11.5, 6), QPointF(11.5, 8))
    painter.setPen(QPen(QColor("#6b5a2e"), 1))
    painter.setBrush(QColor("#c9a13b"))
    painter.drawRoundedRect(QRectF(2.5, 7.5, 11, 7.5), 1.5, 1.5)  # the body
    painter.end()
    return QIcon(pixmap)


def fitted_height(table: QTableWidget, rows: int) -> int:
    """The height that shows the header and *rows* rows of *table*, no more."""
    return (table.horizontalHeader().sizeHint().height()
            + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth() + 2)


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One row of a table: the entry it shows, its cells, locked, emphasised (a grade 3
    or more, a criterion not met), a tooltip for every cell (a reason, say), and an ink
    per cell where one differs ("" keeps the table's)."""

    entry_id: int
    cells: tuple[str, ...]
    locked: bool = False
    alert: bool = False
    tooltip: str = ""
    inks: tuple[str, ...] = ()


class _KeyTable(QTableWidget):
    """The table: Insert, Enter / Return / F2 and Delete go to its owner."""

    def __init__(self, owner: EntryTable) -> None:
        super().__init__()
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Insert:
            self._owner.request_add()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self._owner.request_edit()
        elif key == Qt.Key.Key_Delete:
            self._owner.request_delete()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class EntryTable(QWidget):
    """A list of one kind of entry and its buttons.

    Signals
    -------
    add_requested(ClinicalKind)               a new entry of this kind
    edit_requested(ClinicalKind, int)         change the entry with this id
    delete_requested(ClinicalKind, int)       remove the entry with this id
    """

    add_requested = Signal(object)
    edit_requested = Signal(object, int)
    delete_requested = Signal(object, int)

    def __init__(self, kind: ClinicalKind, columns: Sequence[str], *, empty_text: str,
                 single: bool = False, compact: bool = False, wrap: bool = False,
                 sort_column: int | None = None,
                 add_label: str | None = "Add…", edit_label: str | None = "Edit…",
                 delete_label: str | None = "Delete…",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._single = single
        self._compact = compact
        self._sort_column = sort_column
        self._rows: list[EntryRow] = []
        self._cut_off: dt.date | None = None
        self._lock_icon = lock_icon()
        self.table = _KeyTable(self)
        self.table.setColumnCount(len(columns) + 1)
        self.table.setHorizontalHeaderLabels(["", *columns])
        lock_header = self.table.horizontalHeaderItem(0)
        if lock_header is not None:
            lock_header.setToolTip("a padlock: locked at the data cut-off")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # One line per row, all rows alike, a long sentence in full in the tooltip; or, with
        # *wrap*, rows as tall as their text at the width the columns have.
        self.table.setWordWrap(wrap)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents if wrap
                                  else QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 26)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.empty = QLabel(empty_text)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty.setStyleSheet(f"color: {MUTED_INK}; font-style: italic; padding: 4px;")
        self.add_button = QPushButton(add_label or "")
        self.edit_button = QPushButton(edit_label or "")
        self.delete_button = QPushButton(delete_label or "")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button, label in ((self.add_button, add_label), (self.edit_button, edit_label),
                              (self.delete_button, delete_label)):
            button.setVisible(label is not None)
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        # What the padlock means, while a row has one.
        self.legend_icon = QLabel()
        self.legend_icon.setPixmap(self._lock_icon.pixmap(16, 16))
        self.legend = QLabel()
        self.legend.setStyleSheet(f"color: {MUTED_INK};")
        self.legend.setToolTip("a locked entry is neither changed nor removed")
        buttons.addWidget(self.legend_icon)
        buttons.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 0 if compact else 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        layout.addStretch(0)
        self._layout = layout
        if compact:  # as tall as its rows, the page's space left to the others
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.add_button.clicked.connect(self.request_add)
        self.edit_button.clicked.connect(self.request_edit)
        self.delete_button.clicked.connect(self.request_delete)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.request_edit())
        self.set_rows([], None)

    # -- showing -----------------------------------------------------------------------
    def set_rows(self, rows: Sequence[EntryRow], cut_off: dt.date | None) -> None:
        """Show *rows*; the entry selected before stays selected while it is shown."""
        keep = self.selected_entry()
        self._rows = list(rows)
        self._cut_off = cut_off
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(self._rows))
        for index, row in enumerate(self._rows):
            self._fill(index, row)
        if self._sort_column is not None:
            self.table.setSortingEnabled(True)
            self.table.sortItems(self._sort_column + 1, Qt.SortOrder.AscendingOrder)
        if self._compact:
            self.table.setFixedHeight(fitted_height(self.table, max(len(self._rows), 1)))
        self.table.setVisible(bool(self._rows))
        self.empty.setVisible(not self._rows)
        locked = any(row.locked for row in self._rows)
        self.legend.setText(locked_tip(cut_off) if locked else "")
        self.legend.setVisible(locked)
        self.legend_icon.setVisible(locked)
        # Empty, the buttons stay right under the sentence saying so.
        self._layout.setStretch(3, 1 if not self._rows and not self._compact else 0)
        if keep is not None:
            self.select_entry(keep)
        self._update_buttons()

    def _fill(self, index: int, row: EntryRow) -> None:
        lock_tip = locked_tip(self._cut_off) if row.locked else ""
        lock = QTableWidgetItem()
        if row.locked:
            lock.setIcon(self._lock_icon)
        self.table.setItem(index, 0, lock)
        for column, text in enumerate(row.cells, start=1):
            self.table.setItem(index, column, QTableWidgetItem(text))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for column in range(self.table.columnCount()):
            item = self.table.item(index, column)
            if item is None:
                continue
            item.setData(_ENTRY_ROLE, row.entry_id)
            item.setData(_LOCKED_ROLE, row.locked)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            tip = lock_tip if column == 0 else "\n".join(
                text for text in (row.tooltip, lock_tip) if text)
            if tip:
                item.setToolTip(tip)
            if row.alert:
                item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                item.setForeground(QBrush(QColor(ALERT_INK)))
                item.setFont(bold)
            else:
                ink = row.inks[column - 1] if 0 < column <= len(row.inks) else ""
                item.setForeground(QBrush(QColor(ink or INK)))

    @property
    def rows(self) -> tuple[EntryRow, ...]:
        """The rows shown, in the order given (the table may sort them)."""
        return tuple(self._rows)

    def cell_texts(self) -> list[list[str]]:
        """Each row's cells as the table shows them now (sorted), without the lock column."""
        return [[(item.text() if (item := self.table.item(r, c)) else "")
                 for c in range(1, self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def row_of(self, entry_id: int) -> int:
        """The table row showing *entry_id* first (-1 when not shown)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(_ENTRY_ROLE) == entry_id:
                return row
        return -1

    # -- selection -----------------------------------------------------------------------
    def selected_entry(self) -> int | None:
        """The id of the selected row's entry, or None."""
        items = self.table.selectedItems()
        return int(items[0].data(_ENTRY_ROLE)) if items else None

    def select_entry(self, entry_id: int) -> bool:
        """Select the row of *entry_id*; False when it is not shown."""
        row = self.row_of(entry_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.setCurrentCell(row, 1)
        return True

    def is_locked(self, entry_id: int) -> bool:
        """Whether *entry_id* is locked at the data cut-off."""
        return any(row.locked for row in self._rows if row.entry_id == entry_id)

    def _changeable(self) -> int | None:
        entry = self.selected_entry()
        return None if entry is None or self.is_locked(entry) else entry

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(not (self._single and self._rows))
        changeable = self._changeable() is not None
        self.edit_button.setEnabled(changeable)
        self.delete_button.setEnabled(changeable)
        entry = self.selected_entry()
        tip = locked_tip(self._cut_off) if entry is not None and self.is_locked(entry) else ""
        self.edit_button.setToolTip(tip)
        self.delete_button.setToolTip(tip)

    # -- requests (buttons and keys) --------------------------------------------------
    def request_add(self) -> None:
        """Ask for a new entry (not when a one-per-subject entry exists, nor hidden)."""
        if self.add_button.isVisibleTo(self) and self.add_button.isEnabled():
            self.add_requested.emit(self.kind)

    def request_edit(self) -> None:
        """Ask to change the selected entry, if it is unlocked."""
        entry = self._changeable()
        if entry is not None and self.edit_button.isVisibleTo(self):
            self.edit_requested.emit(self.kind, entry)

    def request_delete(self) -> None:
        """Ask to remove the selected entry, if it is unlocked."""
        entry = self._changeable()
        if entry is not None and self.delete_button.isVisibleTo(self):
            self.delete_requested.emit(self.kind, entry)
