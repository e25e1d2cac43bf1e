"""The reading view: the phases, the reader's lesions and the engine's response, wired.

A first working step of issue #11 item 3: the pieces that exist, joined. The arterial
viewport is the measuring one (mRECIST measures the viable, arterially enhancing part,
Lencioni & Llovet 2010). The reader picks a lesion and a caliper in the lesion panel (V, T,
S); the next caliper drawn on the arterial viewport is saved through the reading session
the moment the mouse is released, its key image is rendered off the GUI thread, and both
panels and the viewport's calipers are shown the read as it now is. Still to come (see the
issue's note): the previous timepoint beside this one, calipers on another phase with a
confirmation, moving an end, the sign dialog, the suggestion key.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from core.actions import ReadUpdate
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import Caliper, Lesion, MeasurementKind
from core.model.trial import Session
from core.model.volume import Volume
from core.store import Store
from desktop.key_images import KeyImageFiler
from desktop.reading_session import ReadingSession
from widgets.lesion_panel import LesionPanel
from widgets.phase_grid import PhaseGrid
from widgets.response_panel import ResponsePanel
from widgets.slice_viewer import SliceViewer


class ReadingView(QWidget):
    """One timepoint of the reader's own read: phases, lesions, response."""

    def __init__(self, store: Store, session: Session, task_id: int, timepoint_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reading = ReadingSession(store, session, task_id, self)
        self.key_images = KeyImageFiler(store, session, self)
        self.timepoint_id = timepoint_id
        self.grid = PhaseGrid(2)
        self.lesions = LesionPanel()
        self.response = ResponsePanel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.lesions, 2)
        side_layout.addWidget(self.response, 3)
        side_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(self.grid)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 380])  # the images take the room; the panels a column
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._tool: tuple[int, MeasurementKind] | None = None
        self._measuring: SliceViewer | None = None
        self.lesions.measure_requested.connect(self.start_measuring)
        self.lesions.delete_requested.connect(self.reading.delete_lesion)
        self.reading.changed.connect(self._show)
        self.reading.refused.connect(self.status.setText)
        self.key_images.failed.connect(self.status.setText)
        self._show_read()

    @property
    def timepoint_label(self) -> str:
        """The label of the timepoint being read."""
        index = self.reading.read.index_of(self.timepoint_id)
        return self.reading.read.timepoints[index or 0].label

    def set_volumes(self, volumes: Sequence[Volume]) -> None:
        """Show the timepoint's phases; the arterial one measures."""
        self.grid.set_volumes(volumes)
        self._measuring = next((viewer for viewer in self.grid.viewers
                                if viewer.volume is not None
                                and viewer.volume.phase is Phase.ARTERIAL), None)
        if self._measuring is not None:
            self._measuring.caliper_committed.connect(self._on_caliper)
        self._show_calipers()

    @property
    def measuring_viewer(self) -> SliceViewer | None:
        """The viewport calipers are drawn on (the arterial phase), if shown."""
        return self._measuring

    def add_lesion(self, category: LesionCategory, organ: str, **details: object) -> Lesion | None:
        """Add a lesion at this timepoint and select it."""
        lesion = self.reading.add_lesion(self.timepoint_id, category, organ, **details)
        if lesion is not None:
            self.lesions.select(lesion.lesion_id)
        return lesion

    def start_measuring(self, lesion_id: int, kind: MeasurementKind) -> None:
        """The next caliper drawn on the arterial viewport measures *lesion_id* as *kind*."""
        if self._measuring is None:
            self.status.setText("no arterial phase at this timepoint: calipers are drawn on "
                                "the arterial phase (mRECIST)")
            return
        self._tool = (lesion_id, kind)
        self._measuring.set_measuring(True)
        lesion = self.reading.read.lesion_with_id(lesion_id)
        label = lesion.label if lesion else "the lesion"
        self.status.setText(f"Draw the {kind.value.replace('_', ' ')} diameter of {label} on "
                            "the arterial phase")

    def _on_caliper(self, caliper: Caliper) -> None:
        if self._tool is None or self._measuring is None:
            return
        lesion_id, kind = self._tool
        viewer = self._measuring
        lesion = self.reading.read.lesion_with_id(lesion_id)
        if not self.reading.save_caliper(lesion_id, self.timepoint_id, kind, caliper):
            return  # the reason is in the status line; the tool stays on to draw again
        self._tool = None
        viewer.set_measuring(False)
        volume = viewer.volume
        if volume is not None:
            label = f"{lesion.label if lesion else ''} {kind.value.replace('_', ' ')}".strip()
            self.key_images.request(lesion_id, self.timepoint_id, kind, caliper,
                                    volume.voxels[viewer.current_slice], viewer.window,
                                    label)
        self.status.setText(f"Saved: {caliper.length_mm} mm")

    def _show(self, update: ReadUpdate[object]) -> None:
        self._show_read(update)

    def _show_read(self, update: ReadUpdate[object] | None = None) -> None:
        read = self.reading.read
        self.lesions.set_read(read, self.timepoint_id)
        if update is not None:
            self.response.show_result(update.result, tuple(map(str, update.problems)),
                                      self.timepoint_label)
        self._show_calipers()

    def _show_calipers(self) -> None:
        if self._measuring is None:
            return
        self._measuring.set_calipers([m.caliper for m in self.reading.read.measurements
                                      if m.timepoint_id == self.timepoint_id])
