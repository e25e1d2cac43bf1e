"""The lesion panel: the reader's lesions at the timepoint being read, and what to measure.

One row per lesion of the reader's own read: its label, category and organ, and at this
timepoint its viable and total diameters (or a lymph node's short axis), or a non-target's
state. Choosing a row and a tool (V viable, T total, S short axis — the keys work in the
list) asks the reading view to measure that lesion with that caliper, and Delete asks to
remove it; the view draws, the session saves, and the panel is shown the read again. The
panel holds no state of its own beyond the selection: it shows ``core.model`` values and
emits requests.

A caliper drawn on another phase than the arterial one, where mRECIST measures (LL2010),
shows its phase beside its length ("23.4 mm (PV)"), and one on a lossy compressed image
says so. The engine's warnings about the read (``Result.warnings``: more than 2 targets in
an organ, a target under 10 mm, a viable diameter larger than the total …) are listed in
amber under the lesions, and each lesion a warning names is marked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import Finding, Lesion, Measurement, MeasurementKind, Read
from widgets.lesion_words import PHASE_ABBREVIATIONS, STATE_TEXT, lesion_caption, lesion_site

_TOOL_KEYS = {Qt.Key.Key_V: MeasurementKind.VIABLE, Qt.Key.Key_T: MeasurementKind.TOTAL,
              Qt.Key.Key_S: MeasurementKind.SHORT_AXIS}
_COLUMNS = ("Lesion", "Organ", "Viable", "Total", "State")
# Amber on the dark reading frame and on a light one: (text, box background, box border).
_WARNINGS_MAX_HEIGHT = 160
_AMBER = {True: ("#f0c36a", "#3a2f16", "#b8862b"), False: ("#7a4f00", "#fff4d6", "#e0a526")}


def length_text(measurement: Measurement | None) -> str:
    """A caliper's length as the panel shows it: "23.40 mm", "23.40 mm (PV)" when drawn on
    another phase than the arterial, "(lossy)" on a lossy compressed image; "" for none."""
    if measurement is None:
        return ""
    marks = []
    if measurement.phase is not None and measurement.phase is not Phase.ARTERIAL:
        marks.append(PHASE_ABBREVIATIONS[measurement.phase])
    if measurement.caliper.on_lossy_image:
        marks.append("lossy")
    return f"{measurement.length_mm} mm" + (f" ({', '.join(marks)})" if marks else "")


def _state_text(finding: Finding | None) -> str:
    state = finding.state if finding is not None else None
    if not state:
        return ""
    # A state read back as a plain string finds its words too (a StrEnum hashes as its str).
    return STATE_TEXT.get(state, str(state))  # type: ignore[call-overload]


def _names(message: str, label: str) -> bool:
    """True when *message* names lesion *label* ("T3", not "T31" nor "NT3")."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(label)}(?![0-9])", message) is not None


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
    lesion_selected(Lesion | None)
        The reader selected another lesion, or none is selected any more (the finding
        form follows it); not emitted when ``set_read`` keeps the selection.
    """

    # Lesion ids are 53-bit (random, docs/security.md §4): a Qt ``int`` (32 bits) would
    # cut them, so they travel as Python objects.
    measure_requested = Signal(object, object)
    add_requested = Signal(object)
    delete_requested = Signal(object)
    lesion_selected = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = _LesionTree()
        self.tree.setColumnCount(len(_COLUMNS))
        self.tree.setHeaderLabels(list(_COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(len(_COLUMNS)):  # the organ gives way, elided (its tooltip)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 1
                                        else QHeaderView.ResizeMode.ResizeToContents)
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
        self.warning_box = QLabel()
        self.warning_box.setTextFormat(Qt.TextFormat.RichText)
        self.warning_box.setWordWrap(True)
        self.warning_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning_box.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.warning_area = QScrollArea()  # many warnings scroll; the lesions keep the room
        self.warning_area.setWidget(self.warning_box)
        self.warning_area.setWidgetResizable(True)
        self.warning_area.setFrameShape(QFrame.Shape.NoFrame)
        self.warning_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warning_area.setMaximumHeight(_WARNINGS_MAX_HEIGHT)
        self.warning_area.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.warning_area)
        layout.addLayout(buttons)
        self._lesions: tuple[Lesion, ...] = ()
        self._warnings: tuple[str, ...] = ()
        self._selected_id: int | None = None
        self.tree.currentItemChanged.connect(self._on_current_changed)

    def set_read(self, read: Read, timepoint_id: int) -> None:
        """Show *read*'s lesions as they stand at *timepoint_id*; keep the selected one."""
        selected = self._selected_id
        self.tree.blockSignals(True)  # a rebuild is no choice of the reader's
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
                lesion.label, lesion_site(lesion, compact=True), length_text(viable),
                length_text(longest), _state_text(finding)])
            item.setData(0, Qt.ItemDataRole.UserRole, lesion.lesion_id)
            self.tree.addTopLevelItem(item)
            if lesion.lesion_id == selected:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)
        self._mark_warned_rows()
        self._on_current_changed()

    def set_warnings(self, messages: Sequence[str]) -> None:
        """Show the engine's warnings about the read in amber under the lesions, and mark
        each lesion they name; an empty sequence clears them."""
        self._warnings = tuple(str(message) for message in messages)
        self._show_warnings()
        self._mark_warned_rows()

    def warnings(self) -> tuple[str, ...]:
        """The warnings shown."""
        return self._warnings

    def warned_labels(self) -> tuple[str, ...]:
        """The labels of the lesions a warning names, in the panel's order."""
        return tuple(lesion.label for lesion in self._lesions
                     if any(_names(message, lesion.label) for message in self._warnings))

    def current_lesion(self) -> Lesion | None:
        """The selected lesion, or ``None``."""
        return self._lesion_of(self.tree.currentItem())

    def _lesion_of(self, item: QTreeWidgetItem | None) -> Lesion | None:
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

    def changeEvent(self, event: QEvent) -> None:  # Qt override: amber for the new palette
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._show_warnings()
            self._mark_warned_rows()

    def _amber(self) -> tuple[str, str, str]:
        return _AMBER[self.palette().color(QPalette.ColorRole.Window).lightness() < 128]

    def _show_warnings(self) -> None:
        text, background, border = self._amber()
        self.warning_box.setStyleSheet(
            f"QLabel {{ color: {text}; background: {background}; "
            f"border-left: 3px solid {border}; padding: 4px 6px; }}")
        items = "".join(f"<li>{html.escape(message)}</li>" for message in self._warnings)
        self.warning_box.setText(
            f"<b>&#9888; {len(self._warnings)} warning{'s' if len(self._warnings) != 1 else ''}"
            f"</b><ul style='margin: 2px 0 0 -24px'>{items}</ul>")
        self.warning_area.setVisible(bool(self._warnings))

    def _mark_warned_rows(self) -> None:
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        amber = QBrush(QColor(self._amber()[0]))
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is None:
                continue
            lesion = self._lesion_of(item)
            named = [message for message in self._warnings if _names(message, item.text(0))]
            item.setIcon(0, icon if named else QIcon())
            item.setForeground(0, amber if named else QBrush())
            tip = "\n".join([f"{lesion.label} · {lesion_caption(lesion)}"] if lesion else [])
            tip += "".join(f"\n⚠ {message}" for message in named)
            for column in range(len(_COLUMNS)):
                item.setToolTip(column, tip)

    def _on_current_changed(self, *_: object) -> None:
        lesion = self.current_lesion()
        lesion_id = lesion.lesion_id if lesion is not None else None
        if lesion_id != self._selected_id:
            self._selected_id = lesion_id
            self.lesion_selected.emit(lesion)

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
