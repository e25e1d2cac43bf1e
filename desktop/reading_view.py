"""The reading view: one timepoint of the reader's own read — phases, lesions, response.

mRECIST measures the viable, arterially enhancing part of each target on the arterial
phase (Lencioni & Llovet 2010), so the arterial viewport is active when a timepoint opens
and the viable tool draws there; a viable caliper drawn on another phase is saved only
after the reader confirms it, and the store records the phase (docs/reading.md). The total
diameter (RECIST 1.1) and a node's short axis may be drawn on any phase.

The reader picks a lesion and a caliper (V viable, T total, S short axis); the next caliper
drawn is saved through the reading session the moment the mouse is released, its key image
is rendered off the GUI thread, and the panels and viewports show the read as it now is.
Dragging an end of a saved caliper moves it (saved on release, like a new one). A click
inside a lesion and A proposes both diameters as dashed calipers (``core.suggest``):
Enter keeps them as they are, Esc discards them; kept calipers are moved like any other.
Nothing is saved but what the reader drew, moved or accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.actions import ReadUpdate, list_series, read_state
from core.dicom import scan
from core.dicom.volume import load_volume
from core.geometry import measure_caliper, plane_of_slice, slice_nearest_point
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import (
    Caliper,
    Lesion,
    MeasurementKind,
    ReadTimepoint,
    TimepointStatus,
)
from core.model.trial import Session
from core.model.volume import Volume
from core.reading import last_known_position, lesion_position
from core.store import Store
from core.suggest import SuggestedDiameter, suggest_diameters
from desktop.background_load import BackgroundLoad, LoadCancelled
from desktop.key_images import KeyImageFiler
from desktop.reading_session import ReadingSession
from widgets.finding_form import FindingForm
from widgets.lesion_form import AddLesionDialog, LesionRequest
from widgets.lesion_panel import LesionPanel
from widgets.phase_grid import PhaseGrid
from widgets.previous_timepoint import PreviousTimepointPanel, centre_on
from widgets.response_panel import ResponsePanel
from widgets.sign_dialog import AmendDialog, SignDialog, session_over
from widgets.slice_viewer import SliceViewer

# Asked before a viable caliper drawn on another phase is saved: True to save it.
ConfirmPhase = Callable[[Phase], bool]

_KIND_NAMES = {MeasurementKind.VIABLE: "viable", MeasurementKind.TOTAL: "total",
               MeasurementKind.SHORT_AXIS: "short axis"}
_KIND_MARKS = {MeasurementKind.VIABLE: "V", MeasurementKind.TOTAL: "T",
               MeasurementKind.SHORT_AXIS: "SA"}


class ReadingView(QWidget):
    """One timepoint of the reader's own read: phases, lesions, response.

    *grid* is the window's phase grid, which the view takes into its layout (one viewer
    for trial and folder studies alike); without one the view makes its own.
    *confirm_phase* asks the reader before a viable caliper on a non-arterial phase is
    saved (a message box by default).

    Signals
    -------
    session_ended(str)   the store ended the reader's session (a signature's password
                         failed once too often): the window returns to the log-in
    """

    session_ended = Signal(str)

    def __init__(self, store: Store, session: Session, task_id: int, timepoint_id: int, *,
                 grid: PhaseGrid | None = None, confirm_phase: ConfirmPhase | None = None,
                 load_in_background: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._load_in_background = load_in_background
        self._previous_load: BackgroundLoad | None = None
        self.reading = ReadingSession(store, session, task_id, self)
        self.key_images = KeyImageFiler(store, session, self)
        self.timepoint_id = timepoint_id
        self._confirm_phase = confirm_phase or self._ask_phase
        self.grid = grid if grid is not None else PhaseGrid(2)
        self.lesions = LesionPanel()
        self.finding = FindingForm()
        self.add_dialog: AddLesionDialog | None = None
        self.response = ResponsePanel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("readingStatus")
        self.header = QLabel()
        self.header.setObjectName("readingHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.sign_button = QPushButton("Sign timepoint…")
        self.sign_button.setToolTip("Review what is signed and sign with your password "
                                    "(Ctrl+Return)")
        self.sign_button.clicked.connect(self.sign)
        self.amend_button = QPushButton("Amend…")
        self.amend_button.setToolTip("Re-open this signed timepoint for a correction, "
                                     "with a reason")
        self.amend_button.clicked.connect(self.amend)
        self.sign_dialog: SignDialog | None = None
        self._phase_box: QMessageBox | None = None
        self.amend_dialog: AmendDialog | None = None
        header_row = QHBoxLayout()
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.amend_button)
        header_row.addWidget(self.sign_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addLayout(header_row)
        self.previous = PreviousTimepointPanel()
        self.previous.setMinimumHeight(260)
        side_layout.addWidget(self.previous, 4)
        side_layout.addWidget(self.lesions, 3)
        side_layout.addWidget(self.finding)
        side_layout.addWidget(self.response, 3)
        side_layout.addWidget(self.status)
        self.side_layout = side_layout
        self.splitter = QSplitter()
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 400])  # the images take the room; the panels a column
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._tool: tuple[int, MeasurementKind] | None = None
        self._clicked: tuple[float, float, float] | None = None
        self._suggested: dict[MeasurementKind, Caliper] = {}
        self._suggested_for: int | None = None  # the lesion the proposal was made for
        self._wired: set[int] = set()
        self.lesions.measure_requested.connect(self.start_measuring)
        self.lesions.delete_requested.connect(self.reading.delete_lesion)
        self.lesions.add_requested.connect(self.ask_lesion)
        self.finding.finding_changed.connect(self.reading.record_finding)
        self.reading.changed.connect(self._show)
        self.reading.refused.connect(self._say)
        self.key_images.failed.connect(self._say)
        self.grid.viewers_changed.connect(self._wire_viewers)
        self.previous.go_to_requested.connect(self.go_to_lesion)
        self.lesions.tree.currentItemChanged.connect(lambda *_: self._lesion_chosen())
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self._wire_viewers()
        self._show_read(read_state(store, session, task_id, timepoint_id))
        self._show_previous()

    # -- what the window and the tests call ---------------------------------------------

    @property
    def timepoint_label(self) -> str:
        """The label of the timepoint being read."""
        index = self.reading.read.index_of(self.timepoint_id)
        return self.reading.read.timepoints[index or 0].label

    @property
    def is_editable(self) -> bool:
        """True while the timepoint may be edited (open, or re-opened by an amendment)."""
        index = self.reading.read.index_of(self.timepoint_id)
        if index is None:
            return False
        return self.reading.read.timepoints[index].status is not TimepointStatus.SIGNED

    def set_session(self, session: Session) -> None:
        """Continue under the reader's new log-in (after the idle lock)."""
        self.reading.set_session(session)
        self.key_images.set_session(session)

    def close(self) -> bool:  # Qt override
        """Stop loading the previous timepoint and file the key images being rendered."""
        load, self._previous_load = self._previous_load, None
        if load is not None:  # one series: let it end rather than delete it under its thread
            load.cancel()
            load.wait(30)
            load.release()
        self.key_images.wait()
        return super().close()

    def set_volumes(self, volumes: Sequence[Volume], context: str = "") -> None:
        """Show the timepoint's phases, the arterial one active (it measures)."""
        self.grid.set_volumes(volumes, context)
        self.activate_arterial()

    def activate_arterial(self) -> None:
        """Make the arterial viewport the active one, if the timepoint has one."""
        arterial = self.measuring_viewer
        if arterial is not None:
            self.grid.set_active(self.grid.viewers.index(arterial))

    @property
    def measuring_viewer(self) -> SliceViewer | None:
        """The arterial viewport, where mRECIST calipers are drawn, if shown."""
        return next((viewer for viewer in self.grid.viewers if viewer.volume is not None
                     and viewer.volume.phase is Phase.ARTERIAL), None)

    def add_lesion(self, category: LesionCategory, organ: str, **details: object) -> Lesion | None:
        """Add a lesion at this timepoint and select it."""
        lesion = self.reading.add_lesion(self.timepoint_id, category, organ, **details)
        if lesion is not None:
            self.lesions.select(lesion.lesion_id)
        return lesion

    def ask_lesion(self, category: LesionCategory) -> AddLesionDialog:
        """The add-lesion form for *category*; the lesion is added when it is accepted."""
        dialog = AddLesionDialog(category, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.requested.connect(self._add_requested)
        dialog.finished.connect(lambda _code: setattr(self, "add_dialog", None))
        dialog.destroyed.connect(self.take_focus)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def _add_requested(self, request: LesionRequest) -> None:
        lesion = self.add_lesion(request.category, request.organ, **request.details())
        if lesion is not None:
            self._say(f"Added {lesion.label} ({request.organ.replace('_', ' ')}): "
                      + ("S for its short axis" if lesion.is_node else
                         "V and T for its diameters"
                         if lesion.category is not LesionCategory.NON_TARGET
                         else "choose its state below"))

    def start_measuring(self, lesion_id: int, kind: MeasurementKind) -> None:
        """The next caliper drawn measures *lesion_id* as *kind* (Esc cancels)."""
        if not self.is_editable:
            self._say(f"{self.timepoint_label} is signed: amend it to change a caliper")
            return
        if self.measuring_viewer is None and kind is MeasurementKind.VIABLE:
            self._say("no arterial phase at this timepoint: the viable diameter is "
                      "measured on the arterial phase (mRECIST)")
            return
        self._tool = (lesion_id, kind)
        for viewer in self.grid.viewers:
            viewer.set_measuring(True)
        lesion = self.reading.read.lesion_with_id(lesion_id)
        label = lesion.label if lesion else "the lesion"
        where = "on the arterial phase" if kind is MeasurementKind.VIABLE else ""
        self._say(f"Draw the {_KIND_NAMES[kind]} diameter of {label} {where}".strip()
                  + " — Esc cancels")

    def record_no_viable_tumour(self) -> bool:
        """0: the selected target has no enhancing part left — a viable diameter of 0 mm.

        mRECIST records a target without intratumoral arterial enhancement as a viable
        diameter of 0 (LL2010; docs/reading.md): a point caliper, here at the middle of the
        lesion's total diameter at this timepoint, on its image, so it stays tied to the
        lesion and the image it was judged on. The total must be drawn first.
        """
        lesion = self.lesions.current_lesion()
        if lesion is None or lesion.category is not LesionCategory.TARGET:
            self._say("Choose a target lesion first")
            return False
        total = self.reading.read.measurement(lesion.lesion_id, self.timepoint_id,
                                              MeasurementKind.TOTAL)
        viewer = self._viewer_showing(total.caliper.sop_instance_uid) if total else None
        if total is None or viewer is None or viewer.volume is None:
            self._say(f"Draw the total diameter of {lesion.label} first: the viable 0 mm "
                      "is recorded inside it")
            return False
        volume = viewer.volume
        index = volume.sop_instance_uids.index(total.caliper.sop_instance_uid)
        middle = tuple((a + b) / 2 for a, b in zip(total.caliper.start_rc,
                                                   total.caliper.end_rc, strict=True))
        point = measure_caliper(plane_of_slice(volume, index), middle, middle,
                                total.caliper.sop_instance_uid, total.caliper.frame,
                                on_lossy_image=volume.is_lossy)
        if not self._phase_confirmed(viewer, MeasurementKind.VIABLE):
            self._say("Not saved: no viable tumour is judged on the arterial phase; "
                      "draw the total there, or confirm the other phase")
            return False
        if not self._save(lesion.lesion_id, MeasurementKind.VIABLE, point, viewer):
            return False
        self._say(f"{lesion.label}: no viable tumour (viable 0 mm)")
        return True

    def _viewer_showing(self, sop_instance_uid: str) -> SliceViewer | None:
        return next((viewer for viewer in self.grid.viewers if viewer.volume is not None
                     and sop_instance_uid in viewer.volume.sop_instance_uids), None)

    def cancel(self) -> None:
        """Esc: put the caliper tool down, or discard the suggestion shown."""
        if self._suggested:
            self.discard_suggestion()
            return
        if self._tool is not None:
            self._tool = None
            for viewer in self.grid.viewers:
                viewer.set_measuring(False)
            self._say("Caliper cancelled")

    def undo(self) -> None:
        """Undo the last edit (itself a stored, audited change)."""
        self.reading.undo_stack.undo()

    def redo(self) -> None:
        """Redo the last undone edit."""
        self.reading.undo_stack.redo()

    def select_next_lesion(self, step: int = 1) -> None:
        """Select the next (or, with -1, the previous) lesion of the list."""
        count = self.lesions.tree.topLevelItemCount()
        if not count:
            return
        current = self.lesions.tree.currentItem()
        index = self.lesions.tree.indexOfTopLevelItem(current) if current else -1
        item = self.lesions.tree.topLevelItem((index + step) % count)
        if item is not None:
            self.lesions.tree.setCurrentItem(item)
        lesion = self.lesions.current_lesion()
        if lesion is not None:
            self.go_to_lesion(lesion.lesion_id)

    def open_at_first_lesion(self) -> bool:
        """Select the first lesion with a caliper here or before, and go to it.

        A timepoint opens where the reader's work is (the first target, or where it was
        last measured), not at the middle slice of the series.
        """
        read = self.reading.read
        for lesion in read.lesions:
            if last_known_position(read, lesion.lesion_id, self.timepoint_id) is not None:
                self.lesions.select(lesion.lesion_id)
                return self.go_to_lesion(lesion.lesion_id)
        return False

    def go_to_lesion(self, lesion_id: int | None = None) -> bool:
        """G: centre the viewports on the lesion, here and in the previous timepoint.

        Here: its caliper at this timepoint, else where the reader last measured it. In
        the previous timepoint's panel: its caliper there, else the same point.
        """
        read = self.reading.read
        lesion = read.lesion_with_id(lesion_id) if lesion_id is not None \
            else self.lesions.current_lesion()
        if lesion is None:
            return False
        known = last_known_position(read, lesion.lesion_id, self.timepoint_id)
        if known is None:
            self._say(f"{lesion.label} has no caliper yet")
            return False
        self.activate_arterial()
        viewer = self.grid.active_viewer
        if viewer is not None and viewer.volume is not None:
            if viewer.is_fitted:  # the whole slice is in view: only the slice changes
                viewer.set_slice(slice_nearest_point(viewer.volume, known.point_xyz))
            else:  # zoomed in: bring the lesion to the middle (the linked phases follow)
                centre_on(viewer, known.point_xyz)
        previous = self._previous_timepoint()
        if previous is not None:
            there = lesion_position(read, lesion.lesion_id, previous.timepoint_id)
            self.previous.go_to(there if there is not None else known.point_xyz)
        where = "here" if known.timepoint_id == self.timepoint_id else \
            f"as at {read.timepoints[read.index_of(known.timepoint_id) or 0].label}"
        self._say(f"{lesion.label}: z {known.point_xyz[2]:.1f} mm ({where})")
        return True

    # -- the previous timepoint -----------------------------------------------------

    def _previous_timepoint(self) -> ReadTimepoint | None:
        read = self.reading.read
        index = read.index_of(self.timepoint_id)
        return read.timepoints[index - 1] if index else None

    def _previous_calipers(self) -> tuple[list[Caliper], list[str]]:
        previous = self._previous_timepoint()
        read = self.reading.read
        labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
        here = [m for m in read.measurements
                if previous is not None and m.timepoint_id == previous.timepoint_id]
        return ([m.caliper for m in here],
                [f"{labels.get(m.lesion_id, '')} {_KIND_MARKS[m.kind]}" for m in here])

    def _show_previous(self) -> None:
        """The reader's own previous timepoint: its arterial images and calipers."""
        previous = self._previous_timepoint()
        if previous is None:
            self.previous.show_no_timepoint()
            return
        calipers, names = self._previous_calipers()
        self.previous.show_timepoint(previous.label, previous.date, None, calipers, names)
        series = list_series(self._store, self.reading.session, self.reading.task_id,
                             previous.timepoint_id)
        arterial = next((s for s in series if s.phase == Phase.ARTERIAL.value), None)
        if arterial is None:
            self.previous.show_no_timepoint(f"{previous.label}: no arterial series")
            return
        folder = self._store.path.parent / arterial.location
        uid = arterial.series_instance_uid

        def job(*_callbacks: object) -> list[Volume]:
            found = [s for study in scan([folder]).studies for s in study.series
                     if s.series_instance_uid == uid]
            return [load_volume(found[0])] if found else []

        if not self._load_in_background:
            self._show_previous_volume(job())
            return
        load = BackgroundLoad(job)  # released when it ends, or waited for by close()
        load.finished.connect(self._show_previous_volume)
        load.failed.connect(self._previous_failed)
        self._previous_load = load
        load.start()

    def _show_previous_volume(self, volumes: list[Volume]) -> None:
        self._end_previous_load()
        previous = self._previous_timepoint()
        if previous is None:
            return
        if not volumes:
            self.previous.show_no_timepoint(f"{previous.label}: arterial images not found")
            return
        calipers, names = self._previous_calipers()
        self.previous.show_timepoint(previous.label, previous.date, volumes[0], calipers,
                                     names)
        self._name_lesion()

    def _end_previous_load(self) -> None:
        load, self._previous_load = self._previous_load, None
        if load is not None and load is self.sender():
            load.release()

    def _previous_failed(self, error: BaseException) -> None:
        self._end_previous_load()
        if not isinstance(error, LoadCancelled):
            self.previous.show_no_timepoint(f"Previous timepoint not loaded: {error}")

    def _name_lesion(self) -> None:
        lesion = self.lesions.current_lesion()
        self.previous.set_lesion(lesion.label if lesion is not None else None)

    def _lesion_chosen(self) -> None:
        """The finding form follows the selected lesion (and the previous panel names it);
        a suggestion made for another lesion is discarded."""
        self._name_lesion()
        lesion = self.lesions.current_lesion()
        if self._suggested and (lesion is None or lesion.lesion_id != self._suggested_for):
            self.discard_suggestion()
        read = self.reading.read
        finding = read.finding(lesion.lesion_id, self.timepoint_id) if lesion else None
        size = None
        if lesion is not None:
            measured = read.measurement(lesion.lesion_id, self.timepoint_id,
                                        MeasurementKind.SHORT_AXIS if lesion.is_node
                                        else MeasurementKind.TOTAL)
            size = measured.length_mm if measured is not None else None
        self.finding.show_lesion(lesion, finding, self.timepoint_id, self.is_editable, size)

    # -- signing ----------------------------------------------------------------------

    def sign(self) -> SignDialog | None:
        """Ctrl+Return: show exactly what is signed and ask for the password.

        The dialog shows the store's preview of the content; the signature is refused if
        the read changes before Sign is pressed (``shown_sha256``). The view says why a
        timepoint cannot be signed yet (the engine's problems) instead of opening it.
        """
        preview = self.reading.sign_preview(self.timepoint_id)
        if preview is None:
            return None  # the refusal is in the status line
        digest = preview.summary.content_sha256
        dialog = SignDialog(preview.summary, preview.signer,
                            lambda password: self.reading.sign(self.timepoint_id, password,
                                                               digest),
                            login=preview.login, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code, d=dialog: self._signing_ended(d))
        dialog.destroyed.connect(self.take_focus)  # a deleted dialog leaves no window active
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def amend(self) -> AmendDialog | None:
        """Re-open the signed timepoint for a correction; the reason is required."""
        if self.is_editable:
            self._say(f"{self.timepoint_label} is not signed: edit it directly")
            return None
        dialog = AmendDialog(self.reading.read, self.timepoint_id,
                             lambda reason: self.reading.amend(self.timepoint_id, reason),
                             parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "amend_dialog", None))
        dialog.destroyed.connect(self.take_focus)  # a deleted dialog leaves no window active
        self.amend_dialog = dialog
        dialog.open()
        return dialog

    def _signing_ended(self, dialog: SignDialog) -> None:
        self.sign_dialog = None
        if dialog.result() == SignDialog.DialogCode.Accepted:
            self._say(f"{self.timepoint_label} signed")
        elif dialog.refusal is not None and session_over(dialog.refusal):
            self.session_ended.emit(dialog.refusal)

    def take_focus(self, *_destroyed: object) -> None:
        """Back from a dialog, the keys act on the reading view again."""
        self.window().activateWindow()
        self.lesions.tree.setFocus()

    # -- suggestions ------------------------------------------------------------------

    def suggest(self, seed_xyz: Sequence[float] | None = None) -> bool:
        """Propose the selected lesion's viable and total diameters at the click (A).

        The proposal is drawn dashed on the arterial viewport at the slice where each is
        longest; nothing is saved until the reader accepts (Enter).
        """
        arterial = self.measuring_viewer
        lesion = self.lesions.current_lesion()
        seed = tuple(seed_xyz) if seed_xyz is not None else self._clicked
        if arterial is None or arterial.volume is None:
            self._say("no arterial phase at this timepoint: nothing to suggest from")
            return False
        if lesion is None or seed is None:
            self._say("Choose the lesion, click inside it on the arterial phase, then A")
            return False
        if not self.is_editable:
            self._say(f"{self.timepoint_label} is signed: amend it to change a caliper")
            return False
        venous = next((viewer.volume for viewer in self.grid.viewers if viewer.volume
                       is not None and viewer.volume.phase is Phase.PORTAL_VENOUS), None)
        suggestions = suggest_diameters(arterial.volume, seed, venous)
        volume = arterial.volume
        proposed: dict[MeasurementKind, Caliper] = {}
        declined: list[str] = []
        kinds = ((MeasurementKind.SHORT_AXIS, suggestions.total),) if lesion.is_node else \
            ((MeasurementKind.VIABLE, suggestions.viable),
             (MeasurementKind.TOTAL, suggestions.total))
        for kind, suggestion in kinds:
            if isinstance(suggestion, SuggestedDiameter):
                proposed[kind] = measure_caliper(
                    plane_of_slice(volume, suggestion.slice_index), suggestion.start_rc,
                    suggestion.end_rc, suggestion.sop_instance_uid, suggestion.frame,
                    on_lossy_image=volume.is_lossy)
            else:
                declined.append(f"{_KIND_NAMES[kind]}: {suggestion.detail}")
        self._suggested = proposed
        self._suggested_for = lesion.lesion_id
        self.actions_by_name["accept"].setEnabled(bool(proposed))  # else Enter is free
        if proposed:  # shown where the reader sees it: the arterial viewport, in any layout
            self.activate_arterial()
            first = next(iter(proposed.values()))
            arterial.set_slice(volume.sop_instance_uids.index(first.sop_instance_uid))
        self._show_calipers()
        lengths = ", ".join(f"{_KIND_NAMES[k]} {c.length_mm} mm" for k, c in proposed.items())
        text = f"Suggested for {lesion.label}: {lengths} — Enter keeps, Esc discards" \
            if proposed else f"No suggestion for {lesion.label}"
        self._say("; ".join([text, *declined]))
        return bool(proposed)

    @property
    def suggested(self) -> dict[MeasurementKind, Caliper]:
        """The calipers proposed and not yet kept or discarded."""
        return dict(self._suggested)

    def accept_suggestion(self) -> bool:
        """Enter: save the proposed calipers, as proposed, for the lesion they were made for.

        Choosing another lesion discards a proposal (``_lesion_chosen``), so a suggestion
        never lands on a lesion it was not made for.
        """
        lesion = self.lesions.current_lesion()
        if not self._suggested or lesion is None or lesion.lesion_id != self._suggested_for:
            return False
        proposed, self._suggested = self._suggested, {}
        self.actions_by_name["accept"].setEnabled(False)
        saved = []
        # The total first: a viable diameter is checked against the lesion's total.
        for kind in sorted(proposed, key=lambda k: k is MeasurementKind.VIABLE):
            if self._save(lesion.lesion_id, kind, proposed[kind], self.measuring_viewer):
                saved.append(f"{_KIND_NAMES[kind]} {proposed[kind].length_mm} mm")
        self._show_calipers()
        if saved:
            self._say(f"Saved {lesion.label}: " + ", ".join(saved))
        return bool(saved)

    def discard_suggestion(self) -> None:
        """Esc: forget the proposed calipers."""
        self._suggested, self._suggested_for = {}, None
        self.actions_by_name["accept"].setEnabled(False)
        self._show_calipers()
        self._say("Suggestion discarded")

    # -- handlers ---------------------------------------------------------------------

    def _wire_viewers(self) -> None:
        for viewer in self.grid.viewers:
            if id(viewer) in self._wired:
                continue
            self._wired.add(id(viewer))
            viewer.caliper_committed.connect(lambda c, v=viewer: self._on_caliper(v, c))
            viewer.caliper_moved.connect(lambda old, new, v=viewer: self._on_moved(v, old, new))
            viewer.point_clicked.connect(lambda xyz, v=viewer: self._on_click(v, xyz))
            key = id(viewer)
            viewer.destroyed.connect(lambda _=None, k=key: self._wired.discard(k))
        for viewer in self.grid.viewers:
            viewer.set_measuring(self._tool is not None)
            viewer.set_editable(self.is_editable)
        self._show_calipers()

    def _on_click(self, viewer: SliceViewer, xyz: tuple[float, float, float]) -> None:
        if viewer is self.measuring_viewer:
            self._clicked = xyz

    def _on_caliper(self, viewer: SliceViewer, caliper: Caliper) -> None:
        if self._tool is None:
            return
        lesion_id, kind = self._tool
        if _too_short(viewer, caliper):
            self._say("Not saved: a caliper shorter than a pixel is no measurement — "
                      "press 0 for no viable tumour")
            self._show_calipers()
            return
        if not self._phase_confirmed(viewer, kind):
            self._say("Not saved: draw the viable diameter on the arterial phase, or "
                      "confirm the other phase")
            self._show_calipers()
            return
        if not self._save(lesion_id, kind, caliper, viewer):
            return  # the reason is in the status line; the tool stays on to draw again
        self._tool = None
        for each in self.grid.viewers:
            each.set_measuring(False)
        self._say(f"Saved: {caliper.length_mm} mm")

    def _on_moved(self, viewer: SliceViewer, before: Caliper, after: Caliper) -> None:
        measurement = next((m for m in self.reading.read.measurements
                            if m.timepoint_id == self.timepoint_id and m.caliper == before),
                           None)
        if measurement is None:
            return
        if _too_short(viewer, after):
            self._say("Not moved: its ends would meet (press 0 for no viable tumour)")
            self._show_calipers()
            return
        if self._save(measurement.lesion_id, measurement.kind, after, viewer):
            self._say(f"Moved: {after.length_mm} mm")
        else:
            self._show_calipers()  # refused: the caliper goes back where it was saved

    def _save(self, lesion_id: int, kind: MeasurementKind, caliper: Caliper,
              viewer: SliceViewer | None) -> bool:
        """Save one caliper through the session and file its key image."""
        if not self.reading.save_caliper(lesion_id, self.timepoint_id, kind, caliper):
            return False
        volume = viewer.volume if viewer is not None else None
        if viewer is not None and volume is not None \
                and caliper.sop_instance_uid in volume.sop_instance_uids:
            lesion = self.reading.read.lesion_with_id(lesion_id)
            label = f"{lesion.label if lesion else ''} {_KIND_NAMES[kind]}".strip()
            index = volume.sop_instance_uids.index(caliper.sop_instance_uid)
            self.key_images.request(lesion_id, self.timepoint_id, kind, caliper,
                                    volume.voxels[index], viewer.window, label)
        return True

    def _phase_confirmed(self, viewer: SliceViewer, kind: MeasurementKind) -> bool:
        volume = viewer.volume
        if kind is not MeasurementKind.VIABLE or volume is None \
                or volume.phase is Phase.ARTERIAL:
            return True
        return self._confirm_phase(volume.phase)

    def _ask_phase(self, phase: Phase) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, "Viable diameter on another phase",
            f"mRECIST measures the viable (enhancing) diameter on the arterial phase.\n\n"
            f"Save this caliper drawn on the {phase.label} phase? The phase is recorded "
            "with it.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._phase_box = box  # the idle lock answers it Cancel (close_dialogs)
        try:
            return box.exec() == QMessageBox.StandardButton.Save
        finally:
            self._phase_box = None
            box.deleteLater()

    def close_dialogs(self) -> None:
        """Cancel every dialog of the view (the idle lock: nothing stays on screen, and
        nothing is signed, amended or added under the ended session)."""
        for dialog in (self.sign_dialog, self.amend_dialog, self.add_dialog, self._phase_box):
            if dialog is not None:
                dialog.reject()

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _show(self, update: ReadUpdate[Any]) -> None:
        self._show_read(update)

    def _show_read(self, update: ReadUpdate[Any] | None = None) -> None:
        read = self.reading.read
        self.lesions.set_read(read, self.timepoint_id)
        if update is not None:
            self.response.show_result(update.result, tuple(map(str, update.problems)),
                                      self.timepoint_label)
            warnings = update.result.warnings if update.result is not None else ()
            self.lesions.set_warnings([*warnings, *map(str, update.problems)])
        self._lesion_chosen()
        index = read.index_of(self.timepoint_id) or 0
        timepoint = read.timepoints[index]
        state = {TimepointStatus.OPEN: "open", TimepointStatus.SIGNED: "signed",
                 TimepointStatus.AMENDING: "amending"}[timepoint.status]
        if timepoint.needs_resignature:
            state = "signed — re-signature needed"
        self.header.setText(f"<b>{read.subject}</b> &nbsp; {timepoint.label} &nbsp; "
                            f"{timepoint.date.isoformat()} &nbsp; <i>{state}</i>")
        signed = timepoint.status is TimepointStatus.SIGNED
        self.sign_button.setEnabled(not signed or timepoint.needs_resignature)
        self.sign_button.setText("Sign again…" if timepoint.needs_resignature else
                                 "Sign timepoint…")
        self.amend_button.setVisible(signed)
        for viewer in self.grid.viewers:
            viewer.set_editable(self.is_editable)
        self._show_calipers()

    def _show_calipers(self) -> None:
        read = self.reading.read
        labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
        here = [m for m in read.measurements if m.timepoint_id == self.timepoint_id]
        calipers = [m.caliper for m in here]
        names = [f"{labels.get(m.lesion_id, '')} {_KIND_MARKS[m.kind]}" for m in here]
        for viewer in self.grid.viewers:
            viewer.set_calipers(calipers, names)
            viewer.set_suggestions(list(self._suggested.values())
                                   if viewer is self.measuring_viewer else [])

    # -- keys -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        kinds = MeasurementKind
        table: tuple[tuple[str, str, str, Callable[[], object]], ...] = (
            ("viable", "Viable diameter caliper", "V", lambda: self._tool_key(kinds.VIABLE)),
            ("total", "Total diameter caliper", "T", lambda: self._tool_key(kinds.TOTAL)),
            ("short_axis", "Short-axis caliper (node)", "S",
             lambda: self._tool_key(kinds.SHORT_AXIS)),
            ("no_viable", "No viable tumour (viable 0 mm)", "0",
             self.record_no_viable_tumour),
            ("next_lesion", "Next lesion", "N", lambda: self.select_next_lesion(1)),
            ("previous_lesion", "Previous lesion", "Shift+N",
             lambda: self.select_next_lesion(-1)),
            ("go_to_lesion", "Go to lesion", "G", self.go_to_lesion),
            ("suggest", "Suggest diameters at the click", "A", self.suggest),
            ("accept", "Keep the suggested calipers", "Return", self.accept_suggestion),
            ("cancel", "Cancel the caliper or suggestion", "Esc", self.cancel),
            ("undo", "Undo", QKeySequence(QKeySequence.StandardKey.Undo).toString(),
             self.undo),
            ("redo", "Redo", "Ctrl+Shift+Z", self.redo),
            ("arterial", "Arterial viewport", "Alt+A", self.activate_arterial),
            ("sign", "Sign the timepoint", "Ctrl+Return", self.sign),
        )
        # Undo, redo and sign act wherever the focus is in the window (the worklist, say):
        # the reading is the window's only editing; the tools act in the reading view.
        window_wide = {"undo", "redo", "sign"}
        for name, text, key, slot in table:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut if name in window_wide
                                      else Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.addAction(action)
            self.actions_by_name[name] = action
        self.actions_by_name["accept"].setEnabled(False)  # until something is suggested

    def _tool_key(self, kind: MeasurementKind) -> None:
        lesion = self.lesions.current_lesion()
        if lesion is None:
            self._say("Choose a lesion first (N selects the next)")
            return
        self.start_measuring(lesion.lesion_id, kind)


def _too_short(viewer: SliceViewer, caliper: Caliper) -> bool:
    """True for a drawn caliper under one pixel: a click or a hesitant drag that came back.

    A viable diameter of 0 mm means no viable tumour (mRECIST), a decision the reader makes
    with key 0, never by a slip of the mouse.
    """
    volume = viewer.volume
    if volume is None:
        return False
    pixel = min(abs(volume.spacing_mm[1]), abs(volume.spacing_mm[2]))
    return float(caliper.length_mm) < pixel
