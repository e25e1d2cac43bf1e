"""The coordinator's board: subjects × timepoints, each read's status, what is final.

Shows a ``core.model.board.Board`` as it is given: each cell names the status of read 1
and read 2 at that timepoint (never a measurement: the board holds none), marks an open
adjudication, and gives the final overall response once the cycle is decided. Above the
grid, the adjudication rate and each reader's agreement with the adjudicator. Its buttons
open the set-up dialogs (``widgets.board_dialogs``) and emit plain requests; whoever owns
the board acts on them and refreshes it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.board import Board, BoardSubject, BoardTimepoint
from core.model.worklist import TimepointState
from widgets.board_dialogs import AssignDialog, SubjectDialog, TimepointDialog

_SUBJECT_ROLE = Qt.ItemDataRole.UserRole
# Light cells with dark text: the board is read on screen and printed for an inspector.
INK = "#1b1b1b"
CELL_COLOURS = {
    "not started": "#e2e2e2",
    "in progress": "#fbe7b0",
    "signed": "#cfe8c4",
    "re-signature needed": "#f6c8bd",
    "adjudication": "#f4b6c2",
    "final": "#b9d7f0",
    "none": "#ffffff",
}
NOT_ASSIGNED = "not assigned"
OPEN_ADJUDICATION = "⚑ adjudication open"
FIXED_COLUMNS = ("Subject", "Readers")
BEST_COLUMN = "Best response"


def _percent(agreed: int, total: int) -> str:
    return (f"{agreed}/{total} ({100 * agreed / total:.0f} %)" if total
            else "no adjudication decided yet")


def _state(state: TimepointState | None) -> str:
    return NOT_ASSIGNED if state is None else state.value


def cell_lines(timepoint: BoardTimepoint) -> list[str]:
    """What the board writes in one subject × timepoint cell."""
    lines = [timepoint.date.isoformat(),
             f"R1 {_state(timepoint.read_1)}", f"R2 {_state(timepoint.read_2)}"]
    if timepoint.open_adjudication:
        lines.append(OPEN_ADJUDICATION)
    if timepoint.final_response == "baseline":
        lines.append("final (baseline)")
    elif timepoint.final_response is not None:
        lines.append(f"final: {timepoint.final_response}")
    return lines


def cell_colour(timepoint: BoardTimepoint) -> str:
    """The cell's background: final, adjudication open, else the least advanced read."""
    if timepoint.final_response is not None:
        return CELL_COLOURS["final"]
    if timepoint.open_adjudication:
        return CELL_COLOURS["adjudication"]
    states = [s for s in (timepoint.read_1, timepoint.read_2) if s is not None]
    if not states:
        return CELL_COLOURS["none"]
    order = [TimepointState.RESIGNATURE_NEEDED, TimepointState.NOT_STARTED,
             TimepointState.IN_PROGRESS, TimepointState.SIGNED]
    if TimepointState.RESIGNATURE_NEEDED in states:
        return CELL_COLOURS["re-signature needed"]
    if TimepointState.IN_PROGRESS in states or len(set(states)) > 1:
        return CELL_COLOURS["in progress"]
    return CELL_COLOURS[min(states, key=order.index).value]


def timepoint_columns(board: Board) -> list[str]:
    """The timepoint columns: every label in the order subjects have them."""
    columns: list[str] = []
    for subject in board.subjects:
        for timepoint in subject.timepoints:
            if timepoint.label not in columns:
                columns.append(timepoint.label)
    return columns


class CoordinatorBoard(QWidget):
    """The board, its summary and its buttons.

    Signals
    -------
    subject_requested(str)                          register a subject with this code
    timepoint_requested(str, str, object, object)   subject, label, date (datetime.date),
                                                    nominal week (int or None)
    assignment_requested(str, object, object)       subject, reader 1's login, reader 2's
                                                    (None: leave that slot as it is)
    import_requested(object)                        import DICOM; the selected subject's
                                                    code or None
    backup_requested()                              back up the store now
    refresh_requested()                             load the board again
    clinical_requested(str)                         open the selected subject's clinical
                                                    record
    print_requested(str)                            print the selected subject's case
                                                    summary (PDF)
    """

    subject_requested = Signal(str)
    timepoint_requested = Signal(str, str, object, object)
    assignment_requested = Signal(str, object, object)
    import_requested = Signal(object)
    backup_requested = Signal()
    refresh_requested = Signal()
    clinical_requested = Signal(str)
    print_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._board: Board | None = None
        self.title = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.grid = QTableWidget()
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(True)
        self.grid.verticalHeader().setVisible(False)
        self.grid.setAlternatingRowColors(False)

        self.register_button = QPushButton("Register subject…")
        self.timepoint_button = QPushButton("Add timepoint…")
        self.assign_button = QPushButton("Assign readers…")
        self.import_button = QPushButton("Import DICOM…")
        self.backup_button = QPushButton("Back up now")
        self.clinical_button = QPushButton("Clinical record…")
        self.clinical_button.setToolTip("The selected subject's eligibility, baseline, "
                                        "treatment, labs, adverse events and follow-up")
        self.print_button = QPushButton("Print case summary…")
        self.print_button.setToolTip("The selected subject's case summary as a PDF for the "
                                     "trial master file (Ctrl+P)")
        self.print_button.setShortcut("Ctrl+P")
        self.refresh_button = QPushButton("Refresh")
        self.register_button.clicked.connect(self.ask_subject)
        self.timepoint_button.clicked.connect(self.ask_timepoint)
        self.assign_button.clicked.connect(self.ask_assignment)
        self.import_button.clicked.connect(
            lambda: self.import_requested.emit(self.selected_subject()))
        self.backup_button.clicked.connect(self.backup_requested.emit)
        self.refresh_button.clicked.connect(self.refresh_requested.emit)
        self.clinical_button.clicked.connect(self._ask_clinical)
        self.print_button.clicked.connect(self._ask_print)
        self.grid.doubleClicked.connect(lambda _index: self._ask_clinical())

        buttons = QHBoxLayout()
        for button in (self.register_button, self.timepoint_button, self.assign_button,
                       self.import_button, self.backup_button, self.clinical_button,
                       self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        self.legend = QLabel(self._legend())
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.legend)
        self.grid.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- showing ---------------------------------------------------------------------
    @property
    def board(self) -> Board | None:
        """The board shown, or ``None`` before the first one."""
        return self._board

    def set_board(self, board: Board, *, as_of: dt.datetime | None = None) -> None:
        """Show *board*; the subject selected before stays selected."""
        keep = self.selected_subject()
        self._board = board
        moment = (as_of or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
        self.title.setText(f"{board.trial} · {board.criteria} · coordinator's board "
                           f"· as of {moment}")
        self.summary.setText(self._summary(board))
        columns = timepoint_columns(board)
        headers = [*FIXED_COLUMNS, *columns, BEST_COLUMN]
        self.grid.clear()
        self.grid.setColumnCount(len(headers))
        self.grid.setHorizontalHeaderLabels(headers)
        self.grid.setRowCount(len(board.subjects))
        bold = QFont(self.grid.font())
        bold.setBold(True)
        for row, subject in enumerate(board.subjects):
            self._set(row, 0, subject.code, subject.code, font=bold)
            self._set(row, 1, "\n".join([f"R1 {subject.reader_1 or NOT_ASSIGNED}",
                                         f"R2 {subject.reader_2 or NOT_ASSIGNED}"]),
                      subject.code)
            by_label = {tp.label: tp for tp in subject.timepoints}
            for column, label in enumerate(columns, start=len(FIXED_COLUMNS)):
                timepoint = by_label.get(label)
                if timepoint is None:
                    self._set(row, column, "—", subject.code)
                    continue
                self._set(row, column, "\n".join(cell_lines(timepoint)), subject.code,
                          background=cell_colour(timepoint))
            self._set(row, len(headers) - 1, self._best(subject), subject.code,
                      background=CELL_COLOURS["final"] if subject.best_response else None,
                      font=bold)
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.grid.resizeRowsToContents()
        if keep is not None:
            self.select_subject(keep)
        self._update_buttons()

    def _set(self, row: int, column: int, text: str, code: str, *,
             background: str | None = None, font: QFont | None = None) -> None:
        item = QTableWidgetItem(text)
        item.setData(_SUBJECT_ROLE, code)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if background is not None:
            item.setBackground(QBrush(QColor(background)))
            item.setForeground(QBrush(QColor(INK)))
        if font is not None:
            item.setFont(font)
        self.grid.setItem(row, column, item)

    @staticmethod
    def _best(subject: BoardSubject) -> str:
        if subject.final_problem is not None:
            return f"not shown: a signature no longer matches\n{subject.final_problem}"
        if subject.best_response is None:
            return "—"
        return (f"{subject.best_response}\n{subject.final_source} "
                f"through {subject.final_through}")

    @staticmethod
    def _summary(board: Board) -> str:
        decided = board.decided
        rate = (f"{board.adjudicated} of {decided} subjects with a final result "
                f"({100 * board.adjudicated / decided:.0f} %)" if decided
                else "no subject has a final result yet")
        agreement = "; ".join(f"{a.login} {_percent(a.agreed, a.adjudications)}"
                              for a in board.agreement) or "no readers"
        return (f"{len(board.subjects)} subjects · open adjudications: "
                f"{board.open_adjudications} · adjudication rate: {rate}\n"
                f"Agreement with the adjudicator (read chosen / adjudications of the "
                f"reader's subjects): {agreement}")

    @staticmethod
    def _legend() -> str:
        def swatch(name: str, text: str) -> str:
            return (f'<span style="background:{CELL_COLOURS[name]}; color:{INK}; '
                    f'border:1px solid #999">'
                    f"&nbsp;{text}&nbsp;</span>")
        return ("R1, R2: reader 1, reader 2. &nbsp;" + " ".join(
            swatch(name, text) for name, text in (
                ("not started", "not started"), ("in progress", "in progress"),
                ("signed", "both signed"), ("re-signature needed", "re-signature needed"),
                ("adjudication", "adjudication open"), ("final", "final"))) +
            " &nbsp;No measurement or per-read response is shown here.")

    def visible_texts(self) -> list[str]:
        """Every text the board shows: title, summary, headers, cells, legend."""
        texts = [self.title.text(), self.summary.text(), self.legend.text()]
        for column in range(self.grid.columnCount()):
            header = self.grid.horizontalHeaderItem(column)
            texts.append(header.text() if header else "")
        for row in range(self.grid.rowCount()):
            for column in range(self.grid.columnCount()):
                item = self.grid.item(row, column)
                texts.append(item.text() if item else "")
        return texts

    # -- selection -------------------------------------------------------------------
    def selected_subject(self) -> str | None:
        """The code of the selected subject's row, or ``None``."""
        items = self.grid.selectedItems()
        return str(items[0].data(_SUBJECT_ROLE)) if items else None

    def select_subject(self, code: str) -> None:
        """Select the row of subject *code* (no change if it is not shown)."""
        for row in range(self.grid.rowCount()):
            item = self.grid.item(row, 0)
            if item is not None and item.data(_SUBJECT_ROLE) == code:
                self.grid.selectRow(row)
                return

    def row_of(self, code: str) -> int:
        """The grid row of subject *code* (-1 when it is not shown)."""
        for row in range(self.grid.rowCount()):
            item = self.grid.item(row, 0)
            if item is not None and item.data(_SUBJECT_ROLE) == code:
                return row
        return -1

    def _update_buttons(self) -> None:
        has_subjects = self._board is not None and bool(self._board.subjects)
        self.timepoint_button.setEnabled(has_subjects)
        self.assign_button.setEnabled(self.selected_subject() is not None)
        self.clinical_button.setEnabled(self.selected_subject() is not None)
        self.print_button.setEnabled(self.selected_subject() is not None)

    def _ask_print(self) -> None:
        code = self.selected_subject()
        if code is not None:
            self.print_requested.emit(code)

    def _ask_clinical(self) -> None:
        code = self.selected_subject()
        if code is not None:
            self.clinical_requested.emit(code)

    def set_busy(self, busy: bool) -> None:
        """Disable the buttons while long work (an import, a backup) runs."""
        for button in (self.register_button, self.timepoint_button, self.assign_button,
                       self.import_button, self.backup_button, self.refresh_button,
                       self.print_button):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    # -- the dialogs -----------------------------------------------------------------
    def subject_dialog(self) -> SubjectDialog:
        """The register-subject dialog (not shown yet)."""
        return SubjectDialog(self)

    def timepoint_dialog(self) -> TimepointDialog:
        """The add-timepoint dialog for the selected subject (not shown yet)."""
        codes = [s.code for s in self._board.subjects] if self._board else []
        return TimepointDialog(codes, self.selected_subject(), self)

    def assignment_dialog(self) -> AssignDialog | None:
        """The assign-readers dialog of the selected subject, or ``None``."""
        code = self.selected_subject()
        subject = self._board.subject(code) if self._board and code else None
        if subject is None or self._board is None:
            return None
        return AssignDialog(subject, self._board.readers, self)

    def ask_subject(self) -> None:
        """Ask for a subject's code; emit ``subject_requested`` when one is given."""
        dialog = self.subject_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.code():
            self.subject_requested.emit(dialog.code())

    def ask_timepoint(self) -> None:
        """Ask for a timepoint; emit ``timepoint_requested`` when one is given."""
        dialog = self.timepoint_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.subject():
            self.timepoint_requested.emit(dialog.subject(), dialog.label(), dialog.date(),
                                          dialog.week())

    def ask_assignment(self) -> None:
        """Ask for the selected subject's readers; emit ``assignment_requested``."""
        dialog = self.assignment_dialog()
        if dialog is None:
            return
        if dialog.exec() == QDialog.DialogCode.Accepted:
            first, second = dialog.choices()
            if first is not None or second is not None:
                self.assignment_requested.emit(dialog.subject_code, first, second)
