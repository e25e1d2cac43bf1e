"""The lesion panel: the reader's lesions at the timepoint being read, and what to measure.

One row per lesion of the reader's own read: its label, category and organ, and at this
timepoint its viable and total diameters (or a lymph node's short axis), or a non-target's
state. Choosing a row and a tool (V viable, T total, S short axis — the keys work in the
list) asks the reading view to measure that lesion with that caliper, and Delete asks to
remove it; the view draws, the session saves, and the panel is shown the read again. The
panel holds no state of its own beyond the selection: it shows ``core.model`` values and
emits requests.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical import LesionCategory
from core.model.reading import Lesion, MeasurementKind, Read

_TOOL_KEYS = {Qt.Key.Key_V: MeasurementKind.VIABLE, Qt.Key.Key_T: MeasurementKind.TOTAL,
              Qt.Key.Key_S: MeasurementKind.SHORT_AXIS}
_COLUMNS = ("Lesion", "Organ", "Viable", "Total", "State")


class _LesionTree(QTreeWidget):
    tool_key = Signal(object)
    delete_key = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override
        kind = _TOOL_KEYS.get(Qt.Key(event.key()))
        if kind is not None and not event.modifiers():
            self.tool_key.emit(kind)
            return
        if event.key() == Qt.Key.Key_Delete:
            self.delete_key.emit()
            return
        super().keyPressEvent(event)


class LesionPanel(QWidget):
    """The lesions of the read at one timepoint; asks to measure, add or remove them.

    Signals
    -------
    measure_requested(int, MeasurementKind)
        Measure lesion *id* with this caliper on the measuring viewport.
    add_requested(LesionCategory)
        Add a lesion of this category at the timepoint (the view asks for its organ).
    delete_requested(int)
        Remove lesion *id* (the session's undo brings it back).
    """

    # Lesion ids are 53-bit (random, docs/security.md §4): a Qt ``int`` (32 bits) would
    # cut them, so they travel as Python objects.
    measure_requested = Signal(object, object)
    add_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = _LesionTree()
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setHeaderLabels(list(_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.tool_key.connect(self._tool)
        self.tree.delete_key.connect(self._delete)
        self.tree.itemDoubleClicked.connect(lambda *_: self._tool(self._default_kind()))
        buttons = QHBoxLayout()
        self.add_buttons: dict[LesionCategory, QPushButton] = {}
        for category, text in ((LesionCategory.TARGET, "Add target"),
                               (LesionCategory.NON_TARGET, "Add non-target"),
                               (LesionCategory.NEW, "Add new lesion")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, c=category: self.add_requested.emit(c))
            buttons.addWidget(button)
            self.add_buttons[category] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self._lesions: tuple[Lesion, ...] = ()

    def set_read(self, read: Read, timepoint_id: int) -> None:
        """Show *read*'s lesions as they stand at *timepoint_id*; keep the selected one."""
        selected = self.current_lesion()
        self.tree.clear()
        self._lesions = tuple(read.lesions)
        for lesion in self._lesions:
            viable = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.VIABLE)
            total = read.measurement(lesion.lesion_id, timepoint_id, MeasurementKind.TOTAL)
            short = read.measurement(lesion.lesion_id, timepoint_id,
                                     MeasurementKind.SHORT_AXIS)
            finding = read.finding(lesion.lesion_id, timepoint_id)
            longest = short if lesion.is_node and short is not None else total
            item = QTreeWidgetItem([
                lesion.label, lesion.organ + (" (node)" if lesion.is_node else ""),
                f"{viable.length_mm} mm" if viable else "",
                f"{longest.length_mm} mm" if longest else "",
                str(finding.state) if finding is not None and finding.state else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, lesion.lesion_id)
            self.tree.addTopLevelItem(item)
            if selected is not None and lesion.lesion_id == selected.lesion_id:
                self.tree.setCurrentItem(item)
        for column in range(len(_COLUMNS)):
            self.tree.resizeColumnToContents(column)

    def current_lesion(self) -> Lesion | None:
        """The selected lesion, or ``None``."""
        item = self.tree.currentItem()
        if item is None:
            return None
        lesion_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((lesion for lesion in self._lesions if lesion.lesion_id == lesion_id), None)

    def select(self, lesion_id: int) -> None:
        """Select lesion *lesion_id* (after it was added, say)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == lesion_id:
                self.tree.setCurrentItem(item)

    def rows(self) -> list[list[str]]:
        """What the panel shows, row by row (for tests and screenshots)."""
        return [[item.text(column) for column in range(len(_COLUMNS))]
                for item in (self.tree.topLevelItem(i)
                             for i in range(self.tree.topLevelItemCount())) if item]

    def _default_kind(self) -> MeasurementKind:
        lesion = self.current_lesion()
        return MeasurementKind.SHORT_AXIS if lesion is not None and lesion.is_node \
            else MeasurementKind.VIABLE

    def _delete(self) -> None:
        lesion = self.current_lesion()
        if lesion is not None:
            self.delete_requested.emit(lesion.lesion_id)

    def _tool(self, kind: MeasurementKind) -> None:
        lesion = self.current_lesion()
        if lesion is not None:
            self.measure_requested.emit(lesion.lesion_id, kind)
