"""Load a scanned series into a :class:`~core.model.volume.Volume`."""

from __future__ import annotations

import mmap
import os
from collections import Counter
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

import numpy as np

from core.dicom.headers import ImageHeader, pydicom_warnings_ignored
from core.dicom.phases import phase_from_description
from core.dicom.pixels import (
    ValuesOutOfRange,
    decode_in_worker,
    needs_decoder,
    read_frame,
    read_into,
    rescale_into,
    voxel_dtype,
)
from core.dicom.quality import image_warnings, stream_warnings
from core.dicom.scan import SeriesInfo
from core.dicom.sources import FileRef
from core.dicom.stack import Stack, build_stack
from core.errors import DecoderCrashedError, DicomImportError
from core.model.imaging import Modality, Phase
from core.model.volume import Volume
from core.progress import Progress

# A series needing more than this in memory is refused before allocating (about 8,000
# slices of 512²: far beyond any liver CT or MR series).
MAX_VOLUME_BYTES = 8 * 1024**3


def decode_workers() -> int:
    """Threads that read slices. File reads and numpy's conversion release the GIL; the
    compressed-data decoders do not (measured: docs/performance.md)."""
    return max(1, min(8, os.cpu_count() or 1))


def load_volume(series: SeriesInfo, progress: Progress | None = None, *,
                processes: Executor | None = None) -> Volume:
    """Read every image of *series* and stack them in patient order.

    Voxels are int16 when the modality values are exact integers that fit (most CT and MR,
    see :func:`~core.dicom.pixels.voxel_dtype`), else float32; a series whose header allowed
    int16 but whose pixels do not fit is read again as float32. Slices are read on a thread
    pool, straight into the volume (uncompressed 16-bit files with one read each into the
    volume's memory). What the scan found odd about the series, and what loading
    adds, is in :attr:`Volume.warnings`; a series without PixelSpacing loads with
    ``is_measurable`` False.

    The decoders of compressed data hold the GIL, so threads cannot decode in parallel;
    given *processes* (a process pool, see :func:`decode_process_pool`), compressed files
    are decoded there and only rescaled here.

    Raises
    ------
    DicomImportError
        When the series is too large to hold in memory, or a file's pixel data cannot be
        read or decoded.
    """
    stack = build_stack(series.headers)
    first = stack.headers[0]
    shape = (stack.n_slices, first.rows, first.columns)
    dtype = voxel_dtype(stack.headers)
    n_bytes = int(np.prod(shape)) * dtype.itemsize
    if n_bytes > MAX_VOLUME_BYTES:
        raise DicomImportError(first.display_path, f"series of {stack.n_slices} slices would "
                                                   f"need {n_bytes / 1024**3:.1f} GiB: refused")
    read = _read_series(series, stack, dtype, progress, processes)
    if read is None:  # values beyond int16: read again as float32
        if 2 * n_bytes > MAX_VOLUME_BYTES:
            raise DicomImportError(first.display_path, f"series of {stack.n_slices} slices "
                                   f"would need {2 * n_bytes / 1024**3:.1f} GiB as float32: "
                                   "refused")
        read = _read_series(series, stack, FLOAT32, progress, processes)
        assert read is not None  # float32 holds any value
    voxels, mismatches = read
    uids, frames = _blank_missing_slices(voxels, stack)
    warnings = tuple(dict.fromkeys((*series.warnings, *stack.warnings,
                                    *stream_warnings(mismatches, stack.headers))))
    return Volume(
        voxels=voxels,
        affine=volume_affine(stack),
        spacing_mm=_spacing(stack),
        sop_instance_uids=uids,
        series_instance_uid=series.series_instance_uid,
        study_instance_uid=first.study_instance_uid,
        modality=Modality.CT if series.modality == "CT" else Modality.MR,
        phase=series.phase.phase,
        series_description=series.description,
        window=first.window,
        warnings=warnings,
        is_measurable=stack.is_measurable and series.is_measurable,
        is_monochrome1=first.photometric_interpretation == "MONOCHROME1",
        frame_numbers=frames,
        is_lossy=series.is_lossy,
    )


def _read_series(series: SeriesInfo, stack: Stack, dtype: np.dtype, progress: Progress | None,
                 processes: Executor | None) -> tuple[np.ndarray, Counter[str]] | None:
    """The voxels of *stack* as *dtype* and the code streams' mismatches (see
    :func:`_read_all`), or None if the values do not fit int16.

    On None the int16 array is already unreachable (nothing here keeps the exception and
    its frames), so it is freed before the caller allocates float32.
    """
    voxels = allocate_voxels((stack.n_slices, stack.headers[0].rows,
                              stack.headers[0].columns), dtype)
    targets = [voxels[k] for k in stack.slots]
    try:
        with pydicom_warnings_ignored():  # entered here, not in the pool's threads
            mismatches = _read_all(stack.headers, targets, series.description, progress,
                                   processes)
    except ValuesOutOfRange:
        return None
    return voxels, mismatches


FLOAT32 = np.dtype(np.float32)


def allocate_voxels(shape: tuple[int, int, int], dtype: np.dtype = FLOAT32) -> np.ndarray:
    """An uninitialised array of *shape* and *dtype*, in ordinary (4 KiB) pages.

    numpy asks the kernel for transparent huge pages for large arrays. On the virtual
    machine measured (docs/performance.md) a huge page sometimes takes milliseconds to
    fault in (the host backs it lazily): loading a study took 0.3 s or 1.4 s from run to
    run. Anonymous memory in small pages costs a steady ~0.3 s of page faults per GiB,
    spread over the threads that fill it. Virtual reading workstations are common.
    """
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes == 0 or not hasattr(mmap, "MAP_ANONYMOUS"):
        return np.empty(shape, dtype=dtype)
    memory = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(memory, dtype=dtype).reshape(shape)


def _blank_missing_slices(
    voxels: np.ndarray, stack: Stack,
) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """Fill the slices no image was found for with the series' lowest value (black).

    Returns the SOP Instance UID and frame number of every slice: "" and None where a
    slice is missing, so no measurement can reference an image that does not exist.
    """
    uids: list[str] = [""] * stack.n_slices
    frames: list[int | None] = [None] * stack.n_slices
    for header, k in zip(stack.headers, stack.slots, strict=True):
        uids[k], frames[k] = header.sop_instance_uid, header.frame_number
    missing = [k for k in range(stack.n_slices) if not uids[k]]
    if missing:
        lowest = min(float(voxels[k].min()) for k in stack.slots)
        voxels[missing] = lowest
    return tuple(uids), tuple(frames)


def read_slice(series: SeriesInfo, index: int | None = None) -> np.ndarray:
    """One slice of *series* in display order (the middle one by default), float32.

    This is what a reader sees first: it costs one file read, not the whole series.
    """
    headers = build_stack(series.headers).headers
    k = len(headers) // 2 if index is None else index
    with pydicom_warnings_ignored():
        return read_frame(headers[k])


def preview_volume(header: ImageHeader, pixels: np.ndarray) -> Volume:
    """A one-slice volume of *header*'s image: what a viewer shows while the rest loads.

    Its phase is the one the series description names (the preview is shown before the
    scan has decided the phases from timing), or unknown.
    """
    stack = build_stack([header])
    return Volume(
        voxels=pixels.reshape(1, header.rows, header.columns).astype(np.float32, copy=False),
        affine=volume_affine(stack),
        spacing_mm=_spacing(stack),
        sop_instance_uids=(header.sop_instance_uid,),
        series_instance_uid=header.series_instance_uid,
        study_instance_uid=header.study_instance_uid,
        modality=Modality.CT if header.modality == "CT" else Modality.MR,
        phase=phase_from_description(header.series_description) or Phase.UNKNOWN,
        series_description=header.series_description,
        window=header.window,
        warnings=("preview: one image while the study loads", *image_warnings([header])),
        is_measurable=False,
        is_monochrome1=header.photometric_interpretation == "MONOCHROME1",
        frame_numbers=(header.frame_number,),
        is_lossy=header.is_lossy,
    )


def volume_affine(stack: Stack) -> np.ndarray:
    """Map homogeneous (slice, row, column, 1) indices to patient LPS mm (voxel centres)."""
    first = stack.headers[0]
    dy, dx = first.pixel_spacing or (1.0, 1.0)
    row_dir = np.array(stack.row_direction)
    col_dir = np.array(stack.column_direction)
    if stack.slice_step_xyz is not None:
        step = np.array(stack.slice_step_xyz)
    else:
        normal = np.cross(row_dir, col_dir)
        # Unplaced slices: one slice thickness apart, cranial first as for placed ones.
        step = -np.sign(normal[2] or 1.0) * normal * (first.slice_thickness_mm or 1.0)
    affine = np.eye(4)
    affine[:3, 0] = step
    affine[:3, 1] = col_dir * dy
    affine[:3, 2] = row_dir * dx
    affine[:3, 3] = first.position if first.position is not None else (0.0, 0.0, 0.0)
    return affine


def _spacing(stack: Stack) -> tuple[float, float, float]:
    first = stack.headers[0]
    dy, dx = first.pixel_spacing or (1.0, 1.0)
    dz = stack.slice_spacing_mm or first.slice_thickness_mm or 1.0
    return float(dz), float(dy), float(dx)


def decode_process_pool(workers: int) -> Executor:
    """A pool of *workers* processes for decoding compressed slices (spawned, Qt-free).

    Starting one costs about half a second per worker (Python, numpy and pydicom are
    imported afresh): make one per study at least, or keep one (core.dicom.workers).
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"))


def _read_all(headers: tuple[ImageHeader, ...], targets: list[np.ndarray], description: str,
              progress: Progress | None, processes: Executor | None = None) -> Counter[str]:
    """Read each file once (a multi-frame file fills all its slices) on a thread pool.

    Returns each way a code stream disagreed with its header
    (:func:`~core.dicom.pixels.stream_mismatch`) and the number of images it concerns.
    """
    by_file: dict[FileRef, list[int]] = {}
    for k, h in enumerate(headers):
        by_file.setdefault(h.ref, []).append(k)
    jobs = list(by_file.values())

    def read(slices: list[int]) -> tuple[int, str | None]:
        group = [headers[k] for k in slices]
        if processes is not None and needs_decoder(group[0]):
            try:
                decoded = processes.submit(decode_in_worker, group).result()
            except BrokenProcessPool:
                # A decoder crashed its worker (a damaged file can do that to native code):
                # the application lives on, this load stops with a reason.
                raise DecoderCrashedError(group[0].display_path, "the decoding worker "
                                          "process stopped while this file or one decoded "
                                          "alongside was read (a decoder crashed)") from None
            mismatch = rescale_into(decoded, group, [targets[k] for k in slices])
        else:
            mismatch = read_into(group, [targets[k] for k in slices])
        return len(slices), mismatch

    workers = decode_workers() if processes is None else 2 * decode_workers() + 2
    done = 0
    mismatches: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for n, mismatch in pool.map(read, jobs):
                done += n
                if mismatch is not None:
                    mismatches[mismatch] += n
                if progress and (done % 16 < n or done == len(headers)):
                    progress(done / len(headers), f"Loading {description}")
        except BaseException:
            # A file that cannot be read ends the load: do not read the rest first.
            pool.shutdown(cancel_futures=True)
            raise
    return mismatches
