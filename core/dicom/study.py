"""Load the contrast phases of one study, in the order the reader needs them.

mRECIST measures viable tumour on the arterial phase (Lencioni & Llovet 2010), so the
arterial series' middle slice is read first and can be shown at once; the volumes follow,
arterial first, and are returned in hanging-protocol (display) order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.dicom.scan import ScanResult, SeriesInfo, scan
from core.dicom.volume import load_volume, read_slice
from core.errors import DicomImportError
from core.model.imaging import DISPLAY_ORDER, Phase
from core.model.volume import Volume

Progress = Callable[[float, str], None]
FirstSlice = Callable[[SeriesInfo, np.ndarray], None]

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
        Called with the first series to load (the arterial one when there is one) and its
        middle slice, as soon as that slice is read and before any volume is loaded.

    Raises
    ------
    DicomImportError
        If no CT or MR image series is found, or a series cannot be loaded.
    """
    result = scan(folder)
    if not result.studies:
        raise DicomImportError(folder, "no DICOM image series found")
    return load_phases(result, progress, on_first_slice)


def load_phases(result: ScanResult, progress: Progress | None = None,
                on_first_slice: FirstSlice | None = None) -> list[Volume]:
    """Load one series per phase of the first study of *result* (see :func:`phase_series`).

    The phases are those of *result*, so a reader's overrides
    (:func:`~core.dicom.scan.override_phases`) decide them. Parameters and errors as
    :func:`load_study_phases`.
    """
    chosen = phase_series(result)
    if not chosen:
        raise DicomImportError("the scanned files", "no CT or MR image series found")
    ordered = in_load_order(chosen)
    if on_first_slice:
        on_first_slice(ordered[0], read_slice(ordered[0]))
    volumes: dict[str, Volume] = {}
    for i, series in enumerate(ordered):
        if progress:
            progress(i / len(ordered), f"Loading {series.phase.phase.label} phase")
        volumes[_key(series)] = load_volume(series)
    if progress:
        progress(1.0, "Loaded")
    return [volumes[_key(s)] for s in chosen]


def _key(series: SeriesInfo) -> str:
    return f"{series.series_instance_uid}:{series.temporal_position}"
