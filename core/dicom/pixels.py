"""Read pixel data into float32 modality values (HU for CT), with as few copies as possible.

Uncompressed files on disk are read straight from the PixelData offset found while scanning
(``numpy.fromfile``: one read, no Python-level parsing). Everything else (compressed transfer
syntaxes, big endian, zip members, multi-frame objects) goes through pydicom and its decoder
plugins: pylibjpeg-libjpeg (JPEG baseline/extended/lossless, JPEG-LS), pylibjpeg-openjpeg
(JPEG 2000), pylibjpeg-rle (RLE), with pyjpegls and pillow as fallbacks pydicom picks itself.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Sequence

import numpy as np
import pydicom
from pydicom.errors import BytesLengthException, InvalidDicomError
from pydicom.pixels.utils import iter_pixels

from core.dicom.headers import NATIVE_SYNTAXES, ImageHeader
from core.dicom.sources import FileRef
from core.errors import DicomImportError

# Decoder failures surface as any of these (pydicom, the plugins, numpy, zlib for deflate).
DECODE_ERRORS = (
    OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
    RuntimeError, NotImplementedError, OverflowError, MemoryError, zlib.error, struct.error,
    BytesLengthException, InvalidDicomError,
)


def read_into(headers: Sequence[ImageHeader], out: Sequence[np.ndarray]) -> None:
    """Read the frames *headers* (all from one file) into *out*, rescaled to modality values.

    Raises
    ------
    DicomImportError
        If the pixel data cannot be read or decoded.
    """
    first = headers[0]
    if len(headers) == 1 and _can_read_directly(first):
        raw = _read_directly(first)
        _rescale(raw, first, out[0])
        return
    wanted = {h.frame_index or 0: (h, target) for h, target in zip(headers, out, strict=True)}
    for index, frame in _decode(first.ref, first, sorted(wanted)):
        header, target = wanted[index]
        _rescale(frame, header, target)


def needs_decoder(header: ImageHeader) -> bool:
    """True when the image must go through a decoder (cannot be read straight from disk)."""
    return not _can_read_directly(header)


def decode_in_worker(headers: Sequence[ImageHeader]) -> list[tuple[int, np.ndarray]] | str:
    """Decode the frames *headers* (one file) in a worker process: (frame index, pixels).

    Runs in a process of its own, single-threaded, so silencing pydicom's warnings here
    touches no other thread. A file that cannot be decoded comes back as the reason (a
    string), which :func:`rescale_into` raises as :class:`DicomImportError` in the caller.
    """
    import warnings

    first = headers[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _decode(first.ref, first, sorted({h.frame_index or 0 for h in headers}))
        except DicomImportError as exc:
            return exc.reason


def rescale_into(frames: list[tuple[int, np.ndarray]] | str, headers: Sequence[ImageHeader],
                 out: Sequence[np.ndarray]) -> None:
    """Write decoded *frames* of one file into *out*, rescaled (see :func:`decode_in_worker`).

    Raises
    ------
    DicomImportError
        If the worker could not decode the file (*frames* is then its reason).
    """
    if isinstance(frames, str):
        raise DicomImportError(headers[0].display_path, frames)
    by_index = dict(frames)
    for header, target in zip(headers, out, strict=True):
        _rescale(by_index[header.frame_index or 0], header, target)


def read_frame(header: ImageHeader) -> np.ndarray:
    """One frame as a new float32 (rows, columns) array in modality values."""
    out = np.empty((header.rows, header.columns), dtype=np.float32)
    read_into([header], [out])
    return out


def _can_read_directly(h: ImageHeader) -> bool:
    signed_narrow = h.pixel_representation == 1 and h.bits_stored < h.bits_allocated
    return (h.pixel_data_offset is not None and h.member is None and h.number_of_frames == 1
            and h.transfer_syntax_uid in NATIVE_SYNTAXES
            and h.transfer_syntax_uid != pydicom.uid.DeflatedExplicitVRLittleEndian
            and not signed_narrow)


def _dtype(h: ImageHeader) -> np.dtype:
    kind = "i" if h.pixel_representation == 1 else "u"
    order = "<" if h.is_little_endian else ">"
    return np.dtype(f"{order}{kind}{h.bits_allocated // 8}")


# One read buffer per thread, reused for every slice that thread reads: a new array per
# slice (numpy.fromfile) costs more in allocation and page faults than the read itself.
_BUFFERS = threading.local()


def _buffer(nbytes: int) -> np.ndarray:
    buffer: np.ndarray | None = getattr(_BUFFERS, "buffer", None)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = _BUFFERS.buffer = np.empty(nbytes, dtype=np.uint8)
    return buffer[:nbytes]


def _read_directly(h: ImageHeader) -> np.ndarray:
    """The stored values of *h*, read at its PixelData offset into this thread's buffer.

    The array is valid until this thread reads the next slice: rescale it at once.
    """
    dtype = _dtype(h)
    count = h.rows * h.columns
    buffer = _buffer(count * dtype.itemsize)
    done = 0
    try:
        with open(h.path, "rb", buffering=0) as f:
            f.seek(h.pixel_data_offset or 0)
            view = memoryview(buffer)
            while done < len(view):
                n = f.readinto(view[done:])
                if not n:
                    break
                done += n
    except (OSError, ValueError) as exc:
        raise DicomImportError(h.path, f"pixel data cannot be read ({exc})") from None
    if done != buffer.nbytes:
        got = done // dtype.itemsize
        raise DicomImportError(h.path, f"pixel data ends after {got:,} of {count:,} pixels "
                                       "(the file changed or is truncated)")
    return buffer.view(dtype).reshape(h.rows, h.columns)


def _decode(ref: FileRef, h: ImageHeader, indices: list[int]) -> list[tuple[int, np.ndarray]]:
    """The frames *indices* of the file as (index, rows × columns stored values).

    Frames are decoded one at a time, so a header that promises more frames than the
    encapsulated data holds fails at the first missing frame, before anything of the
    promised size is allocated.
    """
    decoded: list[tuple[int, np.ndarray]] = []
    try:
        with ref.open() as fp:
            ds = pydicom.dcmread(fp, force=True)
        if "PixelData" not in ds or "Rows" not in ds:
            raise DicomImportError(ref.display_path, "the file ends before its pixel data "
                                                     "is complete (truncated)")
        if (int(ds.Rows), int(ds.Columns)) != (h.rows, h.columns):
            raise DicomImportError(ref.display_path, "the file changed since it was scanned")
        for index, frame in zip(indices, iter_pixels(ds, indices=indices), strict=False):
            decoded.append((index, _checked(frame, h, ref)))
    except DicomImportError:
        raise
    except DECODE_ERRORS as exc:
        raise DicomImportError(ref.display_path,
                               f"pixel data cannot be decoded ({_short(exc)})") from None
    except BaseException as exc:
        # Decoders written in Rust (pylibjpeg-rle) report damaged data as a pyo3
        # PanicException, which derives from BaseException; anything else goes on up.
        if type(exc).__name__ != "PanicException":
            raise
        reason = f"pixel data cannot be decoded (the decoder failed: {_short(exc)})"
        raise DicomImportError(ref.display_path, reason) from None
    if len(decoded) != len(indices):
        missing = indices[len(decoded)] + 1
        raise DicomImportError(ref.display_path, f"frame {missing} is missing from the pixel "
                                                 "data")
    return decoded


def _checked(frame: np.ndarray, h: ImageHeader, ref: FileRef) -> np.ndarray:
    if frame.shape != (h.rows, h.columns):
        raise DicomImportError(ref.display_path, f"a decoded frame has shape {frame.shape}, "
                                                 f"not {h.rows} × {h.columns}")
    return frame


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _rescale(raw: np.ndarray, h: ImageHeader, out: np.ndarray) -> None:
    # Written into the caller's slice of the volume: no intermediate float array. With
    # slope 1 (every CT), one pass: float32(raw) + intercept, in float32 as two passes were.
    if h.rescale_slope == 1.0:
        if h.rescale_intercept != 0.0:
            np.add(raw, np.float32(h.rescale_intercept), out=out, dtype=np.float32,
                   casting="unsafe")
        else:
            np.copyto(out, raw, casting="unsafe")
        return
    np.multiply(raw, np.float32(h.rescale_slope), out=out, casting="unsafe")
    if h.rescale_intercept != 0.0:
        out += np.float32(h.rescale_intercept)
