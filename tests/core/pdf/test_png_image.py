"""A PNG placed in the PDF as it is (core.pdf.png_image): which PNGs qualify, and that the
page shows the picture the PNG holds (a renderer reading the predictors wrongly would shear
it), for grey and RGB."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

import numpy as np
import pytest
from pdf_pages import render_pages
from PIL import Image
from pypdf import PdfReader
from report_stores import png_bytes

from core.pdf.document import PageFrame, write_pdf
from core.pdf.png_image import PngImage, png_data

FRAME = PageFrame("Key image", "trial", dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "0" * 64)


def _grey_png(pixels: np.ndarray) -> bytes:
    rows, columns = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", columns, rows, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _pil_png(mode: str) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (8, 8)).save(out, "PNG")
    return out.getvalue()


def _edge_image(width: int = 96, height: int = 64) -> np.ndarray:
    """Black on the left third, white on the right two thirds: a vertical edge."""
    image = np.zeros((height, width), np.uint8)
    image[:, width // 3:] = 255
    return image


def test_8_bit_grey_and_rgb_pngs_go_in_as_they_are():
    rgb = png_data(png_bytes(np.zeros((4, 6, 3), np.uint8)))
    assert (rgb.width, rgb.height, rgb.colours, rgb.colour_space) == (6, 4, 3, "DeviceRGB")
    grey = png_data(_grey_png(np.zeros((5, 7), np.uint8)))
    assert (grey.width, grey.height, grey.colours, grey.colour_space) == (7, 5, 1,
                                                                          "DeviceGray")
    assert zlib.decompress(grey.idat) == b"".join(b"\x00" + bytes(7) for _ in range(5))


def _interlaced() -> bytes:
    """An RGB PNG whose header says Adam7 interlacing (its CRC made again)."""
    png = bytearray(png_bytes(np.zeros((4, 4, 3), np.uint8)))
    png[28] = 1
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])) & 0xFFFFFFFF)
    return bytes(png)


@pytest.mark.parametrize("png", [_pil_png("P"), _pil_png("RGBA"), _pil_png("I;16"),
                                 _interlaced()], ids=["palette", "alpha", "16-bit",
                                                      "interlaced"])
def test_other_pngs_are_left_to_reportlab(png):
    assert png_data(png) is None


@pytest.mark.parametrize("damaged", [b"not a png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR",
                                     b"\x89PNG\r\n\x1a\n"])
def test_a_damaged_png_is_a_value_error(damaged):
    with pytest.raises(ValueError, match="PNG"):
        png_data(damaged)


@pytest.mark.parametrize("colour", ["grey", "rgb"])
def test_the_page_shows_the_picture_unsheared(tmp_path, colour):
    edge = _edge_image()
    png = _grey_png(edge) if colour == "grey" else png_bytes(np.repeat(edge[:, :, None], 3, 2))
    data = png_data(png)
    path = tmp_path / "image.pdf"
    write_pdf(path, FRAME, [PngImage(data, 288, 192), PngImage(data, 144, 96)])
    (page,) = render_pages(path, tmp_path / "png", dpi=72)
    dark = page < 128
    # The first image, 288 x 192 pt at the body's top left: its rows are the ones dark at the
    # left edge of the body (the margin is 18 mm, 51 pt); each row turns white at the edge.
    rows = [row for row in range(page.shape[0]) if dark[row, 55:60].all()]
    rows = [row for row in rows if row < rows[0] + 192]  # the first image only
    assert len(rows) == pytest.approx(192, abs=2)
    edges = [55 + int(np.argmin(dark[row, 55:400])) for row in (rows[2], rows[100], rows[-3])]
    assert edges[0] == pytest.approx(51 + 96, abs=2)  # a third of 288 pt in
    assert max(edges) - min(edges) <= 1  # the edge is vertical: no shear
    reader = PdfReader(path)
    (drawn,) = reader.pages[0].images  # one object, drawn twice
    assert drawn.image.size == (96, 64)
    assert np.array_equal(np.asarray(drawn.image.convert("L")), edge)
    assert len(reader.pages[0]["/Resources"]["/XObject"]) == 1
