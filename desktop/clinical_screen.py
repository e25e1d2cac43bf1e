"""The coordinator's clinical record of one subject: the view wired to the actions.

``widgets.clinical_record_view`` shows a subject's overview (``core.actions.subject_overview``)
and asks; this screen answers each request with its form and its action of
``core.actions.clinical``, then shows the next overview:

- add: the kind's form (``widgets.clinical_forms.form_for``), recorded on OK; a refusal of
  the store (a duplicate, the data cut-off) is shown in the form, which stays open;
- edit: the form prefilled, then the reason for the change (21 CFR 11.10(e)) with the
  changed fields, old → new; delete: the entry and the reason;
- a proposed adverse event: confirmed with the adverse-event form filled from the proposal
  (relatedness, seriousness, action and outcome to add), or dismissed with a reason;
  a dismissal withdrawn with a reason;
- the data cut-off: the lock, for this subject or every subject.

Only the coordinator reaches this screen (the actions refuse every other role anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.actions import clinical as clinical_actions
from core.actions import list_subjects, lock_clinical, subject_overview
from core.clinical.overview import ClinicalOverview
from core.clinical.proposals import ProposedEvent
from core.errors import CoreError
from core.model.clinical_record import ClinicalKind
from core.model.trial import Session
from core.store import Store
from desktop.errors import reported_errors
from widgets.adverse_event_form import AdverseEventForm
from widgets.change_reason_dialog import ChangeReasonDialog, change_lines, entry_lines
from widgets.clinical_form_base import ClinicalForm
from widgets.clinical_forms import form_for, what_of
from widgets.clinical_record_view import ClinicalRecordView
from widgets.cut_off_dialog import CutOffDialog
from widgets.dismiss_dialog import DismissDialog

ERROR_STYLE = "color: #b3261e; font-weight: bold;"
DONE_STYLE = "color: #1b5e20;"


def _action(verb: str, kind: ClinicalKind) -> Callable[..., Any]:
    """``record_lab``, ``update_dose`` …: one action of core.actions.clinical per kind."""
    action: Callable[..., Any] = getattr(clinical_actions, f"{verb}_{kind.value}")
    return action


class ClinicalScreen(QWidget):
    """One subject's clinical record at a time, for the logged-in coordinator.

    ``today`` is the day entries are checked against (tests set it); ``dialog`` is the
    form or reason dialog open now, if any.
    """

    changed = Signal()  # something was recorded: the board may count it

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None,
                 *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self.today = today
        self.dialog: QDialog | None = None
        self.subject_box = QComboBox()
        self.subject_box.setAccessibleName("Subject")
        self.subject_box.setMinimumWidth(140)
        self.lock_button = QPushButton("Lock at data cut-off…")
        self.refresh_button = QPushButton("Refresh")
        self.view = ClinicalRecordView()
        self.message = QLabel()
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        label = QLabel("&Subject")
        label.setBuddy(self.subject_box)
        top.addWidget(label)
        top.addWidget(self.subject_box)
        top.addStretch(1)
        top.addWidget(self.lock_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.subject_box.currentTextChanged.connect(self._subject_chosen)
        self.lock_button.clicked.connect(self.ask_lock)
        self.refresh_button.clicked.connect(self.refresh)
        self.view.add_requested.connect(self.add_entry)
        self.view.edit_requested.connect(self.edit_entry)
        self.view.delete_requested.connect(self.delete_entry)
        self.view.confirm_requested.connect(self.confirm_proposal)
        self.view.dismiss_requested.connect(self.dismiss_proposal)
        self.view.withdraw_requested.connect(self.withdraw_dismissal)
        self.load_subjects()

    # -- the subject -------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        """Continue under the coordinator's new log-in (after the idle lock)."""
        self._session = session

    @property
    def subject(self) -> str | None:
        """The subject shown."""
        return self.subject_box.currentText() or None

    @property
    def overview(self) -> ClinicalOverview | None:
        """The overview shown."""
        return self.view.overview

    def load_subjects(self) -> None:
        """Fill the subject list from the store, keeping the subject shown."""
        shown = self.subject
        with reported_errors(self, "Subjects"):
            codes = [s.code for s in list_subjects(self._store, self._session)]
            self.subject_box.blockSignals(True)
            self.subject_box.clear()
            self.subject_box.addItems(codes)
            self.subject_box.blockSignals(False)
            if shown in codes:
                self.subject_box.setCurrentText(shown)
            self._subject_chosen(self.subject_box.currentText())

    def show_subject(self, code: str) -> None:
        """Show *code*'s record."""
        if self.subject_box.findText(code) < 0:
            self.load_subjects()
        self.subject_box.setCurrentText(code)
        if self.subject == code:
            self.refresh()

    def _subject_chosen(self, code: str) -> None:
        if code:
            self.refresh()

    def refresh(self) -> None:
        """Load the subject's overview again from the store."""
        if self.subject is None:
            return
        with reported_errors(self, "Clinical record"):
            self.view.show_overview(subject_overview(self._store, self._session,
                                                     self.subject))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)
        self.message.setText(text)

    def _attempt(self, what: str, call: Callable[[], object]) -> str | None:
        """Run one action: ``None`` when it was done, else the store's refusal (also shown
        under the view); the record is shown again either way."""
        try:
            call()
        except CoreError as exc:
            self._say(f"{what}: {exc}", error=True)
            return str(exc)
        else:
            self._say(f"{what}: done.")
            self.changed.emit()
            return None
        finally:
            self.refresh()

    def _open(self, dialog: QDialog, on_accept: Callable[[], None] | None = None) -> None:
        self.dialog = dialog
        if on_accept is not None:
            dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _code: self._closed(dialog))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    # -- entries -----------------------------------------------------------------------
    def add_entry(self, kind: ClinicalKind) -> None:
        """Open *kind*'s form; OK records it."""
        overview, subject = self.overview, self.subject
        if overview is None or subject is None:
            return
        record = _action("record", kind)

        def submit(value: object) -> str | None:
            return self._attempt(f"Record {what_of(kind, value)}", lambda: record(
                self._store, self._session, subject, value, today=self.today))

        self._open(form_for(kind, overview, today=self.today, submit=submit, parent=self))

    def _entry(self, kind: ClinicalKind, entry_id: int) -> Any:
        overview = self.overview
        if overview is None:
            return None
        record = overview.record
        found = [*record.eligibility, *record.treatment_sessions, *record.doses,
                 *record.labs, *record.adverse_events, *record.follow_up,
                 *record.dismissals, *(e for e in (record.screening, record.baseline,
                                                   record.end_of_treatment) if e)]
        return next((e for e in found if e.kind is kind and e.entry_id == entry_id), None)

    def edit_entry(self, kind: ClinicalKind, entry_id: int) -> None:
        """Open the entry's form prefilled; OK asks the reason for the change, then
        records it. The form stays open until the change is recorded, so a refusal of the
        store (a duplicate, the cut-off) leaves what was typed to be corrected."""
        entry, overview = self._entry(kind, entry_id), self.overview
        if entry is None or overview is None:
            return
        form: ClinicalForm | None = None

        def submit(value: object) -> str | None:
            assert form is not None
            self._ask_change_reason(kind, entry_id, entry.value, value, form)
            return "the reason for the change is asked (in front)"

        form = form_for(kind, overview, entry.value, today=self.today, submit=submit,
                        parent=self)
        self._open(form)

    def _ask_change_reason(self, kind: ClinicalKind, entry_id: int, old: object,
                           new: object, form: ClinicalForm) -> None:
        dialog = ChangeReasonDialog(what_of(kind, old), change_lines(old, new), parent=form)
        update = _action("update", kind)

        def save() -> None:
            reason = dialog.reason() or ""
            refusal = self._attempt(f"Change {what_of(kind, old)}", lambda: update(
                self._store, self._session, entry_id, new, reason, today=self.today))
            if refusal is None:
                form.finish()
            else:
                form.show_refusal(refusal)

        def closed(_code: int) -> None:
            if dialog.result() != QDialog.DialogCode.Accepted:
                form.show_refusal("")
            if self.dialog is dialog:
                self.dialog = form if form.isVisible() else None

        self.dialog = dialog
        dialog.accepted.connect(save)
        dialog.finished.connect(closed)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def delete_entry(self, kind: ClinicalKind, entry_id: int) -> None:
        """Ask the reason for removing the entry, then remove it."""
        entry = self._entry(kind, entry_id)
        if entry is None:
            return
        dialog = ChangeReasonDialog(what_of(kind, entry.value), entry_lines(entry.value),
                                    deleting=True, parent=self)
        delete = _action("delete", kind)

        def remove() -> None:
            reason = dialog.reason() or ""
            self._attempt(f"Delete {what_of(kind, entry.value)}", lambda: delete(
                self._store, self._session, entry_id, reason))

        self._open(dialog, remove)

    # -- proposed adverse events --------------------------------------------------------
    def confirm_proposal(self, proposal: ProposedEvent) -> None:
        """The adverse-event form filled from *proposal*; OK records the event."""
        overview, subject = self.overview, self.subject
        if overview is None or subject is None:
            return

        def submit(value: object) -> str | None:
            return self._attempt(f"Record adverse event {proposal.term}", lambda:
                                 clinical_actions.record_adverse_event(
                                     self._store, self._session, subject, value,
                                     today=self.today))

        self._open(AdverseEventForm.from_proposal(proposal, overview.causes, today=self.today,
                                                  submit=submit, parent=self))

    def dismiss_proposal(self, proposal: ProposedEvent) -> None:
        """Ask why *proposal* is not an adverse event, then record the dismissal."""
        subject = self.subject
        if subject is None:
            return
        dialog = DismissDialog(proposal, parent=self)

        def dismiss() -> None:
            value = dialog.value()
            if value is not None:
                self._attempt(f"Dismiss {proposal.term}", lambda:
                              clinical_actions.record_lab_event_dismissal(
                                  self._store, self._session, subject, value,
                                  today=self.today))

        self._open(dialog, dismiss)

    def withdraw_dismissal(self, entry_id: int) -> None:
        """Ask the reason, then withdraw the dismissal: the episode is proposed again."""
        self.delete_entry(ClinicalKind.LAB_EVENT_DISMISSAL, entry_id)

    # -- the data cut-off ---------------------------------------------------------------
    def ask_lock(self) -> None:
        """Ask the cut-off date and scope, then lock."""
        overview, subject = self.overview, self.subject
        if overview is None or subject is None:
            return
        today = self.today or dt.date.today()
        dialog = CutOffDialog(subject, overview.record.cut_off_date, today, parent=self)

        def lock() -> None:
            chosen = dialog.value()
            if chosen is None:
                return
            scope, day = chosen
            self._attempt(f"Lock at {day.isoformat()}", lambda: lock_clinical(
                self._store, self._session, scope, day, today=self.today))

        self._open(dialog, lock)
