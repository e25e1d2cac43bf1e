"""Read pixel data into modality values (HU for CT), with as few copies as possible.

Voxels are int16 when every value is an exact integer that fits (:func:`voxel_dtype`: the
common CT with slope 1 and intercept -1024, most MR), else float32. Uncompressed 16-bit
files on disk are read straight from the PixelData offset found while scanning into the
volume's own memory, checked and rescaled there in place (one read, no Python-level
parsing, no copy). Everything else (compressed transfer
syntaxes, big endian, zip members, multi-frame objects) goes through pydicom and its decoder
plugins: pylibjpeg-libjpeg (JPEG baseline/extended/lossless, JPEG-LS), pylibjpeg-openjpeg
(JPEG 2000), pylibjpeg-rle (RLE), with pyjpegls and pillow as fallbacks pydicom picks itself.
Compressed files on disk are handed to the decoder at the PixelData offset found while
scanning, with the image's attributes from the scan: the header is not parsed a second time
(a pydicom parse cost about as much as decoding an RLE slice).
"""

from __future__ import annotations

import io
import os
import struct
import threading
import zlib
from collections.abc import Iterator, Sequence
from typing import BinaryIO, NamedTuple

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.errors import BytesLengthException, InvalidDicomError
from pydicom.pixels.decoders.base import DecodeOptions, get_decoder
from pydicom.pixels.utils import get_j2k_parameters, iter_pixels
from pydicom.uid import (
    UID,
    JPEG2000TransferSyntaxes,
    JPEGLSTransferSyntaxes,
    JPEGTransferSyntaxes,
    RLELossless,
)

from core.dicom.headers import (
    NATIVE_SYNTAXES,
    TRUNCATED,
    ImageHeader,
    code_stream_head,
    count_fragments,
)
from core.dicom.sources import FileRef
from core.errors import DicomImportError

# Decoder failures surface as any of these (pydicom, the plugins, numpy, zlib for deflate).
DECODE_ERRORS = (
    OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
    RuntimeError, NotImplementedError, OverflowError, MemoryError, zlib.error, struct.error,
    BytesLengthException, InvalidDicomError,
)


class Decoded(NamedTuple):
    """The decoded frames of one file as (frame index, stored values), and how its code
    stream disagrees with the header (:func:`stream_mismatch`), or None."""

    frames: list[tuple[int, np.ndarray]]
    mismatch: str | None


class ValuesOutOfRange(Exception):
    """A slice's modality values do not fit the int16 volume chosen for its series.

    Raised only for int16 volumes, so the caller can load the series again as float32: the
    header allows values int16 cannot hold and the pixels turned out to use them.
    """


def voxel_dtype(headers: Sequence[ImageHeader]) -> np.dtype:
    """int16 when every image's modality values can be exact int16 integers, else float32.

    That is: at most 16 bits allocated, slope 1, an integral intercept (CT: -1024 or 0; MR:
    usually 0). Whether the values fit int16 is checked slice by slice as they are read, so
    signed 16-bit CT with intercept -1024 (whose header allows -33,792) still loads as int16
    when its pixels stay in range, which they do in practice. int16 halves the memory of a
    study (two timepoints of four phases side by side) and the time to fill it, and is what
    ITK/GDCM return for the same images.
    """
    exact = all(h.bits_allocated <= 16 and h.rescale_slope == 1.0
                and float(h.rescale_intercept).is_integer()
                and abs(h.rescale_intercept) <= 32767 for h in headers)
    return np.dtype(np.int16) if exact else np.dtype(np.float32)


def read_into(headers: Sequence[ImageHeader], out: Sequence[np.ndarray]) -> str | None:
    """Read the frames *headers* (all from one file) into *out*, rescaled to modality values.

    Returns how the file's code stream disagrees with its header (:func:`stream_mismatch`),
    or None.

    Raises
    ------
    DicomImportError
        If the pixel data cannot be read or decoded.
    ValuesOutOfRange
        If *out* is int16 and the values do not fit it.
    """
    first = headers[0]
    if len(headers) == 1 and _can_read_directly(first):
        target = out[0]
        if target.dtype == np.int16 and _dtype(first) in _NATIVE_16:
            _read(first, target.view(np.uint8).reshape(-1))
            _rescale_in_place(target.view(_dtype(first)), first, target)
            return None
        raw = _read_directly(first)
        _rescale(raw, first, target, bits_cleared=True)
        return None
    wanted = {h.frame_index or 0: (h, target) for h, target in zip(headers, out, strict=True)}
    decoded = _decode(first.ref, first, sorted(wanted))
    for index, frame in decoded.frames:
        header, target = wanted[index]
        _rescale(frame, header, target)
    return decoded.mismatch


def needs_decoder(header: ImageHeader) -> bool:
    """True when the image must go through a decoder (cannot be read straight from disk)."""
    return not _can_read_directly(header)


def is_slow_to_decode(header: ImageHeader) -> bool:
    """True for compression whose decoding is worth a worker process of its own.

    Decoding a 512² CT slice, measured (docs/performance.md): RLE 1 ms, JPEG-LS 10 ms,
    JPEG 2000 16 ms; moving a decoded slice back from a worker costs ~0.2 ms. Everything
    but RLE and the uncompressed syntaxes (zip members, deflate) counts as slow.
    """
    return (header.transfer_syntax_uid not in NATIVE_SYNTAXES
            and header.transfer_syntax_uid != RLELossless)


def decode_in_worker(headers: Sequence[ImageHeader]) -> Decoded | str:
    """Decode the frames *headers* (one file) in a worker process.

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


def rescale_into(decoded: Decoded | str, headers: Sequence[ImageHeader],
                 out: Sequence[np.ndarray]) -> str | None:
    """Write the *decoded* frames of one file into *out*, rescaled (see
    :func:`decode_in_worker`); return the code stream's mismatch, as :func:`read_into` does.

    Raises
    ------
    DicomImportError
        If the worker could not decode the file (*decoded* is then its reason).
    """
    if isinstance(decoded, str):
        raise DicomImportError(headers[0].display_path, decoded)
    by_index = dict(decoded.frames)
    for header, target in zip(headers, out, strict=True):
        _rescale(by_index[header.frame_index or 0], header, target)
    return decoded.mismatch


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


# Stored 16-bit pixels whose bytes can be read into an int16 volume as they are.
_NATIVE_16 = (np.dtype("<i2"), np.dtype("<u2")) if np.little_endian else (
    np.dtype(">i2"), np.dtype(">u2"))


def _read_directly(h: ImageHeader) -> np.ndarray:
    """The stored values of *h*, read at its PixelData offset into this thread's buffer.

    The array is valid until this thread reads the next slice: rescale it at once.
    """
    dtype = _dtype(h)
    buffer = _buffer(h.rows * h.columns * dtype.itemsize)
    _read(h, buffer)
    stored = buffer.view(dtype).reshape(h.rows, h.columns)
    _clear_unused_bits(stored, h)
    return stored


def _read(h: ImageHeader, buffer: np.ndarray) -> None:
    """Fill the bytes of *buffer* from *h*'s PixelData offset."""
    dtype = _dtype(h)
    count = h.rows * h.columns
    done = 0
    try:
        with open(h.path, "rb", buffering=0) as f:
            f.seek(h.pixel_data_offset or 0)
            view = buffer.data  # a memoryview of the (contiguous, 1-D uint8) buffer
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


def _decode(ref: FileRef, h: ImageHeader, indices: list[int]) -> Decoded:
    """The frames *indices* of the file as (index, rows × columns stored values).

    Frames are decoded one at a time, so a header that promises more frames than the
    encapsulated data holds fails at the first missing frame, before anything of the
    promised size is allocated.
    """
    decoded: list[tuple[int, np.ndarray]] = []
    head = b""  # the start of the first frame's code stream, when compressed
    try:
        if _is_encapsulated_on_disk(h):
            with open(h.path, "rb") as fp:
                fp.seek(h.pixel_data_offset or 0)
                head = code_stream_head(fp)
                for index, frame in zip(indices, _encapsulated_frames(fp, h, indices),
                                        strict=False):
                    decoded.append((index, _checked(frame, h, ref)))
        else:
            ds = _read_whole(ref, h)
            if h.transfer_syntax_uid not in NATIVE_SYNTAXES:
                head = code_stream_head(io.BytesIO(ds.PixelData))
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
    return Decoded(decoded, stream_mismatch(h, head) if head else None)


def _is_encapsulated_on_disk(h: ImageHeader) -> bool:
    return (h.pixel_data_offset is not None and h.member is None
            and h.transfer_syntax_uid not in NATIVE_SYNTAXES)


def _encapsulated_frames(fp: BinaryIO, h: ImageHeader,
                         indices: list[int]) -> Iterator[np.ndarray]:
    """Decode the frames *indices* (sorted) of *fp*, whose PixelData value starts at the
    scanned offset.

    The fragments are counted again first (item headers only: microseconds): a file cut
    short since the scan must be refused, and some decoders would decode what is left of
    a truncated JPEG stream without complaint.
    """
    size = os.fstat(fp.fileno()).st_size
    fp.seek(h.pixel_data_offset or 0)
    fragments = count_fragments(fp, size)
    if fragments == TRUNCATED or fragments < h.number_of_frames:
        raise DicomImportError(h.path, "the compressed pixel data ends early (the file was "
                                       "truncated or changed since it was scanned)")
    fp.seek(h.pixel_data_offset or 0)
    decoder = get_decoder(UID(h.transfer_syntax_uid))
    options = _decoding_options(h)
    if indices == list(range(h.number_of_frames)):
        # Every frame: one streaming pass over the fragments.
        for frame, _meta in decoder.iter_array(fp, **options):
            yield frame
        return
    # Some frames (one temporal position of a dynamic series): walk the fragments once.
    # Asking pydicom for frames by index walks them from the start for each frame when
    # there is no offset table, quadratic in the number of frames.
    wanted = set(indices)
    one: DecodeOptions = {**options, "number_of_frames": 1}
    frames = generate_frames(fp, number_of_frames=h.number_of_frames)
    for index, data in enumerate(frames):
        if index in wanted:
            # pydicom 3.0 annotates as_array's **kwargs as DecodeOptions each (not
            # Unpack[DecodeOptions]), so no option passes its check.
            yield decoder.as_array(encapsulate([data]), **one)[0]  # type: ignore[arg-type]
        if index >= indices[-1]:
            return


def _decoding_options(h: ImageHeader) -> DecodeOptions:
    """What pydicom's decoder would otherwise read from the data set (already scanned)."""
    return {"rows": h.rows, "columns": h.columns, "samples_per_pixel": 1,
            "number_of_frames": h.number_of_frames, "bits_allocated": h.bits_allocated,
            "bits_stored": h.bits_stored, "pixel_representation": h.pixel_representation,
            "photometric_interpretation": h.photometric_interpretation}


def _read_whole(ref: FileRef, h: ImageHeader) -> Dataset:
    """A file pydicom must parse whole (zip members, deflated, native big endian)."""
    with ref.open() as fp:
        ds = pydicom.dcmread(fp, force=True)
    if "PixelData" not in ds or "Rows" not in ds:
        raise DicomImportError(ref.display_path, "the file ends before its pixel data "
                                                 "is complete (truncated)")
    if (int(ds.Rows), int(ds.Columns)) != (h.rows, h.columns):
        raise DicomImportError(ref.display_path, "the file changed since it was scanned")
    return ds


def stream_mismatch(h: ImageHeader, head: bytes) -> str | None:
    """How the code stream starting with *head* disagrees with *h*'s header, or None.

    BitsStored and PixelRepresentation describe every sample (PS3.3 C.7.6.3), compressed
    or not (PS3.5 §8.2): a stream of more bits than BitsStored can hold values the header
    says cannot occur, and a JPEG 2000 stream signed where the header is not (or the
    reverse) is read with the header's sign. pydicom decodes either way (JPEG 2000 and
    JPEG-LS keep the extra bits, the JPEG processes drop them); the values are kept as it
    gives them, so a reader must be told. A stream of fewer bits than BitsStored disagrees
    harmlessly: all its values fit the header's range, and it is not reported.
    """
    syntax = h.transfer_syntax_uid
    signed: bool | None = None  # JPEG and JPEG-LS streams do not record a sign
    if syntax in JPEG2000TransferSyntaxes:
        family, parameters = "JPEG 2000", get_j2k_parameters(head)
        precision, signed = parameters.get("precision"), parameters.get("is_signed")
    elif syntax in JPEGLSTransferSyntaxes or syntax in JPEGTransferSyntaxes:
        family = "JPEG-LS" if syntax in JPEGLSTransferSyntaxes else "JPEG"
        precision = _jpeg_precision(head)
    else:
        return None
    header_says = []
    if precision is not None and precision > h.bits_stored:
        header_says.append(f"BitsStored {h.bits_stored}")
    if signed is not None and signed != bool(h.pixel_representation):
        word = "signed" if h.pixel_representation else "unsigned"
        header_says.append(f"{word} (PixelRepresentation {h.pixel_representation})")
    if not header_says:
        return None
    sign = "" if signed is None else " signed" if signed else " unsigned"
    return (f"{family} code stream of {precision}-bit{sign} samples, header "
            + " and ".join(header_says))


# Start-of-frame markers: SOF0-SOF15 but DHT, JPG and DAC (ISO/IEC 10918-1 Table B.1), and
# JPEG-LS SOF55 (ISO/IEC 14495-1 C.2.2).
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC} | {0xF7}


def _jpeg_precision(head: bytes) -> int | None:
    """The sample precision P of a JPEG or JPEG-LS frame header within *head*, or None.

    After SOI, marker segments (each with its length) lead to the frame header: marker,
    2-byte length, then P (ISO/IEC 10918-1 B.2.2).
    """
    if head[:2] != b"\xff\xd8":
        return None
    pos = 2
    while pos + 5 <= len(head):
        if head[pos] != 0xFF:
            return None
        if head[pos + 1] == 0xFF:  # a fill byte before a marker
            pos += 1
        elif head[pos + 1] in _SOF_MARKERS:
            return head[pos + 4]
        else:
            pos += 2 + struct.unpack(">H", head[pos + 2:pos + 4])[0]
    return None


def _checked(frame: np.ndarray, h: ImageHeader, ref: FileRef) -> np.ndarray:
    if frame.shape != (h.rows, h.columns):
        raise DicomImportError(ref.display_path, f"a decoded frame has shape {frame.shape}, "
                                                 f"not {h.rows} × {h.columns}")
    return frame


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _rescale(raw: np.ndarray, h: ImageHeader, out: np.ndarray, *,
             bits_cleared: bool = False) -> None:
    """*raw* stored values into *out* as modality values.

    *bits_cleared* says the bits above BitsStored were cleared (a direct read from disk).
    A decoder's output is taken as it comes, as pydicom gives it: JPEG-LS and JPEG 2000
    code streams may carry more bits than the header's BitsStored, and pydicom keeps them.
    """
    if out.dtype == np.int16:
        _check_int16(raw, h, bits_cleared=bits_cleared)
        np.add(raw, np.int32(h.rescale_intercept), out=out, casting="unsafe")
        return
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


def _rescale_in_place(stored: np.ndarray, h: ImageHeader, out: np.ndarray) -> None:
    """Rescale 16-bit *stored* values to modality values in *out*, the same memory as int16.

    After the range check, int16 addition (modulo 2**16) gives the exact result even for
    unsigned stored values above 32,767: the true result is in int16's range.
    """
    _clear_unused_bits(stored, h)
    _check_int16(stored, h, bits_cleared=True)
    if h.rescale_intercept:
        np.add(out, np.int16(h.rescale_intercept), out=out)


def _check_int16(raw: np.ndarray, h: ImageHeader, *, bits_cleared: bool) -> None:
    """Raise :class:`ValuesOutOfRange` unless *raw* + intercept fits int16.

    Only the side the stored type allows to overflow is looked at (one pass over the slice,
    or none): unsigned 12-bit CT with intercept -1024 checks its maximum.
    """
    if raw.dtype.kind not in "iu":
        raise ValuesOutOfRange(f"{raw.dtype} pixels")
    intercept = int(h.rescale_intercept)
    lowest, highest = np.iinfo(raw.dtype).min, np.iinfo(raw.dtype).max
    if bits_cleared and _has_unused_bits(raw, h):
        highest = (1 << h.bits_stored) - 1
    if lowest + intercept < -32768 and int(raw.min()) + intercept < -32768:
        raise ValuesOutOfRange("below -32768")
    if highest + intercept > 32767 and int(raw.max()) + intercept > 32767:
        raise ValuesOutOfRange("above 32767")


def _has_unused_bits(raw: np.ndarray, h: ImageHeader) -> bool:
    return raw.dtype.kind == "u" and 0 < h.bits_stored < raw.dtype.itemsize * 8


def _clear_unused_bits(stored: np.ndarray, h: ImageHeader) -> None:
    """Zero the bits above BitsStored of unsigned stored values read from disk, in place.

    They are not part of the pixel value (PS3.5 §8.1.1; old files kept overlays there) and
    pydicom drops them from uncompressed data too. Looked for first (one read-only pass),
    cleared only if set.
    """
    if _has_unused_bits(stored, h):
        mask = (1 << h.bits_stored) - 1
        if int(stored.max()) > mask:
            np.bitwise_and(stored, stored.dtype.type(mask), out=stored)
