"""What the reader records of the selected lesion at the timepoint, besides its calipers.

Shown under the lesion panel. A target's state (measured — the calipers carry its
diameters — disappeared, too small to measure, merged, not evaluable); a non-target's
state (present, absent, unequivocal progression, not evaluable: needed at every timepoint,
keys P A U N; at baseline a target is measured and a non-target present, so only those
are offered there); for a new lesion what was seen — arterial phase hyperenhancement, washout,
equivocal — beside its size from the caliper, which the engine decides on (LL2010). Ascites
and effusions count only with cytology (LL2010), so theirs is asked for them alone.

The form shows ``core.model`` values and emits a complete ``Finding`` when the reader
changes it; showing a lesion emits nothing, and a signed timepoint is read-only.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical import LesionCategory, LesionState, NonTargetState, TargetState
from core.model.reading import Finding, Lesion
from widgets.lesion_words import FLUID_KINDS, LIVER, STATE_TEXT, lesion_caption

# What each state means for the sum and the response (RECIST 1.1 §4.1, §4.3.3; LL2010;
# EORTC-FAQ), shown under the choice.
STATE_MEANING: dict[LesionState, str] = {
    TargetState.MEASURED: "Its diameters are the calipers drawn at this timepoint.",
    TargetState.DISAPPEARED: "Gone (mRECIST: no intratumoral arterial enhancement left); "
                             "counts as 0 mm.",
    TargetState.TOO_SMALL: "Present but too small to measure; counts as 5 mm.",
    TargetState.MERGED: "Merged into another target, which carries the measurement; "
                        "counts as 0 mm.",
    TargetState.NOT_EVALUABLE: "Cannot be assessed at this timepoint.",
    NonTargetState.PRESENT: "Still seen (mRECIST: intratumoral arterial enhancement "
                            "persists).",
    NonTargetState.ABSENT: "Disappeared (mRECIST: no intratumoral arterial enhancement).",
    NonTargetState.PROGRESSED: "Unequivocal progression of the non-target disease.",
    NonTargetState.NOT_EVALUABLE: "Cannot be assessed at this timepoint.",
}
# One key each for the non-target states, while the form has the focus.
NON_TARGET_KEYS: dict[LesionState, str] = {
    NonTargetState.PRESENT: "P",
    NonTargetState.ABSENT: "A",
    NonTargetState.PROGRESSED: "U",
    NonTargetState.NOT_EVALUABLE: "N",
}
_BASELINE_NOTE = "At baseline every %s (RECIST 1.1 §4.2)."
_KEY_STATES = {key: state for state, key in NON_TARGET_KEYS.items()}
_NEW_HCC_HINT = ("New HCC when at least 10 mm with arterial phase hyperenhancement and "
                 "washout, or once it has grown 10 mm (LL2010); the engine decides.")
_FLUID_HINT = "Ascites and effusions count as progression only with cytology (LL2010)."


def _secondary(label: QLabel) -> QLabel:
    """*label* in the palette's secondary text colour, wrapped."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText,
                     palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    label.setWordWrap(True)
    return label


def _key_cap(key: str) -> QLabel:
    cap = QLabel(key)
    cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
    cap.setMinimumWidth(18)
    cap.setStyleSheet("border: 1px solid palette(mid); border-radius: 3px; padding: 0 4px;")
    return cap


class _StateChoice(QGroupBox):
    """One radio button per state of an enum, a key cap beside each where it has a key."""

    def __init__(self, title: str, states: tuple[LesionState, ...],
                 keys: dict[LesionState, str] | None = None) -> None:
        super().__init__(title)
        self.states = states
        self.group = QButtonGroup(self)
        self.buttons: dict[LesionState, QRadioButton] = {}
        self._caps: dict[LesionState, QLabel] = {}
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setVerticalSpacing(4)
        for row, state in enumerate(states):
            button = QRadioButton(STATE_TEXT[state])
            button.setToolTip(STATE_MEANING[state])
            self.group.addButton(button, row)
            self.buttons[state] = button
            grid.addWidget(button, row, 0)
            key = (keys or {}).get(state)
            if key is not None:
                self._caps[state] = _key_cap(key)
                grid.addWidget(self._caps[state], row, 1)
        self.meaning = _secondary(QLabel())
        grid.addWidget(self.meaning, len(states), 0, 1, 2)
        self.note = _secondary(QLabel())
        self.note.hide()
        grid.addWidget(self.note, len(states) + 1, 0, 1, 2)

    def allow_only(self, allowed: LesionState | None, note: str = "") -> None:
        """Offer only *allowed* (every state for ``None``), saying why in *note*."""
        for state, button in self.buttons.items():
            offered = allowed is None or state == allowed
            button.setEnabled(offered)
            if state in self._caps:
                self._caps[state].setEnabled(offered)
        self.note.setText(note)
        self.note.setVisible(allowed is not None)

    def state(self) -> LesionState | None:
        index = self.group.checkedId()
        return self.states[index] if index >= 0 else None

    def set_state(self, state: LesionState | None) -> None:
        self.group.setExclusive(False)  # so that no button at all can be checked
        for candidate, button in self.buttons.items():
            button.setChecked(candidate == state)
        self.group.setExclusive(True)
        self.show_meaning()

    def show_meaning(self) -> None:
        state = self.state()
        self.meaning.setText(STATE_MEANING[state] if state is not None else "")
        self.meaning.setVisible(state is not None)


class FindingForm(QWidget):
    """The selected lesion's finding at the timepoint being read.

    Signals
    -------
    finding_changed(Finding)
        The reader changed the finding: the whole ``Finding`` as the form now shows it
        (never emitted by ``show_lesion``, nor when the form is read-only).
    """

    finding_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lesion: Lesion | None = None
        self._finding: Finding | None = None
        self._timepoint_id = 0
        self._editable = False
        self._last: Finding | None = None

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.placeholder = _secondary(QLabel("Select a lesion to record what was seen of it "
                                             "at this timepoint."))
        self.size_caption = QLabel("Size")
        self.size_value = QLabel()
        self.size_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_caption)
        size_row.addWidget(self.size_value, 1)
        self.target = _StateChoice("State at this timepoint", tuple(TargetState))
        self.non_target = _StateChoice("State at this timepoint", tuple(NonTargetState),
                                       NON_TARGET_KEYS)
        self.seen = QGroupBox("What was seen")
        self.arterial = QCheckBox("Arterial phase hyperenhancement")
        self.washout = QCheckBox("Washout (portal venous or delayed phase)")
        self.equivocal = QCheckBox("Equivocal: cannot yet be called a new lesion")
        self.new_hint = _secondary(QLabel(_NEW_HCC_HINT))
        seen_layout = QVBoxLayout(self.seen)
        seen_layout.setSpacing(4)
        for box in (self.arterial, self.washout, self.equivocal):
            seen_layout.addWidget(box)
        seen_layout.addWidget(self.new_hint)
        self.cytology = QCheckBox("Cytology confirms malignancy")
        self.fluid_hint = _secondary(QLabel(_FLUID_HINT))
        self.read_only = _secondary(QLabel("<b>Signed</b> — read-only; amend the timepoint "
                                           "to change what was recorded."))

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(size_row)
        for widget in (self.target, self.non_target, self.seen, self.cytology,
                       self.fluid_hint):
            body.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for widget in (self.title, self.read_only, self.placeholder, self.body):
            layout.addWidget(widget)
        layout.addStretch(1)

        for choice in (self.target, self.non_target):
            choice.group.idClicked.connect(self._on_changed)
        for box in (self.arterial, self.washout, self.equivocal, self.cytology):
            box.clicked.connect(self._on_changed)
        self.show_lesion(None, None, 0, editable=False)

    # -- showing ------------------------------------------------------------------------
    def show_lesion(self, lesion: Lesion | None, finding: Finding | None, timepoint_id: int,
                    editable: bool, size_mm: Decimal | None = None) -> None:
        """Show what is recorded of *lesion* at *timepoint_id* (nothing is emitted).

        *size_mm* is the lesion's size from its caliper, shown read-only (a new lesion's
        longest diameter); *editable* is False for a signed timepoint.
        """
        self._lesion, self._finding = lesion, finding
        self._timepoint_id, self._editable = timepoint_id, editable and lesion is not None
        category = lesion.category if lesion is not None else None
        fluid = lesion is not None and lesion.kind in FLUID_KINDS
        self.placeholder.setVisible(lesion is None)
        self.title.setVisible(lesion is not None)
        self.body.setVisible(lesion is not None)
        if lesion is not None:
            self.title.setText(f"<span style='font-size:large'><b>{lesion.label}</b></span>"
                               f"&nbsp;&nbsp;{lesion_caption(lesion)}")
        state = finding.state if finding is not None else None
        self.target.setVisible(category is LesionCategory.TARGET)
        self.target.set_state(TargetState(state) if category is LesionCategory.TARGET
                              and state else TargetState.MEASURED)
        self.non_target.setVisible(category is LesionCategory.NON_TARGET)
        self.non_target.set_state(NonTargetState(state) if category is
                                  LesionCategory.NON_TARGET and state else None)
        # Targets and non-targets are chosen at baseline, so the timepoint a lesion was
        # first recorded at is its baseline: a target is measured there, a non-target
        # present (RECIST 1.1 §4.2; the engine refuses any other state).
        at_baseline = lesion is not None and lesion.first_timepoint_id == timepoint_id
        self.target.allow_only(TargetState.MEASURED if at_baseline else None,
                               _BASELINE_NOTE % "target is measured")
        self.non_target.allow_only(NonTargetState.PRESENT if at_baseline else None,
                                   _BASELINE_NOTE % "non-target is present")
        self.seen.setVisible(category is LesionCategory.NEW)
        self.new_hint.setVisible(lesion is not None and lesion.organ == LIVER and not fluid)
        self.arterial.setVisible(not fluid)
        self.washout.setVisible(not fluid)
        self.arterial.setChecked(bool(finding and finding.arterial_enhancement))
        self.washout.setChecked(bool(finding and finding.washout))
        self.equivocal.setChecked(bool(finding and finding.is_equivocal))
        self.cytology.setVisible(fluid and category is not LesionCategory.TARGET)
        self.fluid_hint.setVisible(self.cytology.isVisibleTo(self))
        self.cytology.setChecked(bool(finding and finding.is_cytology_confirmed))
        self._show_size(category, size_mm)
        self.body.setEnabled(self._editable)
        self.read_only.setVisible(lesion is not None and not editable)
        self._last = self.finding()

    def _show_size(self, category: LesionCategory | None, size_mm: Decimal | None) -> None:
        shown = size_mm is not None or category is LesionCategory.NEW
        self.size_caption.setVisible(shown)
        self.size_value.setVisible(shown)
        if size_mm is not None:
            self.size_value.setText(f"<b>{size_mm} mm</b>  (from the caliper)")
        else:
            self.size_value.setText("— draw its longest diameter (T)")

    # -- the value ----------------------------------------------------------------------
    @property
    def lesion(self) -> Lesion | None:
        """The lesion shown, or ``None``."""
        return self._lesion

    @property
    def is_editable(self) -> bool:
        """True when the reader may change the finding shown."""
        return self._editable

    def finding(self) -> Finding | None:
        """The finding as the form shows it; ``None`` without a lesion, or for a
        non-target whose state is not chosen yet."""
        lesion = self._lesion
        if lesion is None:
            return None
        base = self._finding or Finding(lesion.lesion_id, self._timepoint_id)
        base = dataclasses.replace(base, lesion_id=lesion.lesion_id,
                                   timepoint_id=self._timepoint_id)
        if lesion.category is LesionCategory.TARGET:
            return dataclasses.replace(base, state=self.target.state())
        cytology = self.cytology.isChecked() if lesion.kind in FLUID_KINDS \
            else base.is_cytology_confirmed
        if lesion.category is LesionCategory.NON_TARGET:
            state = self.non_target.state()
            return None if state is None else dataclasses.replace(
                base, state=state, is_cytology_confirmed=cytology)
        return dataclasses.replace(
            base, state=None, arterial_enhancement=self.arterial.isChecked(),
            washout=self.washout.isChecked(), is_equivocal=self.equivocal.isChecked(),
            is_cytology_confirmed=cytology)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override: P A U N
        # Keys the focused control leaves unhandled reach the form (a radio button ignores
        # letters), so the keys work wherever the focus is inside it.
        lesion = self._lesion
        if (self._editable and lesion is not None
                and lesion.category is LesionCategory.NON_TARGET and not event.modifiers()):
            state = _KEY_STATES.get(event.text().upper())
            if state is not None:
                self.non_target.buttons[state].click()
                return
        super().keyPressEvent(event)

    def _on_changed(self, *_: object) -> None:
        self.target.show_meaning()
        self.non_target.show_meaning()
        if not self._editable:
            return
        finding = self.finding()
        if finding is None or finding == self._last:
            return
        self._last = finding
        self.finding_changed.emit(finding)
