"""One viewport: a slice of one series with window/level, zoom, pan and corner annotations."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.model.display import WindowLevel
from core.model.imaging import Phase
from core.model.volume import Volume
from widgets.slice_viewer._view_box import ReadingViewBox

# Window/level changes per screen pixel of drag, as a fraction of the current width: a
# full-width drag across a viewport roughly doubles or halves the window.
WINDOW_DRAG_GAIN = 0.004
MIN_WINDOW_WIDTH = 1.0

PHASE_COLOURS = {
    Phase.PRE_CONTRAST: "#b0b7c3",
    Phase.ARTERIAL: "#ff8a65",
    Phase.PORTAL_VENOUS: "#64b5f6",
    Phase.DELAYED: "#81c784",
    Phase.HEPATOBILIARY: "#ffd54f",
    Phase.UNKNOWN: "#e0e0e0",
}

_OVERLAY_STYLE = "color: #e8e8e8; background: transparent; font-size: 11px;"


def _corner_label(parent: QWidget, align: Qt.AlignmentFlag) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(_OVERLAY_STYLE)
    label.setAlignment(align)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


# Lookup table for MONOCHROME1 images: white at the bottom of the window, black at the top.
_INVERTED_GREY = np.repeat(np.arange(255, -1, -1, dtype=np.ubyte)[:, np.newaxis], 3, axis=1)


class SliceViewer(QWidget):
    """Shows one slice of a :class:`~core.model.volume.Volume` at a time.

    The image is placed in patient millimetres (x to the screen's right, y down), so two
    viewers whose view boxes are linked show the same anatomy at the same place, whatever
    their matrix or field of view. Patient right is on the screen's left (radiological
    convention).

    Signals
    -------
    slice_changed(int)              the shown slice index changed (user or program)
    window_changed(WindowLevel)     the reader changed window/level
    activated()                     the reader clicked or scrolled in this viewport
    """

    slice_changed = Signal(int)
    window_changed = Signal(object)
    activated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._volume: Volume | None = None
        self._index = 0
        self._window = WindowLevel(40.0, 400.0)
        self._context = ""
        self._active = False
        # The image is refitted whenever the viewport resizes, until the reader zooms or pans.
        self._auto_fit = True

        self.view_box = ReadingViewBox()
        self._graphics = pg.GraphicsView(background="k")
        self._graphics.setCentralItem(self.view_box)
        self._image = pg.ImageItem(axisOrder="row-major")
        self.view_box.addItem(self._image)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self._graphics)
        self._set_frame()

        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        top_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        bottom_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
        bottom_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        viewport = self._graphics.viewport()
        self._corners = {
            "tl": _corner_label(viewport, top_left),
            "tr": _corner_label(viewport, top_right),
            "bl": _corner_label(viewport, bottom_left),
            "br": _corner_label(viewport, bottom_right),
        }
        centre = Qt.AlignmentFlag.AlignCenter
        self._markers = {side: _corner_label(viewport, centre) for side in "RLAP"}
        for side, marker in self._markers.items():
            marker.setText(f"<b>{side}</b>")
        self._cursor_text = ""

        self.view_box.slice_step_requested.connect(self._on_wheel_step)
        self.view_box.window_drag.connect(self._on_window_drag)
        self._graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._graphics.scene().sigMouseClicked.connect(lambda _ev: self.activated.emit())
        self.view_box.sigRangeChanged.connect(lambda *_: self._update_overlays())
        self.view_box.sigRangeChangedManually.connect(self._on_manual_zoom)
        self.view_box.sigResized.connect(self._on_view_resized)

    # -- public API -------------------------------------------------------------------
    @property
    def volume(self) -> Volume | None:
        """The volume shown, if any."""
        return self._volume

    @property
    def current_slice(self) -> int:
        """Index of the slice shown."""
        return self._index

    @property
    def window(self) -> WindowLevel:
        """The current display window."""
        return self._window

    def set_volume(self, volume: Volume, context: str = "") -> None:
        """Show *volume*, starting at its middle slice with the header's window.

        *context* is the subject and timepoint line shown in the top-right corner; the
        workstation never shows patient names.
        """
        self._volume = volume
        self._context = context
        if volume.window is not None:
            self._window = WindowLevel(volume.window[0], max(volume.window[1], MIN_WINDOW_WIDTH))
        # MONOCHROME1 (lowest value white): the voxels keep their HU, the grey scale flips.
        self._image.setLookupTable(_INVERTED_GREY if volume.is_monochrome1 else None)
        self._index = -1
        self.set_slice(volume.n_slices // 2)
        # After setImage: ImageItem.setRect scales by the current image's pixel count.
        self._image.setRect(QRectF(*volume.in_plane_rect_mm()))
        self.reset_view()

    def set_slice(self, index: int) -> None:
        """Show slice *index* (clamped to the volume)."""
        if self._volume is None:
            return
        index = int(np.clip(index, 0, self._volume.n_slices - 1))
        if index == self._index:
            return
        self._index = index
        self._image.setImage(self._volume.voxels[index], autoLevels=False,
                             levels=self._window.limits)
        self._update_overlays()
        self.slice_changed.emit(index)

    def step_slice(self, delta: int) -> None:
        """Move *delta* slices (positive: towards the last slice, the feet for axial)."""
        self.set_slice(self._index + delta)

    def set_window(self, window: WindowLevel) -> None:
        """Apply *window* without emitting :attr:`window_changed` (no echo)."""
        self._window = window
        self._image.setLevels(window.limits)
        self._update_overlays()

    def reset_view(self) -> None:
        """Fit the whole slice in the viewport, and keep it fitted on resizes."""
        self._auto_fit = True
        if self._volume is not None:
            self.view_box.setRange(QRectF(*self._volume.in_plane_rect_mm()), padding=0.0)

    @property
    def is_fitted(self) -> bool:
        """True while the whole slice is fitted to the viewport (no zoom or pan by hand)."""
        return self._auto_fit

    def stop_fitting(self) -> None:
        """Keep the view as it is on resizes (it follows a zoom made elsewhere)."""
        self._auto_fit = False

    def set_view_rect(self, rect: QRectF) -> None:
        """Show the patient-mm rectangle *rect* (a zoom and pan kept from before)."""
        self._auto_fit = False
        self.view_box.setRange(rect, padding=0.0)

    def set_active(self, active: bool) -> None:
        """Mark this viewport as the one keyboard commands act on."""
        self._active = active
        self._set_frame()

    def zoom(self) -> float:
        """Screen pixels per image pixel, the magnification PACS viewers display."""
        if self._volume is None:
            return 1.0
        shown_mm = self.view_box.viewRect().width()
        screen_px = self.view_box.width()
        return screen_px * self._volume.spacing_mm[2] / shown_mm if shown_mm else 1.0

    # -- handlers ---------------------------------------------------------------------
    def _on_wheel_step(self, steps: int) -> None:
        self.activated.emit()
        self.step_slice(steps)

    def _on_manual_zoom(self, *_args: object) -> None:
        self._auto_fit = False

    def _on_view_resized(self, *_args: object) -> None:
        if self._auto_fit:
            self.reset_view()

    def _on_window_drag(self, dx: float, dy: float) -> None:
        gain = WINDOW_DRAG_GAIN * self._window.width
        width = max(MIN_WINDOW_WIDTH, self._window.width + dx * gain * 2)
        window = WindowLevel(self._window.centre - dy * gain, width)
        self.set_window(window)
        self.window_changed.emit(window)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self._volume is None:
            return
        point = self.view_box.mapSceneToView(scene_pos)
        x, y = point.x(), point.y()
        rx, ry, rw, rh = self._volume.in_plane_rect_mm()
        rows, cols = self._volume.voxels.shape[1:]
        col, row = int((x - rx) / rw * cols), int((y - ry) / rh * rows)
        if 0 <= row < rows and 0 <= col < cols:
            value = self._volume.voxels[self._index, row, col]
            unit = "HU" if self._volume.modality.value == "CT" else ""
            self._cursor_text = f"x {x:.1f}  y {y:.1f} mm &nbsp; {value:.0f} {unit}"
        else:
            self._cursor_text = ""
        self._update_overlays()

    # -- drawing ----------------------------------------------------------------------
    def _set_frame(self) -> None:
        colour = "#4fc3f7" if self._active else "#303030"
        self.setStyleSheet(f"SliceViewer {{ border: 1px solid {colour}; background: black; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    def _update_overlays(self) -> None:
        v = self._volume
        if v is None:
            return
        colour = PHASE_COLOURS[v.phase]
        self._corners["tl"].setText(
            f"<span style='color:{colour}; font-size:13px'><b>{v.phase.label}</b></span><br>"
            f"{v.series_description}"
        )
        self._corners["tr"].setText(self._context.replace("\n", "<br>"))
        z = v.slice_position_mm(self._index)
        self._corners["bl"].setText(
            f"{self._cursor_text}<br>Im {self._index + 1}/{v.n_slices} &nbsp; "
            f"z {z:.1f} mm &nbsp; {v.spacing_mm[0]:.1f} mm"
        )
        w = self._window
        self._corners["br"].setText(f"W {w.width:.0f} &nbsp; L {w.centre:.0f}<br>"
                                    f"Zoom {self.zoom():.2f}")
        self._place_overlays()

    def _place_overlays(self) -> None:
        viewport = self._graphics.viewport()
        w, h, m = viewport.width(), viewport.height(), 6
        for key, label in self._corners.items():
            label.adjustSize()
            x = m if key[1] == "l" else w - label.width() - m
            y = m if key[0] == "t" else h - label.height() - m
            label.move(x, y)
        positions = {"R": (m, h // 2), "L": (w - m, h // 2), "A": (w // 2, m),
                     "P": (w // 2, h - m)}
        for side, (x, y) in positions.items():
            label = self._markers[side]
            label.adjustSize()
            x = min(max(x - label.width() // 2, m), w - label.width() - m)
            y = min(max(y - label.height() // 2, m), h - label.height() - m)
            label.move(x, y)

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        self._place_overlays()

