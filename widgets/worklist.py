"""A reader's worklist: assigned subjects, each timepoint's state, the next one to read.

Shows ``core.model.worklist`` values as they are given; it knows nothing of stores or
other reads. Subjects with work left come first, each with its next timepoint in bold.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from core.model.worklist import TimepointState, WorklistEntry, WorklistTimepoint

_VALUE_ROLE = Qt.ItemDataRole.UserRole
STATE_COLOURS = {  # readable on the dark frame
    TimepointState.NOT_STARTED: "#bbbbbb",
    TimepointState.IN_PROGRESS: "#e5c07b",
    TimepointState.SIGNED: "#98c379",
    TimepointState.RESIGNATURE_NEEDED: "#e06c5a",
}
ALL_SIGNED = "all signed"


class WorklistView(QTreeWidget):
    """Subjects as top-level rows (with their next timepoint), timepoints beneath.

    Signals
    -------
    timepoint_chosen(WorklistEntry, WorklistTimepoint)   the reader opens a timepoint
                                                         (double click or Enter)
    """

    timepoint_chosen = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Subject / timepoint", "Date", "Status"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._entries: tuple[WorklistEntry, ...] = ()
        self.itemActivated.connect(self._on_activated)

    @property
    def entries(self) -> tuple[WorklistEntry, ...]:
        """The entries shown, in the order shown."""
        return self._entries

    def set_entries(self, entries: Sequence[WorklistEntry]) -> None:
        """Show *entries*: subjects with work left first (then by code), the rest after."""
        self._entries = tuple(sorted(entries, key=lambda e: (e.is_done, e.subject)))
        self.clear()
        for entry in self._entries:
            following = entry.next_timepoint
            parent = QTreeWidgetItem(self, [
                entry.subject, "", f"next: {following.label}" if following else ALL_SIGNED])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for timepoint in entry.timepoints:
                item = QTreeWidgetItem(parent, [timepoint.label, timepoint.date.isoformat(),
                                                timepoint.state.value])
                item.setData(0, _VALUE_ROLE, (entry, timepoint))
                item.setForeground(2, QBrush(QColor(STATE_COLOURS[timepoint.state])))
                if timepoint is following:
                    font = QFont(item.font(0))
                    font.setBold(True)
                    for column in range(3):
                        item.setFont(column, font)
        self.expandAll()
        for column in range(3):  # "next: Baseline", "re-signature needed" stay whole
            self.resizeColumnToContents(column)
        self.select_next()

    def select_next(self) -> None:
        """Make the first subject's next timepoint current (without opening it)."""
        for index in range(self.topLevelItemCount()):
            parent = self.topLevelItem(index)
            for child in range(parent.childCount()):
                item = parent.child(child)
                entry, timepoint = item.data(0, _VALUE_ROLE)
                if timepoint.timepoint_id == entry.next_timepoint_id:
                    self.setCurrentItem(item)
                    return

    def select(self, task_id: int, timepoint_id: int) -> bool:
        """Make the row of one timepoint current (without opening it); False if absent."""
        for index in range(self.topLevelItemCount()):
            parent = self.topLevelItem(index)
            for child in range(parent.childCount()):
                item = parent.child(child)
                entry, timepoint = item.data(0, _VALUE_ROLE)
                if entry.task_id == task_id and timepoint.timepoint_id == timepoint_id:
                    self.setCurrentItem(item)
                    return True
        return False

    def find(self, task_id: int, timepoint_id: int
             ) -> tuple[WorklistEntry, WorklistTimepoint] | None:
        """The entry and timepoint shown for these keys, if the list has them."""
        for entry in self._entries:
            if entry.task_id == task_id:
                for timepoint in entry.timepoints:
                    if timepoint.timepoint_id == timepoint_id:
                        return entry, timepoint
        return None

    def current_timepoint(self) -> tuple[WorklistEntry, WorklistTimepoint] | None:
        """The entry and timepoint of the current row, if it is a timepoint."""
        item = self.currentItem()
        value = None if item is None else item.data(0, _VALUE_ROLE)
        return value if isinstance(value, tuple) else None

    def visible_texts(self) -> list[str]:
        """Every text the list shows (headers and cells), in order."""
        texts = [self.headerItem().text(c) for c in range(self.columnCount())]
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            texts.extend(item.text(c) for c in range(self.columnCount()))
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return texts

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, _VALUE_ROLE)
        if isinstance(value, tuple):
            self.timepoint_chosen.emit(*value)
