"""The adverse events proposed from abnormal labs, and the earlier dismissals.

Public API: ``ProposedEventsPanel(QWidget)`` with ``show_overview(overview)`` (or
``show_proposals(proposals, dismissals, cut_off)``), ``selected_proposal()``,
``select_proposal(index)``, the ``proposals`` table, the ``dismissals`` ``EntryTable``,
and the signals ``confirm_requested(ProposedEvent)``, ``dismiss_requested(ProposedEvent)``
and ``withdraw_requested(int entry_id)``; ``EMPTY_TEXT``.

Each proposal is one episode of one lab term at its worst grade
(``core.clinical.proposals``, docs/clinical.md §5a): the coordinator confirms it (the event
form asks the relatedness) or dismisses it with a reason. A dismissal stays listed with
its reason and can be withdrawn (the episode is proposed again), unless the data cut-off
locked it. The panel asks; whoever owns it opens the forms and calls the actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.clinical.overview import ClinicalOverview
from core.clinical.proposals import ProposedEvent
from core.model.clinical_record import ClinicalEntry, ClinicalKind, DismissedLabEvent
from widgets.record_rows import DISMISSAL_COLUMNS, SEVERE_GRADE, dismissal_rows
from widgets.record_table import ALERT_BACKGROUND, ALERT_INK, INK, MUTED_INK, EntryTable
from widgets.record_text import date_text, grade_label

EMPTY_TEXT = "No lab abnormality waits for a decision."
PROPOSAL_COLUMNS = ("Subject", "CTCAE term", "Grade", "From", "Last abnormal", "Samples")
_INDEX_ROLE = Qt.ItemDataRole.UserRole


class _ProposalTable(QTableWidget):
    """Enter confirms the selected proposal, Delete dismisses it."""

    def __init__(self, owner: ProposedEventsPanel) -> None:
        super().__init__(0, len(PROPOSAL_COLUMNS))
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._owner.request_confirm()
        elif event.key() == Qt.Key.Key_Delete:
            self._owner.request_dismiss()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class ProposedEventsPanel(QWidget):
    """The proposals with Confirm… and Dismiss…, the dismissals with Withdraw….

    Signals
    -------
    confirm_requested(ProposedEvent)     record it as an adverse event
    dismiss_requested(ProposedEvent)     dismiss it with a reason
    withdraw_requested(int)              withdraw the dismissal with this entry id
    """

    confirm_requested = Signal(object)
    dismiss_requested = Signal(object)
    withdraw_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._proposals: tuple[ProposedEvent, ...] = ()
        self.intro = QLabel(
            "Each treatment-emergent lab abnormality (CTCAE grade 1 or more, after the first "
            "treatment and worse than at baseline) is proposed once per episode, at its "
            "worst grade. Confirm it as an adverse event (with its relatedness) or dismiss "
            "it with the reason it is not one.")
        self.intro.setWordWrap(True)
        self.proposals = _ProposalTable(self)
        self.proposals.setHorizontalHeaderLabels(PROPOSAL_COLUMNS)
        self.proposals.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.proposals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.proposals.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.proposals.verticalHeader().setVisible(False)
        header = self.proposals.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setStyleSheet(f"color: {MUTED_INK}; font-style: italic; padding: 4px;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_button = QPushButton("Confirm…")
        self.dismiss_button = QPushButton("Dismiss…")
        self.confirm_button.setToolTip("record it as an adverse event (Enter)")
        self.dismiss_button.setToolTip("dismiss it with a reason (Delete)")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.confirm_button, self.dismiss_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.dismissals = EntryTable(
            ClinicalKind.LAB_EVENT_DISMISSAL, DISMISSAL_COLUMNS,
            empty_text="No lab abnormality dismissed.", add_label=None, edit_label=None,
            delete_label="Withdraw…")
        self.withdraw_button = self.dismissals.delete_button
        self.withdraw_button.setToolTip("withdraw the dismissal: the episode is proposed "
                                        "again")
        proposed_box = QGroupBox("Proposed adverse events, waiting for a decision")
        proposed = QVBoxLayout(proposed_box)
        proposed.addWidget(self.intro)
        proposed.addWidget(self.proposals, 1)
        proposed.addWidget(self.empty)
        proposed.addWidget(self.detail)
        proposed.addLayout(buttons)
        dismissed_box = QGroupBox("Dismissed earlier: not adverse events, with why")
        QVBoxLayout(dismissed_box).addWidget(self.dismissals)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(proposed_box, 3)
        layout.addWidget(dismissed_box, 2)
        self.confirm_button.clicked.connect(self.request_confirm)
        self.dismiss_button.clicked.connect(self.request_dismiss)
        self.proposals.itemSelectionChanged.connect(self._update)
        self.dismissals.delete_requested.connect(
            lambda _kind, entry_id: self.withdraw_requested.emit(entry_id))
        self.show_proposals((), (), None)

    # -- showing -----------------------------------------------------------------------
    def show_overview(self, overview: ClinicalOverview) -> None:
        """Show *overview*'s proposals and its record's dismissals."""
        self.show_proposals(overview.proposals, overview.record.dismissals,
                            overview.record.cut_off_date)

    def show_proposals(self, proposals: Sequence[ProposedEvent],
                       dismissals: Sequence[ClinicalEntry[DismissedLabEvent]],
                       cut_off: dt.date | None) -> None:
        """Show *proposals* and *dismissals* (the same proposal stays selected)."""
        keep = self.selected_proposal()
        self._proposals = tuple(proposals)
        self.proposals.setRowCount(len(self._proposals))
        bold = QFont(self.proposals.font())
        bold.setBold(True)
        for row, proposal in enumerate(self._proposals):
            cells = (proposal.subject, proposal.term, grade_label(proposal.grade),
                     date_text(proposal.onset), date_text(proposal.last_abnormal),
                     str(proposal.samples))
            severe = proposal.grade >= SEVERE_GRADE
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(_INDEX_ROLE, row)
                item.setToolTip(proposal.text)
                item.setForeground(QBrush(QColor(ALERT_INK if severe else INK)))
                if severe:
                    item.setBackground(QBrush(QColor(ALERT_BACKGROUND)))
                    item.setFont(bold)
                self.proposals.setItem(row, column, item)
        self.proposals.resizeRowsToContents()
        self.proposals.setVisible(bool(self._proposals))
        self.empty.setVisible(not self._proposals)
        if keep in self._proposals:
            self.select_proposal(self._proposals.index(keep))
        elif self._proposals:
            self.select_proposal(0)
        self.dismissals.set_rows(dismissal_rows(dismissals), cut_off)
        self._update()

    def select_proposal(self, index: int) -> None:
        """Select the proposal in row *index*."""
        self.proposals.selectRow(index)
        self.proposals.setCurrentCell(index, 0)

    def selected_proposal(self) -> ProposedEvent | None:
        """The selected proposal, or None."""
        items = self.proposals.selectedItems()
        if not items:
            return None
        index = int(items[0].data(_INDEX_ROLE))
        return self._proposals[index] if index < len(self._proposals) else None

    @property
    def shown_proposals(self) -> tuple[ProposedEvent, ...]:
        """The proposals shown, in their order."""
        return self._proposals

    def _update(self) -> None:
        selected = self.selected_proposal()
        self.confirm_button.setEnabled(selected is not None)
        self.dismiss_button.setEnabled(selected is not None)
        self.confirm_button.setVisible(bool(self._proposals))
        self.dismiss_button.setVisible(bool(self._proposals))
        self.detail.setText(f"Selected: {selected.text}" if selected is not None else "")
        self.detail.setVisible(selected is not None)

    # -- requests ----------------------------------------------------------------------
    def request_confirm(self) -> None:
        """Ask to record the selected proposal as an adverse event."""
        selected = self.selected_proposal()
        if selected is not None:
            self.confirm_requested.emit(selected)

    def request_dismiss(self) -> None:
        """Ask to dismiss the selected proposal with a reason."""
        selected = self.selected_proposal()
        if selected is not None:
            self.dismiss_requested.emit(selected)
