"""What the printed-report tests and the reports benchmark build on: key images as a
reading station renders them (a PNG of a slice with the caliper burned in), saved through
``core.actions.save_key_image`` for a reader's calipers."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import numpy as np

from core.actions import get_read, my_tasks
from core.actions.key_images import save_key_image
from core.model.reading import KeyImage, MeasurementKind
from core.model.trial import Session
from core.store import Store

# The adjudicator's rationale in the printed-report store (tests/core/pdf/conftest.py).
RATIONALE = "Week 6: the viable part of T1 measures 22 mm; read B missed the response."
# The local zone and the generation time the case summaries are printed with.
PLUS_TWO = dt.timezone(dt.timedelta(hours=2))
GENERATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def png_bytes(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of *pixels* (rows × columns × 3, uint8), written with zlib."""
    rows, columns, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", columns, rows, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def key_image_png(size: int = 512, seed: int = 0, label_row: int | None = None) -> bytes:
    """A slice-like grey image with a bright round lesion and an orange caliper line across
    it, as the desktop burns a caliper into its key image."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    centre = size / 2
    body = ((xx - centre) ** 2 / (0.42 * size) ** 2 + (yy - centre) ** 2 / (0.34 * size) ** 2
            < 1)
    grey = np.where(body, 95.0, 8.0) + rng.normal(0, 9, (size, size))
    lesion = (xx - 0.58 * size) ** 2 + (yy - 0.45 * size) ** 2 < (0.08 * size) ** 2
    grey = np.where(lesion, 190.0, grey)
    image = np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    row = int(0.45 * size) if label_row is None else label_row
    image[row - 1:row + 2, int(0.5 * size):int(0.66 * size)] = (255, 140, 90)
    return png_bytes(image)


def save_key_images(store: Store, reader: Session, subject: str, count: int,
                    size: int = 512, first_seed: int = 0) -> list[KeyImage]:
    """Key images of the reader's viable calipers of *subject*, timepoint after timepoint
    and lesion after lesion, *count* of them at most (each a picture of its own, from
    *first_seed* on)."""
    task = next(t for t in my_tasks(store, reader) if t.subject == subject)
    read = get_read(store, reader, task.task_id)
    saved: list[KeyImage] = []
    for timepoint in read.timepoints:
        for lesion in read.lesions:
            measurement = read.measurement(lesion.lesion_id, timepoint.timepoint_id,
                                           MeasurementKind.VIABLE)
            if measurement is None or len(saved) >= count:
                continue
            saved.append(save_key_image(
                store, reader, lesion.lesion_id, timepoint.timepoint_id,
                MeasurementKind.VIABLE, measurement.caliper,
                key_image_png(size, seed=first_seed + len(saved))))
    return saved
