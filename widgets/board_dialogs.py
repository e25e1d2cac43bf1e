"""The coordinator's small set-up dialogs: a subject, a timepoint, the two readers, where
an import goes.

Each shows plain values it is given and answers plain values; the store's refusals are
shown by whoever acts on the answer (the dialog knows nothing of the store).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.model.board import BoardSubject, ReaderAccount

NO_READER = "— not assigned —"
NO_WEEK = "—"
BY_HEADERS = "By PatientID and study date"


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class SubjectDialog(QDialog):
    """Register a subject by its trial code (never a patient's name or ID)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Register subject")
        self.code_field = QLineEdit()
        self.code_field.setPlaceholderText("trial code, e.g. HCC-004")
        form = QFormLayout(self)
        form.addRow("Trial code", self.code_field)
        form.addRow(QLabel("The trial's code only: never a patient's name or ID."))
        self.buttons = _buttons(self, "Register")
        form.addRow(self.buttons)

    def code(self) -> str:
        """The code typed, without surrounding spaces."""
        return self.code_field.text().strip()


class TimepointDialog(QDialog):
    """Add an imaging timepoint to a subject: label, date, nominal week (optional)."""

    def __init__(self, subjects: Sequence[str], subject: str | None = None,
                 parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add timepoint")
        self.subject_box = QComboBox()
        self.subject_box.addItems(list(subjects))
        if subject in subjects:
            self.subject_box.setCurrentText(subject)
        self.label_field = QLineEdit()
        self.label_field.setPlaceholderText("e.g. Week 18")
        self.date_field = QDateEdit()
        self.date_field.setCalendarPopup(True)
        self.date_field.setDisplayFormat("yyyy-MM-dd")
        day = today or dt.date.today()
        self.date_field.setDate(QDate(day.year, day.month, day.day))
        self.week_field = QSpinBox()
        self.week_field.setRange(-1, 520)
        self.week_field.setSpecialValueText(NO_WEEK)  # -1: no nominal week
        self.week_field.setValue(-1)
        form = QFormLayout(self)
        form.addRow("Subject", self.subject_box)
        form.addRow("Label", self.label_field)
        form.addRow("Study date", self.date_field)
        form.addRow("Nominal week", self.week_field)
        self.buttons = _buttons(self, "Add")
        form.addRow(self.buttons)

    def subject(self) -> str:
        """The chosen subject's code."""
        return self.subject_box.currentText()

    def label(self) -> str:
        """The label typed, without surrounding spaces."""
        return self.label_field.text().strip()

    def date(self) -> dt.date:
        """The study date chosen."""
        chosen = self.date_field.date()
        return dt.date(chosen.year(), chosen.month(), chosen.day())

    def week(self) -> int | None:
        """The nominal week, or ``None`` when left at "—"."""
        value = self.week_field.value()
        return None if value < 0 else value


class AssignDialog(QDialog):
    """Choose reader 1 and reader 2 of a subject from the trial's readers.

    A slot already assigned shows its reader and cannot be changed here; the store
    decides whether the choice is allowed (never the same person twice).
    """

    def __init__(self, subject: BoardSubject, readers: Sequence[ReaderAccount],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Assign readers — {subject.code}")
        self.subject_code = subject.code
        self.reader_boxes: list[QComboBox] = []
        form = QFormLayout(self)
        for slot, current in ((1, subject.reader_1), (2, subject.reader_2)):
            box = QComboBox()
            box.addItem(NO_READER, "")
            for reader in readers:
                box.addItem(f"{reader.display_name} ({reader.login})", reader.login)
            if current is not None:
                index = box.findData(current)
                if index < 0:
                    box.addItem(current, current)
                    index = box.count() - 1
                box.setCurrentIndex(index)
                box.setEnabled(False)
                box.setToolTip("already assigned")
            self.reader_boxes.append(box)
            form.addRow(f"Reader {slot}", box)
        form.addRow(QLabel("The two reads are independent: one person never reads both."))
        self.buttons = _buttons(self, "Assign")
        form.addRow(self.buttons)

    def choose(self, slot: int, login: str | None) -> None:
        """Pick *login* (``None``: nobody) as reader *slot*, as a click in its list would."""
        box = self.reader_boxes[slot - 1]
        box.setCurrentIndex(box.findData(login or ""))

    def choices(self) -> tuple[str | None, str | None]:
        """The logins newly chosen for reader 1 and reader 2 (``None``: left as it was)."""
        picked = [None if not box.isEnabled() else (box.currentData() or None)
                  for box in self.reader_boxes]
        return picked[0], picked[1]


class ImportTargetDialog(QDialog):
    """Where a reviewed scan goes: by each study's PatientID and date, or one chosen
    subject and timepoint."""

    def __init__(self, subjects: Sequence[BoardSubject], subject: str | None = None,
                 summary: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import into the trial")
        self._timepoints = {s.code: [tp.label for tp in s.timepoints] for s in subjects}
        self.subject_box = QComboBox()
        self.subject_box.addItem(BY_HEADERS, "")
        for code in self._timepoints:
            self.subject_box.addItem(code, code)
        self.timepoint_box = QComboBox()
        self.subject_box.currentIndexChanged.connect(self._fill_timepoints)
        layout = QVBoxLayout(self)
        if summary:
            layout.addWidget(QLabel(summary))
        form = QFormLayout()
        form.addRow("Subject", self.subject_box)
        form.addRow("Timepoint", self.timepoint_box)
        layout.addLayout(form)
        self.buttons = _buttons(self, "Import")
        layout.addWidget(self.buttons)
        if subject is not None and subject in self._timepoints:
            self.subject_box.setCurrentIndex(self.subject_box.findData(subject or ""))
        self._fill_timepoints()

    def _fill_timepoints(self) -> None:
        code = self.subject_box.currentData()
        self.timepoint_box.clear()
        self.timepoint_box.setEnabled(bool(code))
        if not code:
            return
        for label in self._timepoints[code]:
            self.timepoint_box.addItem(label, label)

    def choose(self, subject: str | None, timepoint: str | None) -> None:
        """Pick a subject and timepoint (``None``: by the studies' own headers)."""
        self.subject_box.setCurrentIndex(self.subject_box.findData(subject or ""))
        if timepoint is not None:
            self.timepoint_box.setCurrentIndex(self.timepoint_box.findData(timepoint))

    def target(self) -> tuple[str | None, str | None]:
        """(subject, timepoint label), or ``(None, None)`` to map by PatientID and date."""
        code = self.subject_box.currentData()
        if not code:
            return None, None
        return code, self.timepoint_box.currentData()
