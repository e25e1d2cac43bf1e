"""Read only the DICOM header fields the workstation needs, never the pixel data.

Each image becomes one :class:`ImageHeader` of plain values; an enhanced (multi-frame)
object becomes one header per frame, with that frame's own geometry from its functional
groups. Everything that would make the image unusable is found here, before a single pixel
is read: a file that is not DICOM, not an image, not CT or MR, in colour, undecodable, or
that promises more pixel data than it holds is rejected with a :class:`DicomImportError`
whose reason a person understands.
"""

from __future__ import annotations

import functools
import math
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import BytesLengthException, InvalidDicomError
from pydicom.pixels.decoders.base import get_decoder
from pydicom.sequence import Sequence
from pydicom.tag import BaseTag, Tag
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    MediaStorageDirectoryStorage,
)

from core.dicom.quality import is_lossy_image
from core.dicom.rawheader import NotFast, RawDataset, read_raw_dataset, wanted_tags
from core.dicom.sources import FileRef
from core.errors import DicomImportError, NotDicomError

# The header fields the workstation uses. Reading stops before the pixel data; values are
# converted only for these tags (pydicom reads every element lazily, as raw bytes).
HEADER_TAGS = (
    "SOPClassUID", "SOPInstanceUID", "Modality", "PatientID", "StudyInstanceUID", "StudyDate",
    "StudyTime", "StudyDescription", "SeriesInstanceUID", "SeriesNumber", "SeriesDescription",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness",
    "Rows", "Columns", "AcquisitionTime", "ContentTime", "SeriesTime", "ContrastBolusAgent",
    "ContrastBolusStartTime", "TemporalPositionIdentifier", "NumberOfTemporalPositions",
    "TriggerTime", "InstanceNumber", "WindowCenter", "WindowWidth", "Manufacturer",
    "AcquisitionNumber", "AcquisitionDateTime", "ImageType", "FrameOfReferenceUID",
    "NumberOfFrames", "SamplesPerPixel", "PhotometricInterpretation", "BitsAllocated",
    "BitsStored", "PixelRepresentation", "RescaleSlope", "RescaleIntercept",
    "PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence", "ContrastBolusRoute",
    "LossyImageCompression", "LossyImageCompressionRatio", "LossyImageCompressionMethod",
)

# Larger than any CT or MR matrix (1024² is the largest in clinical use); a header that
# claims more is damaged or not a cross-sectional image, and is never allocated.
MAX_MATRIX = 4096
# Decoded voxels of one file (as float32) beyond this are refused before any allocation.
MAX_FILE_VOXEL_BYTES = 2 * 1024**3

NATIVE_SYNTAXES = frozenset({ImplicitVRLittleEndian, ExplicitVRLittleEndian,
                             ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian})

_MODALITY_NAMES = {
    "CR": "computed radiography", "DX": "digital radiography", "US": "ultrasound",
    "NM": "nuclear medicine", "PT": "PET", "OT": "other", "SR": "structured report",
    "SEG": "segmentation", "RTDOSE": "radiotherapy dose", "RTPLAN": "radiotherapy plan",
    "RTSTRUCT": "radiotherapy structures", "ECG": "ECG waveform", "XA": "angiography",
    "MG": "mammography", "SC": "secondary capture", "PR": "presentation state",
    "KO": "key object selection",
}

# The errors pydicom and the standard library raise while parsing a damaged or truncated
# header (ValueError also from the checks here); each means "this file cannot be used".
# TypeError, AttributeError, KeyError and IndexError are not among them: damaged bytes do
# not cause them (tests/core/dicom/test_fuzz.py), bugs do, and a bug must surface.
HEADER_ERRORS = (
    OSError, EOFError, ValueError, struct.error, OverflowError, NotImplementedError,
    RecursionError, zipfile.BadZipFile, BytesLengthException, InvalidDicomError,
)

_TAGS: dict[str, BaseTag] = {keyword: Tag(keyword) for keyword in HEADER_TAGS}
_KEYWORDS: dict[int, str] = {int(tag): keyword for keyword, tag in _TAGS.items()}
_WANTED_TAGS = wanted_tags(HEADER_TAGS)
# Values of these VRs are ASCII or fixed binary: converted here straight from the raw bytes,
# which is several times faster than pydicom's general conversion (the scan's hot path).
# Text VRs (LO, SH, PN...) go through pydicom, which applies SpecificCharacterSet.
_ASCII_VRS = frozenset({"UI", "CS", "DS", "IS", "DA", "TM", "DT", "AS"})
_BINARY_VRS = {"US": "H", "SS": "h", "UL": "L", "SL": "l", "FL": "f", "FD": "d"}
_TEXT_VRS = frozenset({"LO", "SH", "LT", "ST", "UT"})
_MULTI_TEXT_VRS = frozenset({"LO", "SH"})  # the others may hold a backslash as text
# Single-byte and UTF-8 character sets decoded directly; any other goes through pydicom.
_CODECS = {"": "latin-1", "ISO_IR 6": "latin-1", "ISO_IR 100": "latin-1",
           "ISO_IR 192": "utf-8"}
_CHARSET_TAG = Tag("SpecificCharacterSet")

_PIXEL_DATA_TAG_LE = b"\xe0\x7f\x10\x00"
_PIXEL_DATA_TAG_BE = b"\x7f\xe0\x00\x10"
# (7FE0,0008) Float Pixel Data and (7FE0,0009) Double Float Pixel Data, either byte order.
_FLOAT_PIXEL_TAGS = (b"\xe0\x7f\x08\x00", b"\xe0\x7f\x09\x00", b"\x7f\xe0\x00\x08",
                     b"\x7f\xe0\x00\x09")


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """The header of one image (one frame of a multi-frame object), as plain values.

    ``pixel_data_offset`` is where the value of the PixelData element starts in a file on
    disk: the pixels themselves when uncompressed (read straight into an array), the Basic
    Offset Table item when encapsulated (handed to the decoder without parsing the header
    again); ``None`` for zip members and deflated files, which go through pydicom.
    """

    path: Path
    sop_instance_uid: str
    modality: str
    patient_id: str
    study_instance_uid: str
    study_date: str
    series_instance_uid: str
    series_number: int | None
    series_description: str
    position: tuple[float, float, float] | None
    orientation: tuple[float, ...] | None
    pixel_spacing: tuple[float, float] | None
    rows: int
    columns: int
    acquisition_time: str
    contrast_agent: str
    contrast_start_time: str
    temporal_position: int | None
    window: tuple[float, float] | None
    member: str | None = None
    frame_index: int | None = None  # 0-based frame of a multi-frame object
    number_of_frames: int = 1
    sop_class_uid: str = ""
    transfer_syntax_uid: str = ""
    photometric_interpretation: str = "MONOCHROME2"
    bits_allocated: int = 16
    bits_stored: int = 16
    pixel_representation: int = 0
    is_little_endian: bool = True
    rescale_slope: float = 1.0
    rescale_intercept: float = 0.0
    instance_number: int | None = None
    acquisition_number: int | None = None
    trigger_time_ms: float | None = None
    slice_thickness_mm: float | None = None
    manufacturer: str = ""
    series_time: str = ""
    pixel_data_offset: int | None = None
    contrast_route: str = ""
    image_type: tuple[str, ...] = ()
    # Lossy Image Compression (0028,2110) as recorded ("00", "01", or "" when absent), with
    # its ratios (0028,2112) and methods (0028,2114), in the order they were applied.
    lossy_image_compression: str = ""
    lossy_compression_ratios: tuple[float, ...] = ()
    lossy_compression_methods: tuple[str, ...] = ()
    # True when the pixels are, were or may be lossy compressed (PS3.3 C.7.6.1.1.5; see
    # core.dicom.quality.is_lossy_image): a caliper drawn on them measures degraded pixels.
    is_lossy: bool = False
    # False when RescaleSlope or RescaleIntercept is missing (or no number), at the top
    # level or in the frame's Pixel Value Transformation: 1 and 0 are assumed then.
    has_rescale: bool = True

    @property
    def is_enhanced(self) -> bool:
        """True when the header records intravenous contrast (an agent, or an IV route)."""
        route = self.contrast_route.upper()
        words = route.replace("&", " ").replace("/", " ").replace(",", " ").split()
        return bool(self.contrast_agent) or "IV" in words or "INTRAVENOUS" in route

    @property
    def ref(self) -> FileRef:
        """The file (or zip member) this header was read from."""
        return FileRef(self.path, self.member)

    @property
    def display_path(self) -> Path:
        """The path to show a person (``archive.zip/member`` for a zip member)."""
        return self.ref.display_path

    @property
    def frame_number(self) -> int | None:
        """DICOM's 1-based frame number (ReferencedFrameNumber), or None for single-frame."""
        return None if self.frame_index is None else self.frame_index + 1

    @property
    def frame_bytes(self) -> int:
        """Bytes of one uncompressed frame."""
        return self.rows * self.columns * self.bits_allocated // 8


def read_header(path: Path) -> ImageHeader:
    """Read the header of the image file *path* (its first frame if it has several).

    Raises
    ------
    DicomImportError
        If the file is not a usable CT or MR image; the reason says why.
    """
    return read_headers(FileRef(Path(path)))[0]


def read_headers(ref: FileRef) -> tuple[ImageHeader, ...]:
    """Read the header of *ref*: one :class:`ImageHeader` per frame.

    The common file (explicit VR little endian, see :mod:`core.dicom.rawheader`) is parsed
    without pydicom, several times faster; every other file, and every value that needs
    pydicom's conversion, goes through pydicom. Both give the same headers.

    Raises
    ------
    DicomImportError
        If the file is not a usable CT or MR image; the reason says why.
    """
    headers = _read_headers(ref)
    assert headers is not None  # only None when asked for the fast path alone
    return headers


def _read_headers(ref: FileRef, *, fast: bool = True,
                  slow: bool = True) -> tuple[ImageHeader, ...] | None:
    """:func:`read_headers` through the fast path, pydicom, or both (the default).

    With ``slow`` False, None when the fast path declines the file (tests compare paths).
    """
    where = ref.display_path
    try:
        with ref.open() as fp:
            size = fp.seek(0, 2)
            fp.seek(0)
            if size == 0:
                raise DicomImportError(where, "empty file (0 bytes)")
            found = _read_fast(fp, ref, size) if fast else None
            if found is not None or not slow:
                return found
            fp.seek(0)
            ds = _read_dataset(fp, where)
            stop = fp.tell()
            element = fp.read(12)
            fragments = count_fragments(fp, size) if _is_encapsulated(element) else None
        return _headers(ds, ref, stop, element, size, fragments)
    except DicomImportError:
        raise
    except RecursionError:
        raise DicomImportError(where, "unreadable DICOM header (nested too deeply)") from None
    except zlib.error:
        raise DicomImportError(where, "the deflated data set cannot be inflated (truncated or "
                                      "damaged file)") from None
    except (PermissionError, FileNotFoundError, IsADirectoryError) as exc:
        raise DicomImportError(where, f"the file cannot be opened ({exc.strerror or exc})") \
            from None
    except HEADER_ERRORS as exc:
        raise DicomImportError(where, f"unreadable DICOM header ({_short(exc)})") from None


def _read_fast(fp: BinaryIO, ref: FileRef, size: int) -> tuple[ImageHeader, ...] | None:
    """The headers read through :mod:`core.dicom.rawheader`, or None if pydicom must read.

    The values are converted by the same code as pydicom's elements, so both paths give
    the same headers and the same reasons for rejecting a file.
    """
    raw = read_raw_dataset(fp, size, _WANTED_TAGS)
    if raw is None:
        return None
    try:
        fragments = None
        if _is_encapsulated(raw.element):
            fp.seek(raw.stop + 12)
            fragments = count_fragments(fp, size)
        return _headers(raw, ref, raw.stop, raw.element, size, fragments)
    except NotFast:
        return None


@contextmanager
def pydicom_warnings_ignored() -> Iterator[None]:
    """Silence the warnings pydicom gives for every small deviation of real exports.

    They are tolerated deviations, not news for the reader. ``warnings.catch_warnings``
    changes process-wide state and is not thread-safe, so callers enter this once, in the
    thread that starts the work (``scan``, ``load_volume``), never in pool threads.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _read_dataset(fp: BinaryIO, where: Path) -> Dataset:
    try:
        # All tags, not specific_tags: pydicom reads values lazily either way, and filtering
        # by tag made header reads slower (0.36 against 0.28 ms per file, measured).
        return pydicom.dcmread(fp, stop_before_pixels=True)
    except InvalidDicomError:
        pass
    # Some exports write no 128-byte preamble, starting with the file meta (group 0002) or
    # even the bare data set (group 0008): accept files that start like that, nothing else.
    fp.seek(0)
    start = fp.read(2)
    if start not in (b"\x02\x00", b"\x08\x00"):
        raise NotDicomError(where, "not a DICOM file (no DICM preamble)")
    fp.seek(0)
    return pydicom.dcmread(fp, stop_before_pixels=True, force=True)


class _Values:
    """The header values of one data set, each converted once (see :func:`_value`)."""

    __slots__ = ("_cache", "ds")

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self._cache: dict[str, object] = {}

    def __call__(self, keyword: str) -> object:
        cache = self._cache
        if keyword in cache:
            return cache[keyword]
        value = cache[keyword] = _value(self.ds, keyword)
        return value


class _RawValues(_Values):
    """:class:`_Values` of a :class:`RawDataset` (the fast path).

    Every element the file holds is converted up front, in one loop: cheaper than a
    conversion per keyword asked for, the scan's hot path. A value only pydicom can convert
    is kept as ``_BY_PYDICOM`` and raises :class:`NotFast` only when asked for, as before.
    """

    __slots__ = ()

    def __init__(self, ds: RawDataset) -> None:
        self._cache = _raw_values(ds)  # every value now: no data set is kept

    def __call__(self, keyword: str) -> object:
        value = self._cache.get(keyword)
        if value is _BY_PYDICOM:
            raise NotFast(keyword)
        return value


def _raw_values(ds: RawDataset) -> dict[str, object]:
    """The header values of *ds* by keyword, each as :func:`_convert` gives it.

    The common cases of :func:`_convert` are inlined (a function call per element costs as
    much as the conversion), and the character set is looked up once, not per text value.
    """
    values: dict[str, object] = {}
    keywords = _KEYWORDS
    codec = _codec(ds)
    for tag, (vr, raw) in ds.elements.items():
        keyword = keywords.get(tag)
        if keyword is None:
            continue  # Specific Character Set, read by _codec
        if raw is None:
            values[keyword] = _convert(vr, raw, True, ds)
        elif vr in _ASCII_VRS:
            text = raw.decode("ascii", errors="replace").strip(" \x00")
            values[keyword] = text if "\\" not in text else _split(text)
        elif vr == "US" and len(raw) == 2:
            values[keyword] = raw[0] | raw[1] << 8
        elif vr in _TEXT_VRS and codec is not None:
            text = raw.decode(codec, errors="replace").strip(" \x00")
            values[keyword] = _split(text) if vr in _MULTI_TEXT_VRS and "\\" in text else text
        else:
            values[keyword] = _convert(vr, raw, True, ds)
    return values


def _headers(ds: Dataset | RawDataset, ref: FileRef, stop: int, element: bytes, size: int,
             fragments: int | None = None) -> tuple[ImageHeader, ...]:
    where = ref.display_path
    v = _RawValues(ds) if isinstance(ds, RawDataset) else _Values(ds)
    meta = getattr(ds, "file_meta", None)
    if meta is not None and meta.get("MediaStorageSOPClassUID") == MediaStorageDirectoryStorage:
        raise DicomImportError(where, "a DICOMDIR index, not an image: its images are scanned "
                                      "when it is named DICOMDIR")
    if "SOPInstanceUID" not in ds or "SeriesInstanceUID" not in ds:
        if not element:
            raise DicomImportError(where, "the file ends inside its DICOM header (truncated)")
        raise DicomImportError(where, "no SOP or series instance UID: not an image object")
    modality = str(v("Modality") or "")
    if not v("Rows") or not v("Columns"):
        kind = f" ({modality}, {_MODALITY_NAMES[modality]})" if modality in _MODALITY_NAMES \
            else ""
        raise DicomImportError(where, f"not an image (no Rows/Columns){kind}")
    _check_modality(v, modality, where)
    transfer_syntax = _transfer_syntax(ds)
    matrix = _check_pixels_usable(v, transfer_syntax, where)
    offset = _check_pixel_data_present(matrix, transfer_syntax, stop, element, size, where,
                                       is_zip=ref.member is not None)
    _check_fragments(matrix, transfer_syntax, fragments, where)
    base = _base_header(v, matrix, ref, modality, transfer_syntax, offset)
    if matrix.frames == 1 and "PerFrameFunctionalGroupsSequence" not in ds:
        return (base,)
    return _frame_headers(ds, v, base, matrix.frames)  # type: ignore[arg-type]  # RawDataset: NotFast


def _check_modality(v: _Values, modality: str, where: Path) -> None:
    if modality not in ("CT", "MR"):
        name = _MODALITY_NAMES.get(modality, "")
        what = f"modality {modality} ({name})" if name else (
            f"modality {modality}" if modality else "no Modality")
        raise DicomImportError(where, f"{what}: only CT and MR images are read")
    photometric = str((v("PhotometricInterpretation") or "MONOCHROME2") or "MONOCHROME2")
    samples = _int(v("SamplesPerPixel")) or 1
    if samples != 1 or photometric not in ("MONOCHROME1", "MONOCHROME2"):
        raise DicomImportError(where, f"colour image ({photometric}): CT and MR images are "
                                      "grey-scale")


def _transfer_syntax(ds: Dataset | RawDataset) -> UID:
    meta = getattr(ds, "file_meta", None)
    uid = meta.get("TransferSyntaxUID") if meta is not None else None
    if uid:
        return _uid(str(uid))
    implicit, little = getattr(ds, "original_encoding", (True, True))
    if not little:
        return ExplicitVRBigEndian
    return ImplicitVRLittleEndian if implicit else ExplicitVRLittleEndian


@functools.lru_cache(maxsize=64)
def _uid(text: str) -> UID:
    return UID(text)


class _Matrix(NamedTuple):
    """The pixel matrix a header declares, converted and checked once for every later step."""

    rows: int
    columns: int
    frames: int
    bits: int  # BitsAllocated: 8, 16 or 32


def _check_pixels_usable(v: _Values, transfer_syntax: UID, where: Path) -> _Matrix:
    """Check that the pixels can be allocated and decoded; the matrix they form."""
    rows, columns = _required_int(v, "Rows"), _required_int(v, "Columns")
    frames = _int(v("NumberOfFrames")) or 1
    bits = _int(v("BitsAllocated")) or 0
    if rows > MAX_MATRIX or columns > MAX_MATRIX:
        raise DicomImportError(where, f"{rows} × {columns} pixels is larger than any CT or MR "
                                      f"image (at most {MAX_MATRIX} × {MAX_MATRIX} are read)")
    if rows * columns * frames * 4 > MAX_FILE_VOXEL_BYTES:
        raise DicomImportError(where, f"{frames} frames of {rows} × {columns} pixels would need "
                                      f"{rows * columns * frames * 4 / 1024**3:.1f} GiB: refused")
    if bits not in (8, 16, 32):
        raise DicomImportError(where, f"BitsAllocated {bits} is not a CT or MR pixel size "
                                      "(8, 16 or 32)")
    matrix = _Matrix(rows, columns, frames, bits)
    if transfer_syntax in NATIVE_SYNTAXES:
        return matrix
    try:
        decoder = get_decoder(transfer_syntax)
    except NotImplementedError:
        raise DicomImportError(where, f"transfer syntax {_syntax_name(transfer_syntax)} is not "
                                      "an image compression this workstation reads") from None
    if not decoder.is_available:
        raise DicomImportError(where, f"no decoder installed for {_syntax_name(transfer_syntax)}"
                                      " (install pylibjpeg and its plugins, or python-gdcm)")
    return matrix


def _syntax_name(uid: UID) -> str:
    return f"{uid.name} ({uid})" if uid.is_transfer_syntax else str(uid)


def _check_pixel_data_present(matrix: _Matrix, transfer_syntax: UID, stop: int, element: bytes,
                              size: int, where: Path, *, is_zip: bool) -> int | None:
    """Check the PixelData element against the header; the offset of its value on disk."""
    if transfer_syntax == DeflatedExplicitVRLittleEndian:
        return None  # the element is inside the deflated stream: the decoder checks it
    little = transfer_syntax != ExplicitVRBigEndian
    tag = _PIXEL_DATA_TAG_LE if little else _PIXEL_DATA_TAG_BE
    if len(element) >= 4 and element[:4] in _FLOAT_PIXEL_TAGS:
        raise DicomImportError(where, "floating-point pixel data (a parametric map, not a CT "
                                      "or MR image as acquired)")
    # The element header: tag and 4-byte length (implicit VR), or tag, VR, 2 reserved bytes
    # and a 4-byte length (explicit VR OB/OW, PS3.5 §7.1.2).
    header_len = 8 if transfer_syntax == ImplicitVRLittleEndian else 12
    if len(element) < header_len or element[:4] != tag:
        raise DicomImportError(where, "no pixel data in the file (header only, or truncated "
                                      "before the image)")
    (length,) = struct.unpack(("<" if little else ">") + "L",
                              element[header_len - 4:header_len])
    if transfer_syntax not in NATIVE_SYNTAXES:
        # Encapsulated fragments (only the decoder can tell if they are complete).
        return None if is_zip or length != 0xFFFFFFFF else stop + header_len
    expected = _check_native_length(matrix, length, where)
    available = size - stop - header_len
    if available < expected:
        raise DicomImportError(where, f"header promises {expected:,} bytes of pixel data but the "
                                      f"file holds only {max(available, 0):,} (truncated file)")
    return None if is_zip else stop + header_len


def _check_native_length(matrix: _Matrix, length: int, where: Path) -> int:
    """The bytes of uncompressed pixel data the matrix needs, if the element's length fits.

    Shorter data cannot fill the image. Longer data (beyond the padding byte of an odd
    length) means Rows, Columns, BitsAllocated or NumberOfFrames is wrong: an image read
    from it would be sheared, or mixed with another.
    """
    rows, columns, frames, bits = matrix
    expected = rows * columns * frames * bits // 8
    if length == 0xFFFFFFFF or expected <= length <= _padded(expected):
        return expected  # an undefined length is checked against the file's size instead
    reason = (f"pixel data element holds {length:,} bytes but the header declares "
              f"{expected:,} ({frames} × {rows} × {columns} × {bits} bit)")
    if length > expected:
        reason += ": more than the image needs, so its size in the header is wrong"
    raise DicomImportError(where, reason)


def _padded(n_bytes: int) -> int:
    """*n_bytes* of pixel data padded to even length, as every value is (PS3.5 §8.1.1)."""
    return n_bytes + n_bytes % 2


# Encapsulated pixel data (PS3.5 A.4): an undefined-length OB element holding items
# (FFFE,E000), the first the Basic Offset Table, ended by a delimiter (FFFE,E0DD).
_ITEM_TAG = b"\xfe\xff\x00\xe0"
_DELIMITER_TAG = b"\xfe\xff\xdd\xe0"
_MAX_ITEMS = 1_000_000
TRUNCATED = -1


def _is_encapsulated(element: bytes) -> bool:
    return (len(element) == 12 and element[:4] == _PIXEL_DATA_TAG_LE
            and element[8:12] == b"\xff\xff\xff\xff")


def count_fragments(fp: BinaryIO, size: int) -> int:
    """Fragments after the offset table, or TRUNCATED if the items run past the file end.

    Only item headers are read (8 bytes each, then a seek): the check costs microseconds.
    """
    fragments = -1  # the first item is the Basic Offset Table
    for _ in range(_MAX_ITEMS):
        item = fp.read(8)
        if len(item) < 8:
            return TRUNCATED
        if item[:4] == _DELIMITER_TAG:
            return max(fragments, 0)
        if item[:4] != _ITEM_TAG:
            return TRUNCATED
        (length,) = struct.unpack("<L", item[4:])
        if fp.tell() + length > size:
            return TRUNCATED
        fp.seek(length, 1)
        fragments += 1
    return max(fragments, 0)


def code_stream_head(fp: BinaryIO, max_bytes: int = 4096) -> bytes:
    """The first bytes of the first fragment after the offset table, read from *fp*'s
    position (the PixelData value); b"" when the items are not as PS3.5 A.4 lays them out.

    Where a code stream describes its samples (JPEG 2000 SIZ, the JPEG and JPEG-LS frame
    header), a few hundred bytes in at most.
    """
    item = fp.read(8)
    if len(item) < 8 or item[:4] != _ITEM_TAG:
        return b""
    fp.seek(struct.unpack("<L", item[4:])[0], 1)
    item = fp.read(8)
    if len(item) < 8 or item[:4] != _ITEM_TAG:
        return b""
    return fp.read(min(struct.unpack("<L", item[4:])[0], max_bytes))


def _check_fragments(matrix: _Matrix, transfer_syntax: UID, fragments: int | None,
                     where: Path) -> None:
    """Compressed data must hold at least one fragment per frame the header declares."""
    if fragments is None or transfer_syntax in NATIVE_SYNTAXES:
        return
    if fragments == TRUNCATED:
        raise DicomImportError(where, "compressed pixel data ends before its last fragment "
                                      "(truncated file)")
    frames = matrix.frames
    if fragments < frames:
        raise DicomImportError(where, f"header declares {frames} frames but the compressed "
                                      f"pixel data holds only {fragments} fragment(s)")


def _base_header(v: _Values, matrix: _Matrix, ref: FileRef, modality: str, transfer_syntax: UID,
                 offset: int | None) -> ImageHeader:
    centre = _number(_first(v("WindowCenter")))
    width = _number(_first(v("WindowWidth")))
    lossy = str(_first(v("LossyImageCompression")) or "").strip()
    slope, intercept = _number(v("RescaleSlope")), _number(v("RescaleIntercept"))
    return ImageHeader(
        path=ref.path,
        member=ref.member,
        sop_instance_uid=str(v("SOPInstanceUID")),
        sop_class_uid=str(v("SOPClassUID")),
        modality=modality,
        patient_id=str(v("PatientID") or ""),
        study_instance_uid=str(v("StudyInstanceUID") or ""),
        study_date=str(v("StudyDate") or ""),
        series_instance_uid=str(v("SeriesInstanceUID")),
        series_number=_int(v("SeriesNumber")),
        series_description=str(v("SeriesDescription") or ""),
        position=_point(v("ImagePositionPatient")),
        orientation=_orientation(v("ImageOrientationPatient")),
        pixel_spacing=_spacing(v("PixelSpacing")),
        rows=matrix.rows,
        columns=matrix.columns,
        acquisition_time=_time(v),
        contrast_agent=str(v("ContrastBolusAgent") or ""),
        contrast_start_time=str(v("ContrastBolusStartTime") or ""),
        temporal_position=_int(v("TemporalPositionIdentifier")),
        window=(centre, width) if centre is not None and width else None,
        number_of_frames=matrix.frames,
        transfer_syntax_uid=str(transfer_syntax),
        photometric_interpretation=str(v("PhotometricInterpretation") or "MONOCHROME2"),
        bits_allocated=matrix.bits,
        bits_stored=_int(v("BitsStored")) or matrix.bits,
        pixel_representation=_int(v("PixelRepresentation")) or 0,
        is_little_endian=transfer_syntax != ExplicitVRBigEndian,
        rescale_slope=1.0 if slope is None else slope,
        rescale_intercept=0.0 if intercept is None else intercept,
        has_rescale=slope is not None and intercept is not None,
        instance_number=_int(v("InstanceNumber")),
        acquisition_number=_int(v("AcquisitionNumber")),
        trigger_time_ms=_number(v("TriggerTime")),
        slice_thickness_mm=_number(v("SliceThickness")),
        manufacturer=str(v("Manufacturer") or ""),
        series_time=str(v("SeriesTime") or ""),
        pixel_data_offset=offset,
        contrast_route=str(v("ContrastBolusRoute") or ""),
        image_type=_strings(v("ImageType")),
        lossy_image_compression=lossy,
        lossy_compression_ratios=_numbers(v("LossyImageCompressionRatio")),
        lossy_compression_methods=_strings(v("LossyImageCompressionMethod")),
        is_lossy=is_lossy_image(lossy, transfer_syntax),
    )


def _frame_headers(ds: Dataset, v: _Values, base: ImageHeader,
                   frames: int) -> tuple[ImageHeader, ...]:
    """One header per frame, geometry from the per-frame then the shared functional groups.

    A legacy multi-frame object without functional groups has one position for all its
    frames: they keep the file's orientation and spacing but no position of their own.
    """
    shared = _first_item(ds, "SharedFunctionalGroupsSequence")
    per_frame = _items(ds, "PerFrameFunctionalGroupsSequence")
    # Which of slope and intercept the top level gives (a frame's groups may give the other).
    top = _RescaleFound(_number(v("RescaleSlope")) is not None,
                        _number(v("RescaleIntercept")) is not None)
    out = []
    for index in range(frames):
        item = per_frame[index] if index < len(per_frame) else None
        groups = [g for g in (item, shared) if g is not None]
        out.append(replace(base, frame_index=index,
                           **_frame_values(groups, base, index, top)))
    return tuple(out)


class _RescaleFound(NamedTuple):
    """Whether RescaleSlope and RescaleIntercept were found (as numbers)."""

    slope: bool
    intercept: bool


def _frame_values(groups: list[Dataset], base: ImageHeader, index: int,
                  top: _RescaleFound) -> dict[str, Any]:
    def find(sequence: str, keyword: str) -> object:
        for group in groups:
            inner = _first_item(group, sequence)
            if inner is not None and keyword in inner:
                return inner.get(keyword)
        return None

    if not groups:
        return {"position": base.position if index == 0 else None}
    content = _first_item(groups[0], "FrameContentSequence")
    slope = _number(find("PixelValueTransformationSequence", "RescaleSlope"))
    intercept = _number(find("PixelValueTransformationSequence", "RescaleIntercept"))
    values: dict[str, Any] = {
        "position": _point(find("PlanePositionSequence", "ImagePositionPatient")),
        "orientation": _pick(_orientation(find("PlaneOrientationSequence",
                                               "ImageOrientationPatient")), base.orientation),
        "pixel_spacing": _pick(_spacing(find("PixelMeasuresSequence", "PixelSpacing")),
                               base.pixel_spacing),
        "slice_thickness_mm": _pick(_number(find("PixelMeasuresSequence", "SliceThickness")),
                                    base.slice_thickness_mm),
        "rescale_slope": _pick(slope, base.rescale_slope),
        "rescale_intercept": _pick(intercept, base.rescale_intercept),
        "has_rescale": (slope is not None or top.slope) and (intercept is not None
                                                              or top.intercept),
        "trigger_time_ms": _pick(_number(find("CardiacSynchronizationSequence",
                                              "NominalCardiacTriggerDelayTime")),
                                 base.trigger_time_ms),
    }
    if content is not None:
        temporal = _int(content.get("TemporalPositionIndex"))
        values["temporal_position"] = temporal if temporal is not None else \
            base.temporal_position
        acquired = str(content.get("FrameAcquisitionDateTime", "") or "")
        if len(acquired) >= 14:
            values["acquisition_time"] = acquired[8:]
    return values


def _pick(value: object, default: object) -> object:
    return default if value is None else value


def _items(ds: Dataset, keyword: str) -> Sequence | list[Dataset]:
    """The items of the sequence *keyword* (none when absent or empty).

    Raises ValueError (a header error) when the element holds something else: a damaged
    header, whose frames' geometry cannot be trusted.
    """
    value = ds.get(keyword)
    if isinstance(value, Sequence):
        return value
    if not value:
        return []
    raise ValueError(f"{keyword} is not a sequence of items")


def _first_item(ds: Dataset, keyword: str) -> Dataset | None:
    items = _items(ds, keyword)
    return items[0] if items else None


def _time(v: _Values) -> str:
    for keyword in ("AcquisitionTime", "ContentTime"):
        value = str(v(keyword) or "")
        if value:
            return value
    stamp = str(v("AcquisitionDateTime") or "")
    return stamp[8:] if len(stamp) >= 14 else ""


def _value(ds: Dataset, keyword: str) -> object:
    """The value of *keyword* in *ds*, decoded from the raw bytes when that is safe."""
    tag = _TAGS[keyword]
    element = ds.get_item(tag)
    if element is None:
        return None
    if not isinstance(element, RawDataElement):
        return ds.get(keyword)
    value = _convert(element.VR or dictionary_VR(tag), element.value,
                     element.is_little_endian, ds)
    return ds.get(keyword) if value is _BY_PYDICOM else value


# What _convert returns for a value only pydicom's conversion can give.
_BY_PYDICOM = object()


def _convert(vr: str, raw: bytes | None, little: bool, ds: Dataset | RawDataset) -> object:
    """A raw value of an ASCII, text or binary VR as a plain value, or ``_BY_PYDICOM``."""
    if raw is None:
        # An empty numeric or binary value (pydicom's reader holds None): pydicom's
        # conversion gives None too.
        return None if vr in _ASCII_VRS or vr in _BINARY_VRS else _BY_PYDICOM
    if vr in _ASCII_VRS:
        text = raw.decode("ascii", errors="replace").strip(" \x00")
        return text if "\\" not in text else _split(text)
    if vr in _TEXT_VRS and (codec := _codec(ds)) is not None:
        text = raw.decode(codec, errors="replace").strip(" \x00")
        return _split(text) if vr in _MULTI_TEXT_VRS and "\\" in text else text
    if vr in _BINARY_VRS:
        code = _BINARY_VRS[vr]
        count = len(raw) // struct.calcsize(code)
        order = "<" if little else ">"
        values = struct.unpack(f"{order}{count}{code}", raw[: count * struct.calcsize(code)])
        return values[0] if count == 1 else list(values) if values else None
    return _BY_PYDICOM


def _split(text: str) -> list[str]:
    """The values of a multi-valued text, as pydicom splits them."""
    return [p.strip(" \x00") for p in text.split("\\")]


def _codec(ds: Dataset | RawDataset) -> str | None:
    if isinstance(ds, RawDataset):
        item = ds.elements.get(0x00080005)
        value: object = None if item is None else item[1]
        if item is None:
            return _CODECS[""]
    else:
        element = ds.get_item(_CHARSET_TAG)
        if element is None:
            return _CODECS[""]
        value = element.value
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace").strip(" \x00")
    return _CODECS.get(value) if isinstance(value, str) else None


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, _SEQUENCES) else [value]
    return tuple(str(v).strip().upper() for v in values)


def _required_int(v: _Values, keyword: str) -> int:
    """An integer the header must have; ValueError (a header error) when it has not."""
    number = _int(v(keyword))
    if number is None:
        raise ValueError(f"{keyword} is missing or not a number")
    return number


# isinstance with a tuple, not a union type: several times faster (Python 3.11), and these
# run for every value of every file.
_SCALARS = (str, int, float)
_REALS = (str, bytes, int, float)  # what float() converts
_SEQUENCES = (list, tuple, pydicom.multival.MultiValue)
# Integers a float holds exactly: int(float(n)) == n.
_EXACT_INT = 2**53


def _first(value: object) -> object:
    if value is None or isinstance(value, _SCALARS):  # the common case, first
        return value
    if isinstance(value, _SEQUENCES):
        return value[0] if value else None
    return value


def _number(value: object) -> float | None:
    # Numbers come as text (DS, IS), int or float (binary VRs; pydicom's DSfloat and IS);
    # any other value (an element of another VR in a damaged header) is no number.
    if not isinstance(value, _REALS):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):  # not a number; an IS beyond a float's range
        return None
    return number if math.isfinite(number) else None


def _numbers(value: object) -> tuple[float, ...]:
    """The numbers among the values of a (multi-valued) numeric element."""
    values = value if isinstance(value, _SEQUENCES) else (value,)
    return tuple(n for n in map(_number, values) if n is not None)


def _int(value: object) -> int | None:
    if type(value) is int and -_EXACT_INT <= value <= _EXACT_INT:
        return value  # a binary value (US...): what the float round trip below gives
    number = _number(_first(value))
    return int(number) if number is not None else None


def _floats(value: object, n: int) -> tuple[float, ...] | None:
    if not isinstance(value, _SEQUENCES) or len(value) != n \
            or not all(isinstance(v, _REALS) for v in value):
        return None
    try:
        numbers = tuple(map(float, value))
    except (ValueError, OverflowError):
        return None
    if not all(map(math.isfinite, numbers)):
        return None
    return numbers


def _point(value: object) -> tuple[float, float, float] | None:
    numbers = _floats(value, 3)
    return None if numbers is None else (numbers[0], numbers[1], numbers[2])


def _orientation(value: object) -> tuple[float, ...] | None:
    numbers = _floats(value, 6)
    if numbers is None:
        return None
    # Direction cosines must be unit vectors; anything else cannot place a slice.
    unit = abs(math.hypot(*numbers[:3]) - 1) < 0.01 and abs(math.hypot(*numbers[3:]) - 1) < 0.01
    return numbers if unit else None


def _spacing(value: object) -> tuple[float, float] | None:
    numbers = _floats(value, 2)
    if numbers is None or min(numbers) <= 0:
        return None
    return numbers[0], numbers[1]
