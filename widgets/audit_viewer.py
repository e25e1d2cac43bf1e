"""The audit trail for the admin: filters, a paged table, and "Verify the record".

Shows ``core.model.admin.AuditPage`` values as given — who, when, what, on which subject,
and a summary of the change that names a read's columns without their values — and emits
plain requests: the filter and offset of the page wanted, and a check of the record. The
check's outcome (``RecordVerdict``) is shown above the table; its first broken row is
marked and selected when it is on the page shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.admin import AuditEntry, AuditFilter, AuditPage, RecordVerdict
from widgets.admin_style import BROKEN_ROW_BACKGROUND, INTACT_COLOUR, REFUSAL_COLOUR

COLUMNS = ("Row", "Time (UTC)", "User", "Action", "Entity", "Id", "Subject", "Change")
ANY = "All"
NO_USER = "—"  # no acting user: an unknown login, a check of the file, a recovery
_ID_ROLE = Qt.ItemDataRole.UserRole


def entry_row(entry: AuditEntry) -> tuple[str, ...]:
    """The cells of one audit row, as the table shows them."""
    return (str(entry.audit_id), entry.utc.replace("T", " ")[:19],
            entry.user or NO_USER, entry.action, entry.entity,
            "" if entry.entity_id is None else str(entry.entity_id), entry.subject or "",
            entry.summary)


class AuditViewer(QWidget):
    """Filters by user, subject and action; Previous / Next; Verify the record.

    Signals
    -------
    page_requested(AuditFilter, int)   the page of these filters at this offset
    verify_requested()                 check the whole record (the screen runs it)
    """

    page_requested = Signal(object, int)
    verify_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._page: AuditPage | None = None
        self._marked: int | None = None
        self.user = QComboBox()
        self.subject = QComboBox()
        self.action = QComboBox()
        for combo in (self.user, self.subject, self.action):
            combo.addItem(ANY, None)
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.activated.connect(self._filters_changed)
        self.previous_button = QPushButton("◀ Newer")
        self.next_button = QPushButton("Older ▶")
        self.position = QLabel()
        self.position.setObjectName("caption")
        self.verify_button = QPushButton("Verify the record")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the check reports no fraction
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(120)
        self.progress.hide()
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

        filters = QHBoxLayout()
        for caption, combo in (("User", self.user), ("Subject", self.subject),
                               ("Action", self.action)):
            label = QLabel(caption)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.progress)
        filters.addWidget(self.verify_button)
        pages = QHBoxLayout()
        pages.addWidget(self.position)
        pages.addStretch(1)
        pages.addWidget(self.previous_button)
        pages.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.verdict)
        layout.addWidget(self.table)
        layout.addLayout(pages)
        for button in (self.previous_button, self.next_button, self.verify_button):
            button.setAutoDefault(False)
        self.previous_button.clicked.connect(lambda: self._go(-1))
        self.next_button.clicked.connect(lambda: self._go(1))
        self.verify_button.clicked.connect(self.verify_requested)
        self._update_buttons()

    # -- what is shown ------------------------------------------------------------------
    @property
    def page(self) -> AuditPage | None:
        """The page shown, or ``None`` before the first."""
        return self._page

    def current_filter(self) -> AuditFilter:
        """The filters as chosen."""
        return AuditFilter(self.user.currentData(), self.subject.currentData(),
                           self.action.currentData())

    def set_page(self, page: AuditPage) -> None:
        """Show *page*: its rows, its filters' choices and where it is in the trail."""
        self._page = page
        self._fill(self.user, page.users, page.filter.user)
        self._fill(self.subject, page.subjects, page.filter.subject)
        self._fill(self.action, page.actions, page.filter.action)
        self.table.setRowCount(len(page.entries))
        for row, entry in enumerate(page.entries):
            for column, value in enumerate(entry_row(entry)):
                item = QTableWidgetItem(value)
                item.setData(_ID_ROLE, entry.audit_id)
                if column == len(COLUMNS) - 1:
                    item.setToolTip(value)
                self.table.setItem(row, column, item)
        first = page.offset + 1 if page.entries else 0
        self.position.setText(f"rows {first}–{page.offset + len(page.entries)} of "
                              f"{page.total}, newest first")
        self._mark(self._marked)
        self._update_buttons()

    def set_verifying(self, running: bool) -> None:
        """Show that a check is running (the button waits for it)."""
        self.progress.setVisible(running)
        self.verify_button.setEnabled(not running)
        if running:
            self.verdict.setText("Checking the chain, the schema, every table, the anchors "
                                 "and the signatures…")
            self.verdict.setStyleSheet("")
            self.verdict.show()

    def show_verdict(self, verdict: RecordVerdict) -> None:
        """Show the check's outcome; mark and select its first broken row if shown."""
        self.set_verifying(False)
        lines = [verdict.headline, *(f"• {line}" for line in verdict.findings)]
        self.verdict.setText("\n".join(lines))
        colour = INTACT_COLOUR if verdict.is_intact else REFUSAL_COLOUR
        self.verdict.setStyleSheet(f"color: {colour};")
        self.verdict.show()
        self._marked = verdict.first_broken_row
        self._mark(self._marked)

    def marked_row(self) -> int | None:
        """The audit row marked broken by the last check, or ``None``."""
        return self._marked

    def selected_row_id(self) -> int | None:
        """The audit row id of the selected table row, or ``None``."""
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1 or self._page is None:
            return None
        return self._page.entries[rows[0].row()].audit_id

    # -- internals ----------------------------------------------------------------------
    def _mark(self, audit_id: int | None) -> None:
        if self._page is None:
            return
        for row, entry in enumerate(self._page.entries):
            broken = entry.audit_id == audit_id
            for column in range(len(COLUMNS)):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(QBrush(QColor(BROKEN_ROW_BACKGROUND)) if broken
                                       else QBrush())
            if broken:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, 0),
                                        QAbstractItemView.ScrollHint.PositionAtCenter)

    @staticmethod
    def _fill(combo: QComboBox, choices: tuple[str, ...], chosen: str | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ANY, None)
        for choice in choices:
            combo.addItem(choice, choice)
        index = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _filters_changed(self) -> None:
        self.page_requested.emit(self.current_filter(), 0)

    def _go(self, step: int) -> None:
        page = self._page
        if page is None:
            return
        offset = max(page.offset + step * page.limit, 0)
        self.page_requested.emit(page.filter, offset)

    def _update_buttons(self) -> None:
        page = self._page
        self.previous_button.setEnabled(page is not None and page.has_previous)
        self.next_button.setEnabled(page is not None and page.has_next)
