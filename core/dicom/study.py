"""Load the contrast phases of one study, in hanging-protocol order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.dicom.scan import ScanResult, SeriesInfo, scan
from core.dicom.volume import load_volume
from core.errors import DicomImportError
from core.model.imaging import DISPLAY_ORDER
from core.model.volume import Volume

Progress = Callable[[float, str], None]


def phase_series(result: ScanResult) -> list[SeriesInfo]:
    """One series per phase of the first study in *result*, in display order.

    When a phase occurs twice (a re-acquired arterial phase, say), the series with more
    images is shown; the reader can pick another in the series browser.
    """
    if not result.studies:
        return []
    best: dict = {}
    for series in result.studies[0].series:
        phase = series.phase.phase
        if phase not in best or series.n_images > best[phase].n_images:
            best[phase] = series
    return [best[p] for p in DISPLAY_ORDER if p in best]


def load_study_phases(folder: Path, progress: Progress | None = None) -> list[Volume]:
    """Scan *folder* and load each phase of its study as a volume, in display order."""
    result = scan(folder)
    chosen = phase_series(result)
    if not chosen:
        raise DicomImportError(folder, "no DICOM image series found")
    volumes = []
    for i, series in enumerate(chosen):
        if progress:
            progress(i / len(chosen), f"Loading {series.phase.phase.label} phase")
        volumes.append(load_volume(series))
    if progress:
        progress(1.0, "Loaded")
    return volumes
