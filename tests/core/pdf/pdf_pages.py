"""Reading a PDF back for tests: its text per page (pypdf), its pages as images
(pdftoppm, poppler-utils), and checks that no page is blank and nothing runs past the
margins."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader


def page_texts(path: Path) -> list[str]:
    """The text of each page, in order."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def embedded_fonts(path: Path) -> set[str]:
    """The base names of the fonts embedded in *path* (with a font file)."""
    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and any(
                        key in descriptor.get_object() for key in
                        ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def render_pages(path: Path, folder: Path, dpi: int = 60) -> list[np.ndarray]:
    """Every page rendered to a grey image (0 black, 255 white) by pdftoppm."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("MRECIST_REQUIRE_PDFTOPPM"):
            pytest.fail("pdftoppm (poppler-utils) is required here and missing")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(path), str(folder / "page")],
                   check=True, capture_output=True)
    return [_read_pgm(file) for file in sorted(folder.glob("page-*.pgm"))]


def _read_pgm(file: Path) -> np.ndarray:
    """A binary greyscale PGM (P5, 8 bits), as pdftoppm -gray writes it."""
    data = file.read_bytes()
    fields = data.split(maxsplit=4)
    if fields[0] != b"P5" or fields[3] != b"255":
        raise ValueError(f"{file}: not an 8-bit binary PGM")
    width, height = int(fields[1]), int(fields[2])
    return np.frombuffer(fields[4][:width * height], np.uint8).reshape(height, width)


def ink_outside(image: np.ndarray, margin_fraction: float) -> int:
    """How many dark pixels lie in the left or right margin band of a page image."""
    width = image.shape[1]
    band = max(1, int(width * margin_fraction))
    dark = image < 160
    return int(dark[:, :band].sum() + dark[:, width - band:].sum())


def body_ink(image: np.ndarray) -> int:
    """How many dark pixels lie between the page's header and footer (its content)."""
    height = image.shape[0]
    return int((image[int(height * 0.1):int(height * 0.9)] < 128).sum())
