"""A fast path for reading the header of the common DICOM file, without pydicom's parser.

Almost every CT and MR image a site exports is a Part 10 file (preamble, ``DICM``, file
meta) whose data set is explicit VR little endian: uncompressed, or with encapsulated
(compressed) pixel data. For those files the data set is walked here with ``struct``, from
the first few KiB of the file, keeping the raw bytes of the elements the workstation uses.
The result, :class:`RawDataset`, holds exactly the :class:`~pydicom.dataelem.RawDataElement`
values pydicom's own reader would hold for those tags, so the header code converts them with
the same functions either way.

Anything this parser does not recognise as plain — no preamble, implicit VR, big endian,
deflated, a command set, an invalid VR, an undefined-length element other than a
well-formed sequence, an element running past the end of the file, no pixel data, a
character set other than ASCII, Latin-1 or UTF-8 — makes :func:`read_raw_dataset` return
None, and the caller reads the file with pydicom as before. A value the header code would
ask pydicom to convert raises :class:`NotFast` for the same reason.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from typing import BinaryIO

from pydicom import uid as pydicom_uid
from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import RawDataElement, empty_value_for_VR
from pydicom.tag import BaseTag, Tag
from pydicom.valuerep import EXPLICIT_VR_LENGTH_32, VR

# The first read; most headers (even with private groups) end within it.
FIRST_READ = 16 * 1024
# A header longer than this (with large private elements, say) goes to pydicom.
MAX_HEADER_BYTES = 4 * 1024**2

_ELEMENT = struct.Struct("<HH2sH")
_LENGTH = struct.Struct("<L")
_ITEM = struct.Struct("<HHL")
_UNDEFINED = 0xFFFFFFFF
_VALID_VRS = frozenset(vr.value.encode("ascii") for vr in VR if len(vr.value) == 2)
_VR_TEXT = {vr: vr.decode("ascii") for vr in _VALID_VRS}
_LONG_VRS = frozenset(vr.encode("ascii") for vr in EXPLICIT_VR_LENGTH_32)
# Bytes before the value: tag, VR and a 2-byte length, or tag, VR, 2 reserved, 4-byte length.
_HEADER_SIZES = {vr: 12 if vr in _LONG_VRS else 8 for vr in _VALID_VRS}
_SQ = b"SQ"
_PIXEL_DATA = 0x7FE00010
_CHARSET = 0x00080005
# pydicom reads these transfer syntaxes as something other than explicit VR little endian.
_NOT_EXPLICIT_LE = frozenset({
    pydicom_uid.ImplicitVRLittleEndian, pydicom_uid.ExplicitVRBigEndian,
    pydicom_uid.DeflatedExplicitVRLittleEndian,
})


class NotFast(Exception):
    """The file needs pydicom's reader: this parser cannot promise the same values."""


class _NeedMore(Exception):
    """The header runs past the bytes read so far."""

    def __init__(self, end: int) -> None:
        super().__init__(end)
        self.end = end


class RawMeta:
    """The two file meta values the header code asks for, as pydicom would convert them."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, str]) -> None:
        self._values = values

    def get(self, keyword: str, default: object = None) -> object:
        """The value of *keyword* (MediaStorageSOPClassUID or TransferSyntaxUID)."""
        return self._values.get(keyword, default)


class RawDataset:
    """The top-level elements of a header that the workstation reads, as raw elements.

    Quacks like the parts of :class:`pydicom.dataset.Dataset` the header code uses:
    ``get_item``, ``in`` and ``file_meta``. ``get`` (pydicom's conversion of a value)
    raises :class:`NotFast`.
    """

    __slots__ = ("element", "elements", "file_meta", "stop")

    def __init__(self, elements: dict[int, tuple[str, bytes | None]], file_meta: RawMeta,
                 stop: int,
                 element: bytes) -> None:
        self.elements = elements
        self.file_meta = file_meta
        self.stop = stop  # where the PixelData element starts
        self.element = element  # its first 12 bytes

    def get_item(self, tag: int) -> RawDataElement | None:
        """The raw element *tag*, as pydicom's reader would hold it, or None."""
        item = self.elements.get(tag)
        if item is None:
            return None
        vr, value = item
        return RawDataElement(BaseTag(tag), vr, len(value or b""), value, 0, False, True)

    def raw(self, tag: int) -> tuple[str, bytes | None] | None:
        """The VR and raw value of *tag* (the value pydicom's reader would hold), or None."""
        return self.elements.get(tag)

    def __contains__(self, keyword: str) -> bool:
        return tag_for_keyword(keyword) in self.elements

    def get(self, keyword: str, default: object = None) -> object:
        """Never answered here: pydicom's conversion is needed."""
        raise NotFast(keyword)


def wanted_tags(keywords: Iterable[str]) -> frozenset[int]:
    """The tags of *keywords*, and Specific Character Set (needed to decode text)."""
    return frozenset({_CHARSET, *(int(Tag(k)) for k in keywords)})


def read_raw_dataset(fp: BinaryIO, size: int, wanted: frozenset[int]) -> RawDataset | None:
    """The *wanted* elements of the file *fp* (*size* bytes), or None if pydicom must read it.

    *fp* is left at an unspecified position.
    """
    fp.seek(0)
    buf = fp.read(min(FIRST_READ, size))
    while True:
        try:
            return _parse(buf, size, wanted)
        except _NeedMore as more:
            if more.end > min(size, MAX_HEADER_BYTES):
                return None
            want = min(size, MAX_HEADER_BYTES, max(more.end, 2 * len(buf)))
            buf += fp.read(want - len(buf))
            if len(buf) < want:
                return None  # the file shrank while being read
        except NotFast:
            # Whatever this parser does not expect, pydicom reads (and judges). Every read
            # here is bounds-checked first (_NeedMore), so damaged bytes end in NotFast;
            # any other exception is a bug, and goes on up.
            return None


def _parse(buf: bytes, size: int, wanted: frozenset[int]) -> RawDataset:
    if len(buf) < 132:
        raise _NeedMore(132)
    if buf[128:132] != b"DICM":
        raise NotFast("no preamble")
    meta, pos = _file_meta(buf, size)
    syntax = meta.get("TransferSyntaxUID")
    if not syntax or not isinstance(syntax, str) or syntax in _NOT_EXPLICIT_LE \
            or syntax in pydicom_uid.PrivateTransferSyntaxes:
        raise NotFast("transfer syntax")
    elements, stop = _data_set(buf, pos, size, wanted)
    if stop + 12 > len(buf):
        raise _NeedMore(stop + 12)
    charset = elements.get(_CHARSET)
    if charset is not None and charset[1]:
        text = charset[1].decode("latin-1").strip(" \x00")
        if text not in ("ISO_IR 6", "ISO_IR 100", "ISO_IR 192"):
            raise NotFast("character set")
    return RawDataset(elements, meta, stop, buf[stop:stop + 12])


def _element_header(buf: bytes, pos: int, bad_vr: str, *, as_read: Callable[[int], bool]
                    ) -> tuple[int, int, bytes, int, int]:
    """(group, element, VR, value length, header length) of the explicit-VR element at *pos*.

    An element whose group satisfies *as_read* is returned as read, VR unchecked: the caller
    handles it (the end of the file meta, or an item delimiter, which has no VR).
    """
    if pos + 8 > len(buf):
        raise _NeedMore(pos + 8)
    group, elem, vr, length = _ELEMENT.unpack_from(buf, pos)
    if as_read(group):
        return group, elem, vr, length, 8
    if vr not in _VALID_VRS:
        raise NotFast(bad_vr)
    if vr not in _LONG_VRS:
        return group, elem, vr, length, 8
    if pos + 12 > len(buf):
        raise _NeedMore(pos + 12)
    (length,) = _LENGTH.unpack_from(buf, pos + 8)
    return group, elem, vr, length, 12


def _file_meta(buf: bytes, size: int) -> tuple[RawMeta, int]:
    """Group 0002 (always explicit VR little endian), and where the data set starts."""
    pos = 132
    values: dict[str, str] = {}
    while True:
        group, elem, vr, length, header = _element_header(
            buf, pos, "file meta VR", as_read=lambda g: g != 0x0002)
        if group != 0x0002:
            if group == 0x0000 or group == 0xFFFE:
                raise NotFast("command set, or a delimiter after the file meta")
            return RawMeta(values), pos
        if length == _UNDEFINED:
            raise NotFast("undefined length in the file meta")
        end = pos + header + length
        if end > size:
            raise NotFast("file meta past the end of the file")
        if elem in (0x0002, 0x0010):
            if vr != b"UI":
                raise NotFast("file meta UID with another VR")
            if end > len(buf):
                raise _NeedMore(end)
            text = buf[pos + header:end].decode("latin-1").rstrip("\0 ")
            if "\\" in text:
                raise NotFast("several values in a file meta UID")
            keyword = "MediaStorageSOPClassUID" if elem == 0x0002 else "TransferSyntaxUID"
            values[keyword] = text  # compared as pydicom's UID (a str) would be
        pos = end


def _data_set(buf: bytes, pos: int, size: int,
              wanted: frozenset[int]) -> tuple[dict[int, tuple[str, bytes | None]], int]:
    """The wanted top-level elements (VR, raw value), and where PixelData starts.

    The scan's hot loop: one ``unpack_from`` and a few comparisons per element.
    """
    elements: dict[int, tuple[str, bytes | None]] = {}
    unpack, unpack_length = _ELEMENT.unpack_from, _LENGTH.unpack_from
    header_sizes, vr_text = _HEADER_SIZES, _VR_TEXT
    available = len(buf)
    last = min(available, size) - 12  # the last start of a 12-byte element header read here
    while pos <= last:
        group, elem, vr, length = unpack(buf, pos)
        try:
            header = header_sizes[vr]
        except KeyError:
            raise NotFast("invalid VR") from None
        if header == 12:
            (length,) = unpack_length(buf, pos + 8)
            if length == 0xFFFFFFFF:
                if group == 0x7FE0 and elem == 0x0010:
                    return elements, pos  # encapsulated pixel data
                if vr != b"SQ" or not 0x0002 < group < 0x7FE0:
                    raise NotFast("undefined length element")
                start = pos + 12
                pos = _skip_sequence(buf, start, size)
                if group << 16 | elem in wanted:
                    elements[group << 16 | elem] = ("SQ", None)  # pydicom holds a Sequence
                continue
        if not 0x0002 < group < 0x7FE0:
            if group == 0x7FE0 and elem == 0x0010 and header == 12:
                return elements, pos
            raise NotFast("element past the header, or an odd group")  # incl. FFFE
        start = pos + header
        pos = start + length
        if group << 16 | elem in wanted:
            if pos > available:
                if pos > size:
                    raise NotFast("element past the end of the file")
                raise _NeedMore(pos)
            text_vr = vr_text[vr]
            elements[group << 16 | elem] = (text_vr, buf[start:pos] if length
                                            else _empty_raw(text_vr))
    if pos + 12 > size:
        raise NotFast("no pixel data, or an element past the end of the file")
    raise _NeedMore(pos + 12)


def _empty_raw(vr: str) -> bytes | None:
    """What pydicom's reader holds for an empty value of *vr*: b"" or None."""
    value = empty_value_for_VR(vr, raw=True)
    return value if isinstance(value, bytes) else None


def _skip_sequence(buf: bytes, pos: int, size: int) -> int:
    """The end of an undefined-length sequence whose items start at *pos*.

    Every item and element inside must be well-formed explicit VR little endian, so that
    pydicom, which parses such a sequence while reading, ends it at the same byte.
    """
    while True:
        if pos + 8 > len(buf):
            raise _NeedMore(pos + 8)
        group, elem, length = _ITEM.unpack_from(buf, pos)
        if (group, elem) == (0xFFFE, 0xE0DD):
            if length != 0:
                raise NotFast("sequence delimiter with a length")
            return pos + 8
        if (group, elem) != (0xFFFE, 0xE000):
            raise NotFast("not a sequence item")
        if length == _UNDEFINED:
            pos = _skip_item(buf, pos + 8, None, size)
        else:
            end = pos + 8 + length
            if end > size:
                raise NotFast("item past the end of the file")
            pos = _skip_item(buf, pos + 8, end, size)


def _skip_item(buf: bytes, pos: int, end: int | None, size: int) -> int:
    """The end of an item's data set: at *end*, or after its delimiter when *end* is None."""
    while True:
        if end is not None and pos == end:
            return pos
        group, elem, vr, length, header = _element_header(
            buf, pos, "invalid VR in an item", as_read=lambda g: g == 0xFFFE)
        if group == 0xFFFE:
            if end is None and elem == 0xE00D and vr == b"\0\0" and length == 0:
                return pos + 8
            raise NotFast("delimiter inside an item")
        if length == _UNDEFINED:
            if vr != _SQ:
                raise NotFast("undefined length element in an item")
            pos = _skip_sequence(buf, pos + header, size)
        else:
            pos += header + length
        if pos > size or (end is not None and pos > end):
            raise NotFast("element past the end of its item")
