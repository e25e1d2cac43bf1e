"""Load the contrast phases of one study, in the order the reader needs them.

mRECIST measures viable tumour on the arterial phase (Lencioni & Llovet 2010), so an
arterial image is shown first: the first one the scan meets whose series description names
the arterial phase (a preview, while the other headers are still being read), or else the
arterial series' middle slice once the scan has placed every series. The volumes follow,
arterial first, and are returned in hanging-protocol (display) order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.dicom.headers import ImageHeader, pydicom_warnings_ignored
from core.dicom.phases import phase_from_description
from core.dicom.pixels import needs_decoder, read_frame
from core.dicom.scan import ScanResult, SeriesInfo, scan
from core.dicom.stack import build_stack
from core.dicom.volume import decode_process_pool, load_volume
from core.errors import DicomImportError
from core.model.imaging import DISPLAY_ORDER, Phase
from core.model.volume import Volume

Progress = Callable[[float, str], None]
FirstSlice = Callable[[ImageHeader, np.ndarray], None]

# The reader looks at arterial first (viable tumour), then at washout on the portal venous
# and delayed phases; the pre-contrast phase is a reference looked at last.
LOAD_ORDER: tuple[Phase, ...] = (
    Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED, Phase.HEPATOBILIARY,
    Phase.PRE_CONTRAST, Phase.UNKNOWN,
)


def phase_series(result: ScanResult) -> list[SeriesInfo]:
    """One series per phase of the first study in *result*, in display order.

    When a phase occurs twice (a re-acquired arterial phase, say), the series with more
    images is shown; the reader can pick another in the series browser.
    """
    if not result.studies:
        return []
    best: dict[Phase, SeriesInfo] = {}
    for series in result.studies[0].series:
        phase = series.phase.phase
        if phase not in best or series.n_images > best[phase].n_images:
            best[phase] = series
    return [best[p] for p in DISPLAY_ORDER if p in best]


def in_load_order(series: Sequence[SeriesInfo]) -> list[SeriesInfo]:
    """*series* sorted into :data:`LOAD_ORDER` (arterial first), stable otherwise."""
    return sorted(series, key=lambda s: LOAD_ORDER.index(s.phase.phase))


def load_study_phases(folder: Path, progress: Progress | None = None,
                      on_first_slice: FirstSlice | None = None) -> list[Volume]:
    """Scan *folder* and load each phase of its study as a volume, in display order.

    Parameters
    ----------
    folder
        A folder, zip archive or DICOMDIR holding one study.
    progress
        Called with (fraction done, message).
    on_first_slice
        Called once, with an image's header and its pixels (float32, modality values), as
        soon as an arterial image can be shown: during the scan when a series description
        names the arterial phase, else the middle slice of the first series to load.

    Raises
    ------
    DicomImportError
        If no CT or MR image series is found, or a series cannot be loaded.
    """
    preview = ArterialPreview(on_first_slice) if on_first_slice else None
    result = scan(folder, on_header=preview)
    if not result.studies:
        raise DicomImportError(folder, "no DICOM image series found")
    shown = preview is not None and preview.is_shown
    return load_phases(result, progress, None if shown else on_first_slice)


class ArterialPreview:
    """A scan's ``on_header`` callback that shows the first arterial image it meets."""

    def __init__(self, show: FirstSlice) -> None:
        self._show = show
        self.is_shown = False

    def __call__(self, header: ImageHeader) -> None:
        """Show *header*'s image if it is the first one named arterial."""
        if self.is_shown or phase_from_description(header.series_description) \
                is not Phase.ARTERIAL:
            return
        try:
            pixels = read_frame(header)
        except DicomImportError:
            return  # a damaged image is no preview; the scan reports it with the rest
        self.is_shown = True
        self._show(header, pixels)


def load_phases(result: ScanResult, progress: Progress | None = None,
                on_first_slice: FirstSlice | None = None, *,
                decode_processes: int = 0) -> list[Volume]:
    """Load one series per phase of the first study of *result* (see :func:`phase_series`).

    The phases are those of *result*, so a reader's overrides
    (:func:`~core.dicom.scan.override_phases`) decide them. With *decode_processes*,
    compressed series are decoded on that many worker processes. Off by default: on the
    2-core machine measured, starting and feeding them cost more than they saved (RLE
    study 2.6 s against 1.7 s, docs/performance.md); measure on the reading workstation
    first. Other parameters and errors as :func:`load_study_phases`.
    """
    chosen = phase_series(result)
    if not chosen:
        raise DicomImportError("the scanned files", "no CT or MR image series found")
    ordered = in_load_order(chosen)
    if on_first_slice:
        stacked = build_stack(ordered[0].headers).headers
        middle = stacked[len(stacked) // 2]
        with pydicom_warnings_ignored():
            pixels = read_frame(middle)
        on_first_slice(middle, pixels)
    workers = _decode_processes(ordered, decode_processes)
    pool = decode_process_pool(workers) if workers else None
    volumes: dict[str, Volume] = {}
    try:
        for i, series in enumerate(ordered):
            if progress:
                progress(i / len(ordered), f"Loading {series.phase.phase.label} phase")
            volumes[_key(series)] = load_volume(series, processes=pool)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if progress:
        progress(1.0, "Loaded")
    return [volumes[_key(s)] for s in chosen]


def _decode_processes(series: Sequence[SeriesInfo], requested: int) -> int:
    if not any(needs_decoder(s.headers[0]) for s in series):
        return 0
    return max(requested, 0)


def _key(series: SeriesInfo) -> str:
    return f"{series.series_instance_uid}:{series.temporal_position}"
