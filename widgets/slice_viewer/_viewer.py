"""One viewport: a slice of one series with window/level, zoom, pan, calipers and annotations.

Every mapping between the screen and the patient goes through the slice's
``core.geometry.PlaneGeometry``: the image is placed in the plane's own millimetres, a
cursor position becomes a pixel (row, column) and a patient point exactly as
``core.geometry`` computes them, for oblique planes and anisotropic pixels alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.geometry import (
    PlaneGeometry,
    display_plane,
    measure_caliper,
    orientation_letters,
    plane_of_slice,
)
from core.model.display import WindowLevel
from core.model.imaging import Phase
from core.model.reading import Caliper
from core.model.volume import Volume
from widgets.slice_viewer._caliper_tool import CaliperLine, CaliperOverlay, CaliperStyle
from widgets.slice_viewer._view_box import ReadingViewBox

# How near (screen pixels) a press must be to a caliper's end to grab it.
END_GRAB_PX = 6.0

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

    The image is placed in the plane of its slice (``core.geometry``): for an axial series
    those millimetres are patient x and y, for any other orientation the plane's own; the
    edge letters are the patient directions the edges face.

    Signals
    -------
    slice_changed(int)              the shown slice index changed (user or program)
    window_changed(WindowLevel)     the reader changed window/level
    activated()                     the reader clicked or scrolled in this viewport
    caliper_committed(Caliper)      while measuring, the reader released a caliper drag
    point_clicked(tuple)            a left click (not a drag) on the image: the patient point
                                    (x, y, z mm) under it
    caliper_moved(Caliper, Caliper) the reader dragged an end of a shown caliper (editable
                                    viewers only): the caliper before, and as it is now
    """

    slice_changed = Signal(int)
    window_changed = Signal(object)
    activated = Signal()
    caliper_committed = Signal(object)
    caliper_moved = Signal(object, object)
    point_clicked = Signal(object)

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
        self._calipers_overlay = CaliperOverlay(self.view_box)
        self._calipers: tuple[Caliper, ...] = ()
        self._caliper_labels: tuple[str, ...] = ()
        self._caliper_styles: tuple[CaliperStyle, ...] = ()
        self._suggestions: tuple[Caliper, ...] = ()
        self._editable = False
        # The end being moved: the caliper, which end (0 start, 1 end), the other end's rc.
        self._moving: tuple[Caliper, int, tuple[float, float]] | None = None

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
        # Edge letters: left, right, top and bottom of the image.
        self._markers = {edge: _corner_label(viewport, centre) for edge in ("left", "right",
                                                                            "top", "bottom")}
        self._cursor_text = ""

        self.view_box.slice_step_requested.connect(self._on_wheel_step)
        self.view_box.window_drag.connect(self._on_window_drag)
        self.view_box.caliper_drag.connect(self._on_caliper_drag)
        self.view_box.end_drag.connect(self._on_end_drag)
        self.view_box.grabs_end = self._grab_end
        self._graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._graphics.scene().sigMouseClicked.connect(self._on_click)
        self.view_box.sigRangeChanged.connect(lambda *_: self._on_range_changed())
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
        self._set_edge_letters()
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
        # After setImage: ImageItem.setRect scales by the current image's pixel count. Each
        # slice gets its own place: a tilted gantry shifts slices within the plane.
        self._image.setRect(QRectF(*self._image_rect_mm()))
        self._show_calipers()
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
            self.view_box.setRange(QRectF(*self._image_rect_mm()), padding=0.0)

    # -- geometry ---------------------------------------------------------------------
    @property
    def plane(self) -> PlaneGeometry | None:
        """Where the shown slice's pixels are (``None`` before a volume is shown)."""
        if self._volume is None:
            return None
        return display_plane(self._volume, self._index)

    def pixel_rc_at(self, view_point: QPointF) -> tuple[float, float]:
        """The (row, column) under a point of the view (plane mm), fractional.

        Raises
        ------
        ValueError
            Before a volume is shown.
        """
        plane = self.plane
        if plane is None:
            raise ValueError("no image shown")
        return plane.from_plane_mm(view_point.x(), view_point.y())

    def view_point_of(self, point_rc: Sequence[float]) -> QPointF:
        """The point of the view (plane mm) where pixel position (row, column) is shown."""
        plane = self.plane
        if plane is None:
            raise ValueError("no image shown")
        return QPointF(*plane.to_plane_mm(point_rc))

    def _image_rect_mm(self) -> tuple[float, float, float, float]:
        assert self._volume is not None
        rows, cols = self._volume.voxels.shape[1:]
        return display_plane(self._volume, self._index).pixel_edges_mm(rows, cols)

    # -- calipers ---------------------------------------------------------------------
    @property
    def is_measuring(self) -> bool:
        """True while a left drag draws a caliper instead of changing window/level."""
        return self.view_box.measuring

    def set_measuring(self, measuring: bool) -> None:
        """Let a left drag draw a caliper (True) or set window/level (False)."""
        self.view_box.measuring = measuring and self._volume is not None \
            and self._volume.is_measurable
        self._calipers_overlay.end_drag()

    def set_calipers(self, calipers: Sequence[Caliper],
                     labels: Sequence[str] | None = None,
                     styles: Sequence[CaliperStyle] | None = None) -> None:
        """Show *calipers* on the images they were drawn on (no echo: nothing is emitted).

        *labels* name them ("T1 viable"); the length follows each name. *styles* colour
        them (the adjudicator's two reads); saved calipers' yellow by default.
        """
        self._calipers = tuple(calipers)
        self._caliper_labels = tuple(labels) if labels is not None else ("",) * len(calipers)
        self._caliper_styles = tuple(styles) if styles is not None else \
            (CaliperStyle.DRAWN,) * len(calipers)
        self._show_calipers()

    def set_suggestions(self, calipers: Sequence[Caliper]) -> None:
        """Show proposed calipers, dashed, until replaced (an empty list clears them)."""
        self._suggestions = tuple(calipers)
        self._show_calipers()

    def set_editable(self, editable: bool) -> None:
        """Let the reader drag the ends of the calipers shown (True) or not."""
        self._editable = editable
        self._moving = None

    @property
    def calipers_shown(self) -> int:
        """How many calipers and suggestions are drawn on the slice shown."""
        return self._calipers_overlay.drawn_count

    def measure(self, start_rc: Sequence[float], end_rc: Sequence[float]) -> Caliper:
        """The caliper from *start_rc* to *end_rc* on the shown slice, by ``core.geometry``.

        Raises
        ------
        ValueError
            Before a volume is shown, or if the series carries no PixelSpacing.
        """
        volume = self._volume
        if volume is None:
            raise ValueError("no image shown")
        frames = volume.frame_numbers
        frame = (frames[self._index] or 0) if frames else 0
        return measure_caliper(plane_of_slice(volume, self._index), start_rc, end_rc,
                               volume.sop_instance_uids[self._index], frame,
                               on_lossy_image=volume.is_lossy)

    def _show_calipers(self) -> None:
        volume = self._volume
        if volume is None:
            return
        uid = volume.sop_instance_uids[self._index]
        lines = [CaliperLine(self.view_point_of(c.start_rc), self.view_point_of(c.end_rc),
                             f"{label} {_caliper_text(c)}".strip(), style)
                 for c, label, style in zip(self._calipers, self._caliper_labels,
                                            self._caliper_styles, strict=True)
                 if c.sop_instance_uid == uid and (self._moving is None
                                                   or c is not self._moving[0])]
        lines += [CaliperLine(self.view_point_of(c.start_rc), self.view_point_of(c.end_rc),
                              f"suggested {_caliper_text(c)}", CaliperStyle.SUGGESTED)
                  for c in self._suggestions if c.sop_instance_uid == uid]
        self._calipers_overlay.show_calipers(lines)

    def _grab_end(self, scene_point: QPointF) -> bool:
        """Start moving the end of a shown caliper under *scene_point*, if there is one."""
        volume = self._volume
        if volume is None or not self._editable:
            return False
        uid = volume.sop_instance_uids[self._index]
        best: tuple[float, Caliper, int] | None = None
        for caliper in self._calipers:
            if caliper.sop_instance_uid != uid:
                continue
            for end, point in enumerate((caliper.start_rc, caliper.end_rc)):
                on_screen = self.view_box.mapViewToScene(self.view_point_of(point))
                distance = float(np.hypot(on_screen.x() - scene_point.x(),
                                          on_screen.y() - scene_point.y()))
                if distance <= END_GRAB_PX and (best is None or distance < best[0]):
                    best = (distance, caliper, end)
        if best is None:
            return False
        _distance, caliper, end = best
        fixed = caliper.end_rc if end == 0 else caliper.start_rc
        self._moving = (caliper, end, (float(fixed[0]), float(fixed[1])))
        self.activated.emit()
        return True

    def _on_end_drag(self, where: QPointF, finished: bool) -> None:
        if self._moving is None or self._volume is None:
            return
        before, end, fixed = self._moving
        moved = self.pixel_rc_at(where)
        ends = (moved, fixed) if end == 0 else (fixed, moved)
        caliper = self.measure(*ends)
        if not finished:
            self._show_calipers()
            self._calipers_overlay.show_drag(self.view_point_of(ends[0]),
                                             self.view_point_of(ends[1]),
                                             _caliper_text(caliper))
            return
        self._moving = None
        self._calipers_overlay.end_drag()
        self._show_calipers()
        self.caliper_moved.emit(before, caliper)

    def _on_caliper_drag(self, start: QPointF, end: QPointF, finished: bool) -> None:
        if self._volume is None or not self.view_box.measuring:
            return
        self.activated.emit()
        caliper = self.measure(self.pixel_rc_at(start), self.pixel_rc_at(end))
        if not finished:
            self._calipers_overlay.show_drag(start, end, _caliper_text(caliper))
            return
        self._calipers_overlay.end_drag()
        self.caliper_committed.emit(caliper)

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
    def _on_click(self, event: object) -> None:
        self.activated.emit()
        volume = self._volume
        button = getattr(event, "button", lambda: None)()
        if volume is None or button != Qt.MouseButton.LeftButton:
            return
        scene_pos = event.scenePos()  # type: ignore[attr-defined]
        row, col = self.pixel_rc_at(self.view_box.mapSceneToView(scene_pos))
        rows, cols = volume.voxels.shape[1:]
        if volume.is_measurable and -0.5 <= row < rows - 0.5 and -0.5 <= col < cols - 0.5:
            xyz = plane_of_slice(volume, self._index).to_patient_xyz((row, col))
            self.point_clicked.emit(tuple(float(v) for v in xyz))

    def _on_wheel_step(self, steps: int) -> None:
        self.activated.emit()
        self.step_slice(steps)

    def _on_range_changed(self) -> None:
        self._update_overlays()
        if self._calipers or self._suggestions:
            self._show_calipers()  # the labels stand off their lines by screen pixels

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
        v = self._volume
        if v is None:
            return
        row, col = self.pixel_rc_at(self.view_box.mapSceneToView(scene_pos))
        r, c = round(row), round(col)
        rows, cols = v.voxels.shape[1:]
        if 0 <= r < rows and 0 <= c < cols:
            value = v.voxels[self._index, r, c]
            unit = "HU" if v.modality.value == "CT" else ""
            if v.is_measurable:
                x, y, z = plane_of_slice(v, self._index).to_patient_xyz((row, col))
                where = f"x {x:.1f}  y {y:.1f}  z {z:.1f} mm"
            else:  # no PixelSpacing: millimetres would be invented
                where = f"row {r}  col {c}"
            self._cursor_text = f"{where} &nbsp; {value:.0f} {unit}"
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

    def _set_edge_letters(self) -> None:
        plane = self.plane
        if plane is None:
            return
        row, col = np.array(plane.row_direction), np.array(plane.column_direction)
        # Columns grow to the right and rows downwards on screen (the view's y is inverted).
        for edge, direction in (("left", -row), ("right", row), ("top", -col),
                                ("bottom", col)):
            self._markers[edge].setText(f"<b>{orientation_letters(direction)}</b>")

    def _place_overlays(self) -> None:
        viewport = self._graphics.viewport()
        w, h, m = viewport.width(), viewport.height(), 6
        for key, label in self._corners.items():
            label.adjustSize()
            x = m if key[1] == "l" else w - label.width() - m
            y = m if key[0] == "t" else h - label.height() - m
            label.move(x, y)
        positions = {"left": (m, h // 2), "right": (w - m, h // 2), "top": (w // 2, m),
                     "bottom": (w // 2, h - m)}
        for edge, (x, y) in positions.items():
            label = self._markers[edge]
            label.adjustSize()
            x = min(max(x - label.width() // 2, m), w - label.width() - m)
            y = min(max(y - label.height() // 2, m), h - label.height() - m)
            label.move(x, y)
            self._clear_corners(edge, label)

    def _clear_corners(self, edge: str, marker: QLabel) -> None:
        """Move a top or bottom edge letter clear of the corner texts it would cover.

        In a narrow viewport (the 1 × 4 layout) the bottom corners' slice and thickness
        lines reach the middle, where the bottom letter sits.
        """
        corners = {"top": ("tl", "tr"), "bottom": ("bl", "br")}.get(edge, ())
        for key in corners:
            corner = self._corners[key]
            if not corner.text() or not marker.geometry().intersects(corner.geometry()):
                continue
            if edge == "top":
                marker.move(marker.x(), corner.geometry().bottom() + 2)
            else:
                marker.move(marker.x(), corner.y() - marker.height() - 2)

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        self._place_overlays()



def _caliper_text(caliper: Caliper) -> str:
    """A caliper's label: its length to 0.1 mm, and a warning on lossy compressed images."""
    lossy = "  (lossy image)" if caliper.on_lossy_image else ""
    return f"{caliper.length_mm:.1f} mm{lossy}"
