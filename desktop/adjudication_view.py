"""The adjudication view: two blinded reads of one subject, A and B, and the decision.

The adjudicator compares, timepoint by timepoint, the two signed reads on the same images:
both reads' calipers on every phase in two colours (A yellow, B magenta; each can be
hidden), the lesion tables and responses side by side with the differences marked, and the
triggers at the timepoints where they fired. They choose A or B, write the rationale
(required) and sign with the password; the chosen read's engine result becomes the
subject's final result, and the view says so. Decisions of earlier cycles show read-only.

The letters are the store's (drawn at random per subject and kept, ``core.reading.ab_order``):
nothing here names a reader. The window's one ``PhaseGrid`` moves in, as for reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.actions import adjudicate, adjudication_series, earlier_decisions, get_adjudication
from core.dicom import scan
from core.dicom.study import load_phases
from core.errors import CoreError
from core.model.imaging import Phase
from core.model.reading import Caliper, MeasurementKind, Read
from core.model.trial import FinalResult, SeriesRecord, Session
from core.model.volume import Volume
from core.progress import Progress
from core.reading import trigger_timepoints
from core.store import Store
from desktop.background_load import BackgroundLoad, LoadCancelled
from widgets.adjudication_queue import trigger_text
from widgets.phase_grid import PhaseGrid
from widgets.read_comparison import ReadComparison
from widgets.slice_viewer import CaliperStyle

_MARKS = {MeasurementKind.VIABLE: "V", MeasurementKind.TOTAL: "T",
          MeasurementKind.SHORT_AXIS: "SA"}


class AdjudicationScreen(QWidget):
    """One open adjudication: the images, both reads, the choice and its signature.

    Signals
    -------
    decided(FinalResult)   the decision was signed; the subject's final result
    session_ended(str)     the store ended the session (the lock-out)
    """

    decided = Signal(object)
    session_ended = Signal(str)

    def __init__(self, store: Store, session: Session, adjudication_id: int, *,
                 grid: PhaseGrid | None = None, load_in_background: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._session = store, session
        self._load_in_background = load_in_background
        self._load: BackgroundLoad | None = None
        self.view = get_adjudication(store, session, adjudication_id)
        self.final: FinalResult | None = None
        self.grid = grid if grid is not None else PhaseGrid(2)
        self._folders = self._timepoint_folders(
            adjudication_series(store, session, adjudication_id))
        self._triggers = trigger_timepoints(self.view.triggers, self.view.result_a,
                                            self.view.result_b)

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.timepoints = QComboBox()
        for timepoint in self.view.read_a.timepoints:
            mark = "  ⚑" if timepoint.label in self._triggers else ""
            self.timepoints.addItem(f"{timepoint.label}  {timepoint.date.isoformat()}{mark}",
                                    timepoint.label)
        self.show_a = QCheckBox("Read A calipers")
        self.show_b = QCheckBox("Read B calipers")
        for box, style in ((self.show_a, CaliperStyle.READ_A),
                           (self.show_b, CaliperStyle.READ_B)):
            box.setChecked(True)
            box.setStyleSheet(f"QCheckBox {{ color: {style.value}; font-weight: bold; }}")
            box.toggled.connect(lambda _on: self._show_calipers())
        self.comparison = ReadComparison()
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()  # the images of a timepoint loading
        self.progress.setRange(0, 1000)
        self.progress.hide()

        decision = QGroupBox("Decision")
        self.choose_a = QRadioButton("Read A")
        self.choose_b = QRadioButton("Read B")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.choose_a)
        self.choice.addButton(self.choose_b)
        self.rationale = QPlainTextEdit()
        self.rationale.setPlaceholderText("Why this read (required): the images and the "
                                          "lesion that decide")
        self.rationale.setMaximumHeight(90)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("your password, again (21 CFR 11.200(a))")
        self.sign_button = QPushButton("Sign the decision")
        self.sign_button.clicked.connect(self.decide)
        self.password.returnPressed.connect(self.decide)
        for changed in (self.choice.buttonToggled, self.rationale.textChanged,
                        self.password.textChanged):
            changed.connect(lambda *_: self._allow())
        choices = QHBoxLayout()
        choices.addWidget(self.choose_a)
        choices.addWidget(self.choose_b)
        choices.addStretch(1)
        form = QFormLayout(decision)
        form.addRow("Final read", choices)
        form.addRow("Rationale", self.rationale)
        form.addRow("Password", self.password)
        form.addRow(self.sign_button)
        self.meaning = QLabel("Signing records your name, the time, the meaning "
                              "<i>Adjudicator: I selected this read as final</i> and the "
                              "content of both reads (21 CFR 11.50).")
        self.meaning.setWordWrap(True)
        form.addRow(self.meaning)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.header)
        row = QHBoxLayout()
        row.addWidget(QLabel("Timepoint"))
        row.addWidget(self.timepoints, 1)
        side_layout.addLayout(row)
        toggles = QHBoxLayout()
        toggles.addWidget(self.show_a)
        toggles.addWidget(self.show_b)
        toggles.addStretch(1)
        side_layout.addLayout(toggles)
        side_layout.addWidget(self.comparison, 1)
        side_layout.addWidget(self.earlier)
        side_layout.addWidget(decision)
        side_layout.addWidget(self.progress)
        side_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 560])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.grid.viewers_changed.connect(self._show_calipers)
        self.timepoints.currentIndexChanged.connect(lambda _i: self.show_timepoint(
            self.timepoints.currentData()))
        self._show_header()
        self._allow()
        self.timepoints.setCurrentIndex(self.timepoints.count() - 1)  # the cycle's end
        self.show_timepoint(self.timepoints.currentData())

    # -- what the window and tests call -------------------------------------------------

    @property
    def current_label(self) -> str:
        """The timepoint shown."""
        return str(self.timepoints.currentData())

    def show_timepoint(self, label: str) -> None:
        """Both reads at *label*, and its images."""
        index = self.timepoints.findData(label)
        if index >= 0 and index != self.timepoints.currentIndex():
            self.timepoints.setCurrentIndex(index)  # comes back here through the signal
            return
        self.comparison.show_timepoint(self.view.read_a, self.view.read_b, label,
                                       self.view.result_a, self.view.result_b,
                                       [trigger_text(t) for t in self._triggers.get(label, ())])
        self._load_images(label)
        self._show_calipers()

    def set_session(self, session: Session) -> None:
        """Continue under the adjudicator's new log-in (after the idle lock)."""
        self._session = session

    def decide(self) -> FinalResult | None:
        """Sign the chosen read as final; None (and the reason shown) if refused."""
        if not self.sign_button.isEnabled():
            return None
        letter = "A" if self.choose_a.isChecked() else "B"
        password = self.password.text()
        self.password.clear()
        try:
            final = adjudicate(self._store, self._session, self.view.adjudication_id, letter,
                               self.rationale.toPlainText(), password)
        except CoreError as error:
            self._say(str(error), refused=True)
            if "session has ended" in str(error) or "locked" in str(error):
                self.session_ended.emit(str(error))
            return None
        self.final = final
        chosen = self.view.result_a if letter == "A" else self.view.result_b
        self._say(f"Signed: read {letter} is final for {self.view.subject} through "
                  f"{self.view.through_label} — the subject's result is read {letter}'s: "
                  f"best overall response {chosen.get('best_overall_response')}, "
                  f"progression {(chosen.get('progression') or {}).get('date', 'none')}.")
        for widget in (self.choose_a, self.choose_b, self.rationale, self.password,
                       self.sign_button):
            widget.setEnabled(False)
        self.decided.emit(final)
        return final

    def close(self) -> bool:  # Qt override
        """Stop a load still running (the images are the window's grid's)."""
        load, self._load = self._load, None
        if load is not None:
            load.cancel()
            load.wait(30)
            load.release()
        return super().close()

    # -- images -------------------------------------------------------------------------

    def _timepoint_folders(self, series: Sequence[SeriesRecord]) -> dict[int, list[Path]]:
        folders: dict[int, list[Path]] = defaultdict(list)
        for record in series:
            folder = self._store.path.parent / record.location
            if folder not in folders[record.timepoint_id]:
                folders[record.timepoint_id].append(folder)
        return folders

    def _load_images(self, label: str) -> None:
        timepoint = next(tp for tp in self.view.read_a.timepoints if tp.label == label)
        folders = self._folders.get(timepoint.timepoint_id, [])
        if not folders:
            self.grid.set_volumes([], "")
            self._say(f"{label}: no images registered")
            return
        context = f"{self.view.subject}\n{label} · {timepoint.date.isoformat()}"

        def job(progress: Progress, *_callbacks: object) -> list[Volume]:
            return load_phases(scan(folders), progress)

        if self._load is not None:
            self._load.cancel()
        if not self._load_in_background:
            self._shown(job(lambda _fraction, _message: None), context)
            return
        load = BackgroundLoad(job)
        load.finished.connect(lambda volumes, c=context: self._loaded(load, volumes, c))
        load.failed.connect(lambda error: self._failed(load, error))
        load.progress.connect(lambda fraction, _message: self.progress.setValue(
            int(fraction * 1000)))
        self._load = load
        self.progress.setValue(0)
        self.progress.show()
        self._say(f"Loading {label}…")
        load.start()

    def _loaded(self, load: BackgroundLoad, volumes: list[Volume], context: str) -> None:
        load.release()
        if load is not self._load:
            return  # another timepoint was chosen meanwhile
        self._load = None
        self.progress.hide()
        self._say("")
        self._shown(volumes, context)

    def _failed(self, load: BackgroundLoad, error: BaseException) -> None:
        load.release()
        if load is self._load:
            self._load = None
            self.progress.hide()
            if not isinstance(error, LoadCancelled):
                self._say(f"Images not loaded: {error}", refused=True)

    def _shown(self, volumes: list[Volume], context: str) -> None:
        self.grid.set_volumes(volumes, context)
        arterial = next((i for i, v in enumerate(self.grid.viewers)
                         if v.volume is not None and v.volume.phase is Phase.ARTERIAL), 0)
        self.grid.set_active(arterial)
        self._go_to_calipers()

    def _go_to_calipers(self) -> None:
        """Open the timepoint at the first caliper of either read, on the arterial phase."""
        label = self.current_label
        for read in (self.view.read_a, self.view.read_b):
            timepoint_id = next((tp.timepoint_id for tp in read.timepoints
                                 if tp.label == label), None)
            first = next((m for m in read.measurements if m.timepoint_id == timepoint_id),
                         None)
            if first is not None:
                z = (first.caliper.start_xyz[2] + first.caliper.end_xyz[2]) / 2
                self.grid.go_to_position(z)
                return

    def _show_calipers(self) -> None:
        calipers: list[Caliper] = []
        labels: list[str] = []
        styles: list[CaliperStyle] = []
        for letter, read, box, style in (("A", self.view.read_a, self.show_a,
                                          CaliperStyle.READ_A),
                                         ("B", self.view.read_b, self.show_b,
                                          CaliperStyle.READ_B)):
            if not box.isChecked():
                continue
            for caliper, name in _calipers_at(read, self.current_label):
                calipers.append(caliper)
                labels.append(f"{letter} {name}")
                styles.append(style)
        for viewer in self.grid.viewers:
            viewer.set_measuring(False)
            viewer.set_editable(False)
            viewer.set_calipers(calipers, labels, styles)

    # -- text -------------------------------------------------------------------------

    def _show_header(self) -> None:
        view = self.view
        triggers = "<br>".join(trigger_text(t) for t in view.triggers) or "—"
        self.header.setText(f"<b>{view.subject}</b> &nbsp; cycle through "
                            f"<b>{view.through_label}</b><br>"
                            f"<span style='color:#ffb74d'>{triggers}</span>")
        problems = list(view.signature_problems)
        if problems:
            self._say("Cannot be decided: " + "; ".join(problems), refused=True)
        earlier = earlier_decisions(self._store, self._session, view.adjudication_id)
        self.earlier.setText("<br>".join(
            f"Decided before, read-only: through <b>{d.through_label}</b> read "
            f"<b>{d.chosen}</b> — {d.rationale} ({d.decided_utc[:16].replace('T', ' ')} UTC)"
            for d in earlier))
        self.earlier.setVisible(bool(earlier))

    def _allow(self) -> None:
        ready = self.choice.checkedButton() is not None and \
            bool(self.rationale.toPlainText().strip()) and bool(self.password.text()) and \
            not self.view.signature_problems and self.final is None
        self.sign_button.setEnabled(ready)

    def _say(self, text: str, refused: bool = False) -> None:
        self.status.setStyleSheet("color: #ef9a9a;" if refused else "")
        self.status.setText(text)


def _calipers_at(read: Read, label: str) -> list[tuple[Caliper, str]]:
    timepoint_id = next((tp.timepoint_id for tp in read.timepoints if tp.label == label), None)
    names = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    return [(m.caliper, f"{names.get(m.lesion_id, '')} {_MARKS[m.kind]}")
            for m in read.measurements if m.timepoint_id == timepoint_id]
