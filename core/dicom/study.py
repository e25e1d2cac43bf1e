"""Load the contrast phases of one study, in the order the reader needs them.

mRECIST measures viable tumour on the arterial phase (Lencioni & Llovet 2010), so an
arterial image is shown first: the first one the scan meets whose series description names
the arterial phase (a preview, while the other headers are still being read), or else the
arterial series' middle slice once the scan has placed every series. The volumes follow,
arterial first, and are returned in hanging-protocol (display) order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.dicom.headers import ImageHeader, pydicom_warnings_ignored
from core.dicom.phases import phase_from_description
from core.dicom.pixels import is_slow_to_decode, needs_decoder, read_frame
from core.dicom.scan import ScanResult, SeriesInfo, scan
from core.dicom.stack import build_stack
from core.dicom.volume import decode_process_pool, load_volume
from core.dicom.workers import DecodeWorkers
from core.errors import DecoderCrashedError, DicomImportError
from core.model.imaging import DISPLAY_ORDER, Phase
from core.model.volume import Volume
from core.progress import Progress

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
                      on_first_slice: FirstSlice | None = None, *,
                      on_volume: Callable[[Volume], None] | None = None,
                      decode_workers: DecodeWorkers | None = None) -> list[Volume]:
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
    on_volume
        Called with each volume as soon as it is loaded, arterial first (see
        :data:`LOAD_ORDER`), so a viewer can show it while the others load.
    decode_workers
        Worker processes kept between studies (see :mod:`core.dicom.workers`), used when
        the study is worth decoding on processes; without, they are started for this
        study and stopped after it.

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
    return load_phases(result, progress, None if shown else on_first_slice,
                       on_volume=on_volume, decode_workers=decode_workers)


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
                on_volume: Callable[[Volume], None] | None = None,
                decode_processes: int | None = None,
                decode_workers: DecodeWorkers | None = None) -> list[Volume]:
    """Load one series per phase of the first study of *result* (see :func:`phase_series`).

    The phases are those of *result*, so a reader's overrides
    (:func:`~core.dicom.scan.override_phases`) decide them. Compressed images are decoded
    on *decode_processes* worker processes (0: on threads in this process). By default
    (None) that is one per core when the study holds enough images in a slow compression
    (:func:`auto_decode_processes`), else none. The processes are *decode_workers*' when
    given (kept for the next study), else started for this call. Other parameters and
    errors as :func:`load_study_phases`.
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
    own_pool = decode_process_pool(workers) if workers and decode_workers is None else None
    pool = own_pool or (decode_workers.executor() if workers and decode_workers else None)
    volumes: dict[str, Volume] = {}
    try:
        for i, series in enumerate(ordered):
            if progress:
                progress(i / len(ordered), f"Loading {series.phase.phase.label} phase")
            volume = volumes[_key(series)] = load_volume(series, processes=pool)
            if on_volume:
                on_volume(volume)
    except DecoderCrashedError:
        if decode_workers is not None and pool is not None:
            decode_workers.discard(pool)  # broken for good: the next study starts anew
        raise
    finally:
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)
    if progress:
        progress(1.0, "Loaded")
    return [volumes[_key(s)] for s in chosen]


# Starting worker processes costs ~0.5-1 s (each imports numpy, pydicom and the decoders
# afresh). 100 JPEG-LS or JPEG 2000 slices of 512² take 1-1.6 s to decode on one core.
MIN_SLOW_IMAGES_FOR_PROCESSES = 100


def auto_decode_processes(series: Sequence[SeriesInfo], cpus: int | None = None) -> int:
    """Worker processes worth starting to decode *series*: one per core (at most 8) when
    there are two cores or more and at least :data:`MIN_SLOW_IMAGES_FOR_PROCESSES` images
    in a slow compression (JPEG family, JPEG 2000); else 0.

    The decoders hold the GIL, so only processes decode in parallel. For RLE (1 ms a
    slice) they cost more than they save: the study measured loads 2 x slower with them.
    """
    cpus = (os.cpu_count() or 1) if cpus is None else cpus
    slow = sum(1 for s in series for h in s.headers if is_slow_to_decode(h))
    return min(cpus, 8) if cpus >= 2 and slow >= MIN_SLOW_IMAGES_FOR_PROCESSES else 0


def _decode_processes(series: Sequence[SeriesInfo], requested: int | None) -> int:
    if not any(needs_decoder(h) for s in series for h in s.headers):
        return 0
    if requested is None:
        return auto_decode_processes(series)
    return max(requested, 0)


def _key(series: SeriesInfo) -> str:
    return f"{series.series_instance_uid}:{series.temporal_position}"
