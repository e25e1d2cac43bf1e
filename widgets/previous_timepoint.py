"""The reader's own previous timepoint beside the current one, and "go to lesion".

A radiologist reading Week 12 compares each lesion with how they measured it at Week 6:
the panel shows that timepoint's arterial images with their own calipers drawn, and
:func:`centre_on` brings any viewer to a patient point (the lesion's position from
``core.reading.lesion_position``) — this panel's and the current timepoint's alike, so
both show the lesion in the middle at the zoom the reader chose.

Blinding is the caller's: the panel shows the values it is given (the caller passes the
reader's own read only) and knows nothing of the store.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.geometry import slice_nearest_point
from core.model.reading import Caliper
from core.model.volume import Volume
from widgets.slice_viewer import SliceViewer

NO_EARLIER_TIMEPOINT = "No earlier timepoint"
LOADING = "Loading…"

# The viewers' black, and a header a shade above it: the panel reads as one more viewport.
_STYLE = """
PreviousTimepointPanel { background: black; }
QWidget#previousHeader { background: #1b1d21; border-bottom: 1px solid #303030; }
QLabel#previousTitle { color: #e8e8e8; font-size: 13px; }
QLabel#previousMessage { color: #9aa0a6; font-size: 14px; background: black; }
QLabel#previousNote { color: #ffb74d; font-size: 12px; background: black; padding: 2px 6px; }
QPushButton#goToLesion {
    color: #e8e8e8; background: #2b2f36; border: 1px solid #4a4f57; border-radius: 3px;
    padding: 3px 10px; font-size: 12px;
}
QPushButton#goToLesion:hover { background: #353a42; border-color: #4fc3f7; }
QPushButton#goToLesion:pressed { background: #1f2329; }
QPushButton#goToLesion:disabled { color: #6b7078; border-color: #33363b; }
"""


def centre_on(viewer: SliceViewer, point_xyz: Sequence[float]) -> float | None:
    """Show the slice of *viewer* nearest the patient point, centred on it, same zoom.

    The slice is the nearest along the planes' normal (``core.geometry``), and the view
    box is moved, not resized, so that the point's projection onto that slice is in the
    middle. A viewer whose view boxes are linked (``PhaseGrid``) brings its siblings along.

    Returns the signed distance (mm) of the point from the plane of the slice now shown —
    within half a slice inside the series, more when the point lies beyond its first or
    last slice — or ``None`` when the viewer shows nothing.
    """
    volume = viewer.volume
    if volume is None:
        return None
    viewer.set_slice(slice_nearest_point(volume, point_xyz))
    plane = viewer.plane
    assert plane is not None  # a volume is shown
    centre = viewer.view_point_of(plane.to_pixel_rc(point_xyz))
    rect = QRectF(viewer.view_box.viewRect())
    rect.moveCenter(centre)
    viewer.set_view_rect(rect)
    return plane.distance_from_plane_mm(point_xyz)


class PreviousTimepointPanel(QWidget):
    """One read-only viewer of the reader's previous timepoint, with its calipers.

    Signals
    -------
    go_to_requested()   the reader pressed "Go to lesion": the caller knows the selected
                        lesion, finds its position and calls :meth:`go_to` and
                        :func:`centre_on` on the current viewer
    """

    go_to_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        self._label = ""
        self._date = ""
        self._pending: tuple[float, ...] | None = None

        header = QWidget()
        header.setObjectName("previousHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._title = QLabel()
        self._title.setObjectName("previousTitle")
        self._title.setTextFormat(Qt.TextFormat.RichText)
        self.go_to_button = QPushButton("Go to lesion")
        self.go_to_button.setObjectName("goToLesion")
        self.go_to_button.setToolTip("Bring these and the current images to the selected "
                                     "lesion, centred")
        self.go_to_button.setEnabled(False)
        self.go_to_button.clicked.connect(self.go_to_requested)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(8, 5, 6, 5)
        header_layout.addWidget(self._title, 1)
        header_layout.addWidget(self.go_to_button)

        self.viewer = SliceViewer()
        self._message = QLabel()
        self._message.setObjectName("previousMessage")
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget()
        self._stack.addWidget(self._message)
        self._stack.addWidget(self.viewer)
        self._note = QLabel()
        self._note.setObjectName("previousNote")
        self._note.setWordWrap(True)
        self._note.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self._note)
        self.show_no_timepoint()

    # -- what is shown ----------------------------------------------------------------
    def show_timepoint(self, label: str, date: dt.date | str | None, volume: Volume | None,
                       calipers: Sequence[Caliper] = (),
                       caliper_labels: Sequence[str] | None = None) -> None:
        """Show the previous timepoint *label* of *date*: its arterial *volume* and calipers.

        *caliper_labels* name the calipers ("T1 viable"), so the reader knows which lesion
        each one is. ``volume=None`` while its images load ("Loading…"); a "Go to lesion"
        asked for in the meantime is carried out when they arrive. Shown again with the
        same volume (the read changed), the slice, zoom and window stay.
        """
        self._label = label
        self._date = date.isoformat() if isinstance(date, dt.date) else (date or "")
        self._set_title()
        self._set_note("")
        if volume is None:
            self._show_message(LOADING)
            return
        if self.viewer.volume is not volume:
            context = "\n".join(part for part in (self._label, self._date) if part)
            self.viewer.set_volume(volume, context)
        # Read-only: the previous timepoint is the reader's signed record.
        self.viewer.set_measuring(False)
        self.viewer.set_editable(False)
        self.viewer.set_calipers(calipers, caliper_labels)
        self._stack.setCurrentWidget(self.viewer)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.go_to(pending)

    def show_no_timepoint(self, message: str = NO_EARLIER_TIMEPOINT) -> None:
        """Show *message* instead of images (the baseline has no earlier timepoint)."""
        self._label = self._date = ""
        self._pending = None
        self._set_title()
        self._set_note("")
        self._show_message(message)

    def set_lesion(self, label: str | None) -> None:
        """Name the selected lesion on the button ("Go to T1"); ``None`` disables it."""
        self.go_to_button.setText(f"Go to {label}" if label else "Go to lesion")
        self.go_to_button.setEnabled(bool(label))

    def go_to(self, point_xyz: Sequence[float]) -> bool:
        """Show the slice nearest the patient point, centred on it, keeping the zoom.

        False when no images are shown (while loading, the point is kept for them). A
        point farther than one slice from the series (outside its coverage) is said below
        the image: the reader sees the nearest slice, not the lesion.
        """
        volume = self.viewer.volume
        if self._stack.currentWidget() is not self.viewer or volume is None:
            if self.message_text == LOADING:
                self._pending = tuple(float(v) for v in point_xyz)
            return False
        distance = centre_on(self.viewer, point_xyz)
        if distance is not None and abs(distance) > volume.spacing_mm[0]:
            self._set_note(f"The lesion lies {abs(distance):.0f} mm from the nearest image "
                           f"of {self._label or 'this timepoint'}, outside its coverage.")
        else:
            self._set_note("")
        return True

    # -- for the caller and tests -----------------------------------------------------
    @property
    def header_text(self) -> str:
        """The header as plain text: "Your previous read: Week 6, 2026-03-02"."""
        if not self._label:
            return "Your previous read"
        return ", ".join(part for part in (f"Your previous read: {self._label}", self._date)
                         if part)

    @property
    def message_text(self) -> str:
        """The empty state's text, or "" while images are shown."""
        return "" if self._stack.currentWidget() is self.viewer else self._message.text()

    @property
    def note_text(self) -> str:
        """The note below the image ("" when there is none)."""
        return self._note.text() if not self._note.isHidden() else ""

    # -- drawing ----------------------------------------------------------------------
    def _set_title(self) -> None:
        title = "<span style='color:#9aa0a6'>Your previous read</span>"
        if self._label:
            date = f"<span style='color:#9aa0a6'>, {html.escape(self._date)}</span>" \
                if self._date else ""
            title += (f"<span style='color:#9aa0a6'>:</span> "
                      f"<b>{html.escape(self._label)}</b>{date}")
        self._title.setText(title)

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)

    def _set_note(self, text: str) -> None:
        self._note.setText(text)
        self._note.setVisible(bool(text))
