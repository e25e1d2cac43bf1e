"""The reader's sign and amend dialogs: what is signed, what it means, the password again.

21 CFR 11.50 asks that a signature show the signer's printed name, the date and time and
its meaning; 11.200(a) that the signer give the password again. ``SignDialog`` shows a
``core.reading.SignSummary`` — the signed content itself, read back (every lesion at the
timepoint with its recorded diameters or state, the sums, the changes, the engine's
decisions with their reasons, and which timepoints the signature covers) — the signer's
name and the meaning, and asks for the password. ``AmendDialog`` asks for the reason an
amendment records and says which later signatures it makes stale.

Neither dialog touches the store: each is given a callback that signs (or amends) and
returns ``None`` or the store's one-line refusal. A refused dialog stays open with the
refusal; once the store has locked the account or ended the session, Sign is disabled.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import Read
from core.reading import SignedLesion, SignSummary, resignature_needed
from widgets.lesion_words import PHASE_ABBREVIATIONS
from widgets.response_panel import format_mm, format_pct

# A callback: the password (or reason) in, None when done or the store's refusal out.
Attempt = Callable[[str], str | None]

LESION_COLUMNS = ("Lesion", "Category", "Organ", "Viable", "Total", "Finding")
_CATEGORY_NAMES = {LesionCategory.TARGET: "Target", LesionCategory.NON_TARGET: "Non-target",
                   LesionCategory.NEW: "New"}
# Words of the store's refusals after which nothing can be signed in this session: the
# lock-out (core.actions.sign_timepoint), a session ended or expired (core.store.auth).
_SESSION_OVER = ("account is locked", "account locked", "session has ended",
                 "session expired", "not logged in", "log in again")
_COLOURS = {"PD": "#ff6b6b", "CR": "#6bd68f", "PR": "#6bd68f"}
_REFUSAL_COLOUR = "#ff7b6b"
# The application's dark frame (desktop/main_window.py), so the dialog does not dazzle in
# a dim reading room.
_STYLE = (
    "QDialog { background: #1e1f22; color: #d8d8d8; }"
    "QLabel { color: #d8d8d8; }"
    "QLabel#caption { color: #9a9ca3; }"
    "QTableWidget { background: #25262a; color: #e2e2e2; gridline-color: #34353a; "
    "border: 1px solid #34353a; }"
    "QHeaderView::section { background: #2a2b2f; color: #b8b8b8; border: 0; "
    "border-bottom: 1px solid #3a3b40; padding: 4px 6px; }"
    "QLineEdit { background: #2a2b2f; color: #f0f0f0; border: 1px solid #4a4c52; "
    "border-radius: 3px; padding: 4px; }"
    "QLineEdit:focus { border-color: #4f8fc0; }"
    "QLineEdit:disabled { color: #777; }"
    "QPushButton { background: #2f3136; color: #e0e0e0; border: 1px solid #4a4c52; "
    "border-radius: 3px; padding: 5px 16px; }"
    "QPushButton:default { background: #2d5d7b; border-color: #4f8fc0; }"
    "QPushButton:disabled { background: #26272b; color: #6c6c6c; border-color: #34353a; }"
)


def _words(value: str) -> str:
    return value.replace("_", " ")


def covers_text(covers: tuple[str, ...]) -> str:
    """Which timepoints a signature covers, in words: "Baseline through Week 6"."""
    return covers[0] if len(covers) == 1 else f"{covers[0]} through {covers[-1]}"


def _drawn_note(lesion: SignedLesion, kind: str) -> str:
    """" (PV)" for a caliper drawn off the arterial phase, " (lossy)" on a lossy image:
    what is signed says where each diameter was measured (docs/signatures.md §3.1)."""
    phase, lossy = lesion.phase_of(kind)
    marks = []
    if phase is not None and phase != Phase.ARTERIAL.value:
        marks.append(PHASE_ABBREVIATIONS.get(Phase(phase), phase))
    if lossy:
        marks.append("lossy")
    return f" ({', '.join(marks)})" if marks else ""


def lesion_row(lesion: SignedLesion) -> list[str]:
    """One lesion as the dialog's table shows it (a node's short axis in Total)."""
    total = format_mm(lesion.total_mm) + _drawn_note(lesion, "total") \
        if lesion.total_mm is not None else ""
    if lesion.is_node and lesion.short_axis_mm is not None:
        total = f"{format_mm(lesion.short_axis_mm)} (short axis)" + \
            _drawn_note(lesion, "short_axis")
    finding = ", ".join(part for part in (
        _words(lesion.state) if lesion.state else "", *lesion.seen) if part)
    organ = _words(lesion.organ) + (" (node)" if lesion.is_node else "")
    return [lesion.label, _CATEGORY_NAMES[lesion.category], organ,
            format_mm(lesion.viable_mm) + _drawn_note(lesion, "viable")
            if lesion.viable_mm is not None else "", total,
            finding]


def response_rows(summary: SignSummary) -> list[tuple[str, str]]:
    """The engine's figures and decisions at the signed timepoint, as (name, text)."""
    sum_name = "Sum of viable diameters" if summary.criteria == "mRECIST" \
        else "Sum of diameters"
    rows = [(sum_name, format_mm(summary.sum_mm)),
            ("Baseline sum", format_mm(summary.baseline_sum_mm))]
    if summary.covers[-1] != summary.covers[0]:
        rows += [("Nadir", format_mm(summary.nadir_sum_mm)),
                 ("Change from baseline", format_pct(summary.change_from_baseline_pct)),
                 ("Change from nadir", format_pct(summary.change_from_nadir_pct))]
    if summary.not_assessed:
        rows.append(("Overall", "NE — not assessed"))
    rows += [(a.name, f"{a.category} — {a.reason}") for a in summary.assessments]
    return rows


def _value_html(value: str) -> str:
    """A decision's category bold in its colour, the engine's sentence plain after it."""
    category, dash, reason = value.partition(" — ")
    if not dash:
        return html.escape(value)
    colour = _COLOURS.get(category, "#f0f0f0")
    return (f'<b style="color:{colour}">{html.escape(category)}</b>'
            f'<span style="color:#a8a8a8"> — {html.escape(reason)}</span>')


def session_over(refusal: str) -> bool:
    """True when *refusal* says nothing more can be signed in this session."""
    text = refusal.lower()
    return any(words in text for words in _SESSION_OVER)


class _AttemptDialog(QDialog):
    """A dialog that calls its attempt on its main button and stays open when refused."""

    def __init__(self, title: str, button_text: str, attempt: Attempt,
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(_STYLE)
        self._attempt = attempt
        self.refusal: str | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(18, 16, 18, 14)
        self._layout.setSpacing(10)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {_REFUSAL_COLOUR};")
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton(button_text)
        self.ok_button.setDefault(True)
        self.ok_button.setEnabled(False)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)  # Enter is the main button's; Esc cancels
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def _finish_layout(self) -> None:
        self._layout.addWidget(self.message)
        self._layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        self._fit_height()
        super().showEvent(event)
        # Keys go to the dialog, not to the window behind it, whose shortcuts (Enter,
        # Esc) would otherwise still take them while it kept the focus.
        self.activateWindow()
        self._first_field().setFocus()

    def _first_field(self) -> QWidget:
        return self.ok_button

    def _fit_height(self) -> None:
        """Grow to show every line: each word-wrapped text keeps the height its lines need
        at the width it is given (a layout's height-for-width alone left the last line of
        a reason clipped)."""
        self.ensurePolished()
        self._fit()
        self._layout.activate()
        for label in self.findChildren(QLabel):
            if label.wordWrap() and not label.isHidden():
                label.setMinimumHeight(label.heightForWidth(label.width()))
        self._layout.activate()
        needed = self._layout.totalMinimumSize().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _allow(self, allowed: bool) -> None:
        """Enable the main button; it stays the one Enter presses."""
        self.ok_button.setEnabled(allowed)
        if allowed:
            self.ok_button.setDefault(True)

    def _fit(self) -> None:
        """Size what must show whole before the dialog takes its height."""

    def _value(self) -> str:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def _submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        refusal = self._attempt(self._value())
        if refusal is None:
            self.refusal = None
            self._clear()  # no password is kept in a closed dialog
            self.accept()
            return
        self.refusal = refusal
        self.message.setText(refusal)
        self.message.show()
        self._clear()
        self._fit_height()


class SignDialog(_AttemptDialog):
    """Shows exactly what a signature covers and its meaning; signs with the password.

    *summary* is what the store would sign (``core.actions.sign_preview``), *signer* the
    printed name the signature records, *sign(password)* signs and returns ``None`` or the
    store's refusal. Enter signs, Esc cancels; Sign waits for a password, so a stray
    Enter never costs one of the attempts before the lock-out.
    """

    def __init__(self, summary: SignSummary, signer: str, sign: Attempt, *,
                 login: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(f"Sign {summary.subject} {summary.timepoint}", "Sign", sign, parent)
        self.summary = summary
        self.setMinimumWidth(760)
        heading = QLabel(
            f"<span style='font-size:15pt; font-weight:600'>{html.escape(summary.subject)}"
            f" · {html.escape(summary.timepoint)}</span>"
            f"<span style='color:#9a9ca3'>&nbsp;&nbsp;{summary.date.isoformat()}"
            f"&nbsp;&nbsp;·&nbsp;&nbsp;{html.escape(summary.criteria)}</span>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.covers = QLabel(
            f"This signature covers <b>{html.escape(covers_text(summary.covers))}</b>: every "
            "lesion, caliper and finding recorded at "
            f"{'it' if len(summary.covers) == 1 else 'these timepoints'}, and the response "
            "below. A signed timepoint cannot be edited; a correction is an amendment with "
            "a reason.")
        self.covers.setWordWrap(True)
        self.covers.setObjectName("caption")
        self._layout.addWidget(heading)
        self._layout.addWidget(self.covers)
        self.lesions = self._lesion_table(summary)
        self._layout.addWidget(self.lesions)
        self._responses = response_rows(summary)
        # One label per cell, not one rich-text table: each wrapped reason then gets its
        # full height.
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        for row, (name, value) in enumerate(self._responses):
            shown = QLabel(_value_html(value))
            shown.setTextFormat(Qt.TextFormat.RichText)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(self._caption(name), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(shown, row, 1)
        self._layout.addLayout(grid)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #3a3b40;")
        self._layout.addWidget(rule)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        who = signer if login is None else f"{signer} ({login})"
        self.signer = QLabel(f"<b>{html.escape(who)}</b>")
        self.meaning = QLabel(html.escape(summary.meaning))
        self.meaning.setWordWrap(True)
        when = QLabel("the moment you sign, recorded by the store in UTC")
        when.setObjectName("caption")
        self.is_locked_out = False
        self.password_field = QLineEdit()
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText("your password, again (21 CFR 11.200(a))")
        self.password_field.textChanged.connect(
            lambda text: self._allow(bool(text) and not self.is_locked_out))
        form.addRow(self._caption("Signed by"), self.signer)
        form.addRow(self._caption("Meaning"), self.meaning)
        form.addRow(self._caption("Date and time"), when)
        digest = QLabel(f"SHA-256 {summary.content_sha256[:16]}…{summary.content_sha256[-8:]}"
                        "  (the content above, as recorded with the signature)")
        digest.setObjectName("caption")
        digest.setToolTip(summary.content_sha256)
        form.addRow(self._caption("Content"), digest)
        form.addRow(self._caption("Password"), self.password_field)
        self._layout.addLayout(form)
        self._finish_layout()
        self.password_field.setFocus()

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("caption")
        return label

    @staticmethod
    def _lesion_table(summary: SignSummary) -> QTableWidget:
        rows = [lesion_row(lesion) for lesion in summary.lesions]
        table = QTableWidget(len(rows), len(LESION_COLUMNS))
        table.setHorizontalHeaderLabels(list(LESION_COLUMNS))
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setShowGrid(False)
        table.setAlternatingRowColors(False)
        numeric = {LESION_COLUMNS.index("Viable"), LESION_COLUMNS.index("Total")}
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                align = Qt.AlignmentFlag.AlignRight if c in numeric \
                    else Qt.AlignmentFlag.AlignLeft
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        table.verticalHeader().setDefaultSectionSize(24)
        # Every lesion in view, never behind a scroll bar: all of them are signed.
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    def _fit(self) -> None:
        table = self.lesions
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows
                             + 2 * table.frameWidth())

    def _first_field(self) -> QWidget:
        return self.password_field

    def lesion_rows(self) -> list[list[str]]:
        """The lesion table as shown, row by row (for tests)."""
        items = ((self.lesions.item(r, c) for c in range(len(LESION_COLUMNS)))
                 for r in range(self.lesions.rowCount()))
        return [[item.text() if item is not None else "" for item in row] for row in items]

    def response_rows(self) -> list[tuple[str, str]]:
        """The response figures and decisions as shown, (name, text) (for tests)."""
        return list(self._responses)

    def _value(self) -> str:
        return self.password_field.text()

    def _clear(self) -> None:
        self.password_field.clear()
        if self.refusal is not None and session_over(self.refusal):
            self.is_locked_out = True
            self.ok_button.setEnabled(False)
            self.password_field.setEnabled(False)
            self.message.setText(f"{self.refusal}\nNothing can be signed in this session: "
                                 "Sign is disabled.")
            self.cancel_button.setText("Close")
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()
        else:
            self.password_field.setFocus()


class AmendDialog(_AttemptDialog):
    """The reason for amending a signed timepoint, and what the amendment does.

    The timepoint is re-opened for a correction; the reason is recorded in the audit trail
    (21 CFR 11.10(e)) and every later signed timepoint waits for a new signature, since
    its signature covers this one (docs/signatures.md §4). *amend(reason)* amends and
    returns ``None`` or the store's refusal. Amend waits for a reason that is not blank.
    """

    def __init__(self, read: Read, timepoint_id: int, amend: Attempt, *,
                 parent: QWidget | None = None) -> None:
        index = read.index_of(timepoint_id)
        if index is None:
            raise ValueError(f"timepoint {timepoint_id} is not part of the read")
        timepoint = read.timepoints[index]
        super().__init__(f"Amend {read.subject} {timepoint.label}", "Amend", amend, parent)
        self.setMinimumWidth(560)
        self.later = tuple(tp.label for tp in resignature_needed(read, index))
        heading = QLabel(
            f"<span style='font-size:15pt; font-weight:600'>{html.escape(read.subject)} · "
            f"{html.escape(timepoint.label)}</span>"
            f"<span style='color:#9a9ca3'>&nbsp;&nbsp;{timepoint.date.isoformat()}</span>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        effects = ("The signed timepoint is re-opened for a correction and must be signed "
                   "again. The reason is kept in the audit trail with your name and the "
                   "time.")
        if self.later:
            effects += (" These later signed timepoints will need your new signature, as "
                        f"their signatures cover this one: <b>{html.escape(', '.join(self.later))}"
                        "</b>.")
        self.effects = QLabel(effects)
        self.effects.setTextFormat(Qt.TextFormat.RichText)
        self.effects.setWordWrap(True)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText("why it is amended, e.g. T1 re-measured on the "
                                             "late arterial series")
        self.reason_field.textChanged.connect(
            lambda text: self._allow(bool(text.strip())))
        form = QFormLayout()
        caption = QLabel("Reason")
        caption.setObjectName("caption")
        form.addRow(caption, self.reason_field)
        self._layout.addWidget(heading)
        self._layout.addWidget(self.effects)
        self._layout.addLayout(form)
        self._finish_layout()
        self.reason_field.setFocus()

    def _first_field(self) -> QWidget:
        return self.reason_field

    def _value(self) -> str:
        return self.reason_field.text().strip()

    def _clear(self) -> None:
        pass  # the reason stays, to be corrected
