"""A JPEG baseline image as sites export them, for the decoder and warning tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.uid import JPEGBaseline8Bit

RAMP = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (48, 1))  # 48 × 64


def jpeg_baseline(write_image: Callable[..., Path], quality: int = 95,
                  **attributes: object) -> Path:
    """A JPEG baseline (8-bit, pillow's encoder) image of :data:`RAMP`."""
    encoded = io.BytesIO()
    Image.fromarray(RAMP).save(encoded, format="JPEG", quality=quality)
    path = write_image(pixels=RAMP.astype(np.uint16), **attributes)
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = encapsulate([encoded.getvalue()])
    ds.save_as(path)
    return path
