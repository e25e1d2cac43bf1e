"""The phases of one study side by side, linked so that they move together."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from core.model.display import WindowLevel
from core.model.volume import Volume
from widgets.slice_viewer import SliceViewer


class PhaseGrid(QWidget):
    """Viewers of a study's contrast phases, linked by patient position.

    Scrolling one viewer moves the others to the slice nearest the same patient z, so a
    lesion seen on the arterial phase is on screen in the portal venous phase beside it.
    Zoom and pan are linked through the view boxes (all images are placed in patient
    millimetres), and window/level is shared between viewers of the same modality.

    The layout is rows × columns viewports (1 × 1, 1 × 2, 2 × 2, 1 × 4). A layout with
    fewer viewports than phases shows the active viewer and those after it; the others
    stay loaded and linked, so a phase brought back is at the same place.

    Signals
    -------
    active_changed(int)       index of the viewer keyboard commands now act on
    viewers_changed()         the viewers were replaced or joined by new ones (connect to
                              each viewer's signals again)
    """

    active_changed = Signal(int)
    viewers_changed = Signal()

    def __init__(self, columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._rows: int | None = None  # None: as many rows as the phases need
        self._viewers: list[SliceViewer] = []
        self._active = 0
        self._syncing = False
        # The window the reader chose (None: each phase keeps its header's window).
        self._reader_window: WindowLevel | None = None
        self.link_scroll = True
        self.link_window = True
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)

    @property
    def viewers(self) -> tuple[SliceViewer, ...]:
        """The viewers, in display order."""
        return tuple(self._viewers)

    @property
    def active_viewer(self) -> SliceViewer | None:
        """The viewer keyboard commands act on."""
        return self._viewers[self._active] if self._viewers else None

    @property
    def columns(self) -> int:
        """Viewers per row."""
        return self._columns

    @property
    def layout_shape(self) -> tuple[int | None, int]:
        """(rows, columns) of the layout; rows ``None`` when every phase is shown."""
        return self._rows, self._columns

    @property
    def shown_viewers(self) -> tuple[SliceViewer, ...]:
        """The viewers the layout shows now."""
        first, room = self._window()
        return tuple(self._viewers[first:first + room])

    def set_volumes(self, volumes: Sequence[Volume], context: str = "") -> None:
        """Show one viewer per volume, in the given order, and link them."""
        self._reader_window = None
        self._replace_viewers(volumes, context)

    def update_volumes(self, volumes: Sequence[Volume], context: str = "") -> None:
        """Show *volumes* (the same study, more of it) and keep the reader's place.

        For phases arriving while a study loads: the reader may already be scrolling,
        zooming and windowing the arterial phase. Viewers of volumes already shown stay as
        they are (slice, zoom and pan, window, a drag in progress); new ones join at the
        active viewer's patient z, with its zoom and the window the reader chose.
        """
        active = self.active_viewer
        if active is None or active.volume is None or not any(v is active.volume
                                                              for v in volumes):
            self.set_volumes(volumes, context)
            return
        shown = {id(viewer.volume): viewer for viewer in self._viewers}
        if [id(v) for v in volumes] == [id(viewer.volume) for viewer in self._viewers]:
            return  # nothing new
        z = active.volume.slice_position_mm(active.current_slice)
        # The reader's zoom and pan, as asked for (the view adds margins for the aspect).
        zoomed = None if active.is_fitted else active.view_box.targetRect()
        viewers = []
        for volume in volumes:
            viewer = shown.pop(id(volume), None)
            if viewer is None:
                viewer = self._new_viewer(volume, context)
                viewer.view_box.setXLink(active.view_box)  # takes the reader's zoom now
                viewer.view_box.setYLink(active.view_box)
                if not active.is_fitted:
                    viewer.stop_fitting()
                viewer.set_slice(volume.nearest_slice(z))
                if self._reader_window is not None and volume.modality == \
                        active.volume.modality:
                    viewer.set_window(self._reader_window)
            viewers.append(viewer)
        for gone in shown.values():
            gone.setParent(None)
            gone.deleteLater()
        self._viewers = viewers
        self._arrange()
        self.set_active(self._viewers.index(active))
        self.viewers_changed.emit()
        if zoomed is not None:
            # pyqtgraph lines linked views up by screen pixels while the new layout settles,
            # which would widen the view with every viewer added: ask again once it has.
            QTimer.singleShot(0, lambda: self._restore_view(active, zoomed))

    def _restore_view(self, viewer: SliceViewer, rect: QRectF) -> None:
        if viewer in self._viewers and not viewer.is_fitted:
            viewer.set_view_rect(rect)

    def _new_viewer(self, volume: Volume, context: str) -> SliceViewer:
        viewer = SliceViewer(self)
        viewer.set_volume(volume, context)
        viewer.slice_changed.connect(lambda _k, v=viewer: self._on_slice_changed(v))
        viewer.window_changed.connect(lambda w, v=viewer: self._on_window_changed(v, w))
        viewer.activated.connect(lambda v=viewer: self.set_active(self._viewers.index(v)))
        return viewer

    def _replace_viewers(self, volumes: Sequence[Volume], context: str) -> None:
        for viewer in self._viewers:
            viewer.setParent(None)
            viewer.deleteLater()
        self._viewers = [self._new_viewer(volume, context) for volume in volumes]
        master = self._viewers[0].view_box if self._viewers else None
        for viewer in self._viewers[1:]:
            viewer.view_box.setXLink(master)
            viewer.view_box.setYLink(master)
        self._arrange()
        self._active = 0
        self.set_active(0)
        if self._viewers:
            self._on_slice_changed(self._viewers[0])
        self.viewers_changed.emit()

    def set_columns(self, columns: int) -> None:
        """Lay every viewer out *columns* to a row (e.g. 2 for 2×2, 4 for 1×4)."""
        self.set_layout(None, columns)

    def set_layout(self, rows: int | None, columns: int) -> None:
        """Show *rows* × *columns* viewports (rows ``None``: every phase, *columns* a row)."""
        self._rows = None if rows is None else max(1, rows)
        self._columns = max(1, columns)
        self._arrange()

    def set_active(self, index: int) -> None:
        """Make viewer *index* the one keyboard commands act on."""
        if not self._viewers:
            return
        self._active = max(0, min(index, len(self._viewers) - 1))
        if self._viewers[self._active].isHidden():
            self._arrange()  # a phase chosen that the layout did not show
        for i, viewer in enumerate(self._viewers):
            viewer.set_active(i == self._active)
        self.active_changed.emit(self._active)

    def step_slice(self, delta: int) -> None:
        """Scroll the active viewer by *delta* slices; linked viewers follow."""
        if self.active_viewer is not None:
            self.active_viewer.step_slice(delta)

    def go_to_slice(self, index: int) -> None:
        """Show slice *index* of the active viewer (negative counts from the end)."""
        viewer = self.active_viewer
        if viewer is not None and viewer.volume is not None:
            viewer.set_slice(index % viewer.volume.n_slices)

    def go_to_position(self, z_mm: float) -> None:
        """Show the slice nearest patient position *z_mm* in the active viewer (others follow)."""
        viewer = self.active_viewer
        if viewer is not None and viewer.volume is not None:
            viewer.set_slice(viewer.volume.nearest_slice(z_mm))

    def apply_window(self, window: WindowLevel) -> None:
        """Apply *window* to the active viewer and to those linked with it."""
        viewer = self.active_viewer
        if viewer is None:
            return
        self._reader_window = window
        viewer.set_window(window)
        self._on_window_changed(viewer, window)

    def reset_views(self) -> None:
        """Fit every image to its viewport."""
        for viewer in self._viewers:
            viewer.reset_view()

    # -- linking ----------------------------------------------------------------------
    def _on_slice_changed(self, source: SliceViewer) -> None:
        if self._syncing or not self.link_scroll or source.volume is None:
            return
        z = source.volume.slice_position_mm(source.current_slice)
        self._syncing = True
        try:
            for viewer in self._viewers:
                if viewer is not source and viewer.volume is not None:
                    viewer.set_slice(viewer.volume.nearest_slice(z))
        finally:
            self._syncing = False

    def _on_window_changed(self, source: SliceViewer, window: WindowLevel) -> None:
        self._reader_window = window
        if not self.link_window or source.volume is None:
            return
        for viewer in self._viewers:
            if viewer is not source and viewer.volume is not None \
                    and viewer.volume.modality == source.volume.modality:
                viewer.set_window(window)

    def _window(self) -> tuple[int, int]:
        """The first viewer the layout shows and how many it shows."""
        count = len(self._viewers)
        room = count if self._rows is None else min(count, self._rows * self._columns)
        return (0 if room == count else min(self._active, count - room)), room

    def _arrange(self) -> None:
        for viewer in self._viewers:
            self._layout.removeWidget(viewer)
        first, room = self._window()
        for i, viewer in enumerate(self._viewers):
            place = i - first
            if 0 <= place < room:
                self._layout.addWidget(viewer, place // self._columns, place % self._columns)
                if viewer.isHidden() and viewer.testAttribute(
                        Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
                    viewer.show()  # hidden by a smaller layout before (the layout shows
                    # a new viewer itself, once it has settled)
            else:
                viewer.hide()
