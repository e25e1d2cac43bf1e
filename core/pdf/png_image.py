"""A PNG placed in the PDF as it is: its compressed pixels become the image's stream.

A PNG's IDAT data is a zlib stream of scanlines, each behind its PNG filter byte; PDF's
FlateDecode with ``/Predictor 15`` reads exactly that (PDF 32000-1 §7.4.4.4), so an 8-bit
grey or RGB PNG that is not interlaced needs neither decoding nor compressing again.
reportlab's own image path decodes every PNG to raw pixels and deflates them anew: ~50 ms
for a 512 x 512 key image, where this takes well under one, and the PDF carries the
reading station's own bytes. Any other PNG (a palette, an alpha channel, 16 bits,
interlaced) goes through reportlab's ``Image``.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.platypus.flowables import Flowable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Colour types whose samples PDF takes as they are: 0 grey, 2 RGB (8 bits each).
_COLOURS = {0: (1, "DeviceGray"), 2: (3, "DeviceRGB")}


@dataclass(frozen=True, slots=True)
class PngData:
    """What the PDF needs of a PNG: its size, colour and compressed scanlines."""

    width: int
    height: int
    colours: int
    colour_space: str
    idat: bytes


def png_data(png: bytes) -> PngData | None:
    """The PNG's pixels as PDF can take them unchanged, ``None`` when it cannot (not a PNG
    this module places: see the module docstring).

    Raises
    ------
    ValueError
        If *png* is not a well-formed PNG (a chunk runs past the end, no IHDR first).
    """
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    position, header, parts = len(PNG_SIGNATURE), b"", []
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind = png[position + 4:position + 8]
        data = png[position + 8:position + 8 + length]
        if len(data) != length:
            raise ValueError("a PNG chunk runs past the end of the file")
        if not header and kind != b"IHDR":
            raise ValueError("a PNG without its IHDR chunk first")
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            parts.append(data)
        elif kind == b"IEND":
            break
        position += 12 + length
    if len(header) != 13 or not parts:
        raise ValueError("a PNG without its header or pixels")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", header)
    if width == 0 or height == 0:
        raise ValueError("a PNG of no pixels")
    if depth != 8 or colour not in _COLOURS or (compression, filtering, interlace) != (0, 0, 0):
        return None
    colours, space = _COLOURS[colour]
    return PngData(width, height, colours, space, b"".join(parts))


class _PngXObject(pdfdoc.PDFImageXObject):
    """The image object of one PNG: its IDAT data, Flate with PNG predictors."""

    def __init__(self, name: str, data: PngData) -> None:
        super().__init__(name)
        self.width, self.height = data.width, data.height
        self.bitsPerComponent = 8
        self.colorSpace = data.colour_space
        self.streamContent = data.idat  # type: ignore[assignment]  # bytes, as a JPEG's
        self.mask = None
        self._png = data

    def format(self, document: Any) -> bytes:
        stream = pdfdoc.PDFStream(content=self.streamContent)
        entries = stream.dictionary
        entries["Type"] = pdfdoc.PDFName("XObject")
        entries["Subtype"] = pdfdoc.PDFName("Image")
        entries["Width"] = self.width
        entries["Height"] = self.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = pdfdoc.PDFName(self.colorSpace)
        # The Filter entry tells the stream its content is encoded already. One filter, by
        # name: with an array of filters, DecodeParms must be an array too (§7.3.8.2).
        entries["Filter"] = pdfdoc.PDFName("FlateDecode")
        entries["DecodeParms"] = pdfdoc.PDFDictionary({
            "Predictor": 15, "Colors": self._png.colours, "BitsPerComponent": 8,
            "Columns": self.width})
        entries["Length"] = len(self.streamContent)
        return stream.format(document)


class PngImage(Flowable):
    """A PNG (from ``png_data``) drawn *width* x *height* points; drawn twice, stored once."""

    def __init__(self, data: PngData, width: float, height: float) -> None:
        super().__init__()
        self.data = data
        self.width = width
        self.height = height
        self._name = "png" + hashlib.sha256(data.idat).hexdigest()[:24]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        # As reportlab's Canvas.drawImage registers an image XObject, without its decoding.
        canvas: Any = self.canv
        document = canvas._doc
        registered = document.getXObjectName(self._name)
        if registered not in document.idToObject:
            image = _PngXObject(self._name, self.data)
            canvas._setXObjects(image)
            document.Reference(image, registered)
            document.addForm(self._name, image)
        canvas._currentPageHasImages = 1
        canvas.saveState()
        canvas.scale(self.width, self.height)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(self._name)
