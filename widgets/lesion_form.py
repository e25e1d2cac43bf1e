"""The form a reader fills in to add a lesion: where it is and what it is.

``AddLesionDialog`` asks, for one category (target, non-target, new), for the organ and
what the rules need to know of the lesion: whether it is a lymph node (measured by its
short axis, RECIST 1.1 §3.1.1) and at the porta hepatis (malignant only from 20 mm short
axis under mRECIST, LL2010), its Couinaud segment in the liver, whether it was treated
locoregionally before baseline (a target only if measurable and enhancing, LL2010), and for
non-target and new lesions its kind (tumour thrombus, ascites, effusion). Its answer is a
``LesionRequest``, a plain value: the reading view passes ``request.details()`` to
``core.actions.add_lesion``, which labels and records the lesion.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from core.model.clinical import LesionCategory
from widgets.lesion_words import (
    CATEGORY_KINDS,
    CATEGORY_TEXT,
    KINDS,
    LIVER,
    LIVER_SEGMENTS,
    LYMPH_NODE,
    ORGANS,
    is_organ_code,
    organ_code,
    segment_location,
)

OTHER_ORGAN = "Other…"

# One line under the title: what the category is for (RECIST 1.1 §3.1, §4.2; LL2010).
_CATEGORY_HINTS = {
    LesionCategory.TARGET: (
        "Measurable at baseline: at least 10 mm (viable diameter in the liver), a node at "
        "least 15 mm short axis; at most 2 per organ and 5 in all."),
    LesionCategory.NON_TARGET: (
        "Every other site of disease, tumour thrombus, ascites and effusions included; "
        "its state is recorded at every timepoint."),
    LesionCategory.NEW: (
        "Seen at this follow-up only. The engine decides whether it is progression from "
        "its size and enhancement pattern (LL2010)."),
}


@dataclass(frozen=True, slots=True)
class LesionRequest:
    """A lesion the reader asked to add: everything ``core.actions.add_lesion`` takes but
    the read and the timepoint.

    ``organ`` is in the case file's words (``liver``, ``lymph_node``); ``location`` is
    free text, the liver segment as "segment VII"; ``kind`` is ``tumour_thrombus``,
    ``ascites``, ``effusion`` or ``None``.

    Raises
    ------
    ValueError
        Naming the field: an organ not written as the case file records organs, a porta
        hepatis flag on a lesion that is not a node.
    """

    category: LesionCategory
    organ: str
    is_node: bool = False
    is_porta_hepatis: bool = False
    is_previously_treated: bool = False
    kind: str | None = None
    location: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", LesionCategory(self.category))
        if not is_organ_code(self.organ):
            raise ValueError(f"organ: {self.organ!r} is not a lower-case organ name such as "
                             "'liver' or 'lymph_node'")
        if self.is_porta_hepatis and not self.is_node:
            raise ValueError("is_porta_hepatis: only a lymph node is at the porta hepatis")

    def details(self) -> dict[str, object]:
        """``add_lesion``'s keyword arguments: ``add_lesion(store, session, task_id,
        timepoint_id, request.category, request.organ, **request.details())``."""
        return {"is_node": self.is_node, "is_previously_treated": self.is_previously_treated,
                "is_porta_hepatis": self.is_porta_hepatis, "kind": self.kind,
                "location": self.location}


class AddLesionDialog(QDialog):
    """Asks where a new target, non-target or new lesion is and what it is.

    The organ is required: OK (and Enter) does nothing until one is chosen or typed.

    Signals
    -------
    requested(LesionRequest)
        The reader accepted the form (emitted before ``accepted``).
    """

    requested = Signal(object)

    def __init__(self, category: LesionCategory, parent: QWidget | None = None,
                 label: str | None = None) -> None:
        super().__init__(parent)
        self.category = LesionCategory(category)
        noun = CATEGORY_TEXT[self.category].lower()
        noun = noun if self.category is LesionCategory.NEW else f"{noun} lesion"
        self.setWindowTitle(f"Add {noun}")
        self._node_set_by_organ = False

        title = QLabel(f"{noun[0].upper()}{noun[1:]}" + (f"  <b>{label}</b>" if label else ""))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(_CATEGORY_HINTS[self.category])
        hint.setWordWrap(True)
        palette = hint.palette()  # secondary text: read, not acted on
        palette.setColor(QPalette.ColorRole.WindowText,
                         palette.color(QPalette.ColorRole.PlaceholderText))
        hint.setPalette(palette)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        self.organ = QComboBox()
        self.organ.setEditable(True)
        self.organ.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, text in ORGANS:
            self.organ.addItem(text, code)
        self.organ.addItem(OTHER_ORGAN, None)
        self.organ.setCurrentIndex(-1)
        self.organ.lineEdit().setPlaceholderText("Choose or type the organ")
        self.organ.setMinimumContentsLength(22)
        self.node = QCheckBox("Lymph node (measured by its short axis)")
        self.porta_hepatis = QCheckBox("At the porta hepatis")
        self.porta_hepatis.setToolTip(
            "mRECIST (LL2010): a porta hepatis node is malignant only from 20 mm short axis")
        self.segment = QComboBox()
        self.segment.addItem("Not specified", None)
        for segment in LIVER_SEGMENTS:
            self.segment.addItem(f"Segment {segment}", segment_location(segment))
        self.previously_treated = QCheckBox("Previously treated (locoregional therapy)")
        self.previously_treated.setToolTip(
            "LL2010: a treated lesion is a target only if it is measurable and shows "
            "intratumoral arterial enhancement")
        self.kind = QComboBox()
        self.kind.addItem("None (a solid lesion)", None)
        for code in CATEGORY_KINDS[self.category]:
            self.kind.addItem(KINDS[code], code)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c0392b;")
        self.message.setWordWrap(True)
        self.message.hide()

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.addRow("&Organ", self.organ)
        self.form.addRow("", self.node)
        self.form.addRow("", self.porta_hepatis)
        self.form.addRow("Liver &segment", self.segment)
        self.form.addRow("", self.previously_treated)
        self.form.addRow("&Kind", self.kind)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"Add {label}" if label else "Add")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(rule)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        hint.setFixedWidth(400)
        self.message.setFixedWidth(400)

        self.organ.currentTextChanged.connect(self._on_organ_text)
        self.organ.activated.connect(self._on_organ_activated)
        self.node.clicked.connect(self._on_node_clicked)
        self.node.toggled.connect(lambda _: self._update_rows())
        self._update_rows()
        self.organ.setFocus()

    # -- the answer ---------------------------------------------------------------------
    def request(self) -> LesionRequest | None:
        """The lesion the form describes now, or ``None`` while it has no organ."""
        organ = organ_code(self.organ.currentText())
        if organ is None:
            return None
        liver = organ == LIVER
        node = self.node.isChecked()
        kind = self.kind.currentData() if CATEGORY_KINDS[self.category] else None
        return LesionRequest(
            self.category, organ, is_node=node,
            is_porta_hepatis=node and self.porta_hepatis.isChecked(),
            is_previously_treated=(liver and self._treatable()
                                   and self.previously_treated.isChecked()),
            kind=kind, location=self.segment.currentData() if liver else None)

    def accept(self) -> None:  # Qt override: the organ is required
        request = self.request()
        if request is None:
            self.message.setText("Choose the organ from the list or type it "
                                 "(a letter first).")
            self.message.show()
            self.organ.setFocus()
            return
        self.requested.emit(request)
        super().accept()

    # -- the rows the organ and the node flag call for -----------------------------------
    def _treatable(self) -> bool:
        return self.category is not LesionCategory.NEW  # a new lesion was never treated

    def _on_organ_activated(self, index: int) -> None:
        if self.organ.itemText(index) == OTHER_ORGAN:
            self.organ.setEditText("")
            self.organ.lineEdit().setPlaceholderText("Type the organ, e.g. spleen")
            self.organ.setFocus()

    def _on_organ_text(self, _text: str) -> None:
        self.message.hide()
        is_node_organ = organ_code(self.organ.currentText()) == LYMPH_NODE
        if is_node_organ:
            self.node.setChecked(True)
            self._node_set_by_organ = True
        elif self._node_set_by_organ:
            self.node.setChecked(False)
            self._node_set_by_organ = False
        # A lesion in organ lymph_node is a node whatever the flag says (RECIST 1.1 §3.1.1).
        self.node.setEnabled(not is_node_organ)
        self._update_rows()

    def _on_node_clicked(self) -> None:
        self._node_set_by_organ = False

    def _update_rows(self) -> None:
        liver = organ_code(self.organ.currentText()) == LIVER
        self.form.setRowVisible(self.porta_hepatis, self.node.isChecked())
        self.form.setRowVisible(self.segment, liver)
        self.form.setRowVisible(self.previously_treated, liver and self._treatable())
        self.form.setRowVisible(self.kind, bool(CATEGORY_KINDS[self.category]))
        self.ok_button.setEnabled(organ_code(self.organ.currentText()) is not None)
