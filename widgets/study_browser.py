"""The worklist: subjects and their timepoints, one study per timepoint."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from core.model.imaging import StudyRef

_REF_ROLE = Qt.ItemDataRole.UserRole


class StudyBrowser(QTreeWidget):
    """Subjects as top-level items, their timepoints in date order beneath.

    Signals
    -------
    study_selected(StudyRef)     the reader chose a timepoint to read
    """

    study_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["Subject / timepoint", "Date"])
        self.setColumnWidth(0, 130)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: dict[tuple[str, str], QTreeWidgetItem] = {}
        self.currentItemChanged.connect(self._on_current_changed)

    def set_studies(self, studies: Sequence[StudyRef]) -> None:
        """Replace the list with *studies* (any order; shown by subject, then date)."""
        self.blockSignals(True)
        try:
            self.clear()
            self._items.clear()
            subjects: dict[str, QTreeWidgetItem] = {}
            for ref in sorted(studies, key=lambda r: (r.subject, r.study_date)):
                parent = subjects.get(ref.subject)
                if parent is None:
                    parent = QTreeWidgetItem(self, [ref.subject, ""])
                    parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                    subjects[ref.subject] = parent
                item = QTreeWidgetItem(parent, [ref.timepoint_label, ref.study_date.isoformat()])
                item.setData(0, _REF_ROLE, ref)
                self._items[(ref.subject, ref.timepoint_label)] = item
            self.expandAll()
        finally:
            self.blockSignals(False)

    def select(self, ref: StudyRef) -> None:
        """Highlight *ref* without emitting :attr:`study_selected`."""
        item = self._items.get((ref.subject, ref.timepoint_label))
        if item is not None:
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        ref = current.data(0, _REF_ROLE) if current is not None else None
        if isinstance(ref, StudyRef):
            self.study_selected.emit(ref)
