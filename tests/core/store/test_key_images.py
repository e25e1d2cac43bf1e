"""Key images of calipers: a PNG named by its digest, bound to the caliper it shows."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest
from store_demo_reading import caliper, demo_truth

from core.actions import (
    add_lesion,
    delete_caliper,
    delete_lesion,
    get_read,
    my_tasks,
    save_caliper,
)
from core.actions.importing import image_folder
from core.actions.key_images import key_image, save_key_image
from core.errors import PermissionDeniedError, StoreError, WorkflowError
from core.model.clinical import LesionCategory
from core.model.reading import MeasurementKind

TOTAL = MeasurementKind.TOTAL


def _png(shade: int) -> bytes:
    """A real 2 × 2 grey PNG (signature, IHDR, IDAT, IEND)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    pixels = zlib.compress(b"".join(b"\x00" + bytes([shade, shade]) for _ in range(2)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


@pytest.fixture
def drawn(demo):
    """Reader 1's first baseline target of HCC-001 with its total caliper."""
    tp = demo_truth()["HCC-001"][0]
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    read = get_read(demo.store, demo.reader1, task.task_id)
    timepoint_id = read.timepoint(tp.label).timepoint_id
    truth = next(item for item in tp.truth["lesions"] if item["role"] == "target")
    lesion = add_lesion(demo.store, demo.reader1, task.task_id, timepoint_id,
                        LesionCategory.TARGET, truth["organ"]).value
    args = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id)
    save_caliper(demo.store, demo.reader1, *args)
    return demo, tp, truth, lesion, timepoint_id, args[3]


def test_a_key_image_is_kept_by_its_digest_for_the_caliper_it_shows(drawn):
    demo, _, _, lesion, timepoint_id, shown = drawn
    png = _png(200)
    kept = save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL,
                          shown, png)
    assert kept.png_sha256 == hashlib.sha256(png).hexdigest()
    path = demo.path.parent / kept.path
    assert path.read_bytes() == png
    assert path.parent == image_folder(demo.store) / "key-images"
    assert key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL) == kept
    again = save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL,
                           shown, _png(10))  # re-rendered: replaced
    assert again.png_sha256 != kept.png_sha256


def test_an_image_of_a_caliper_that_moved_since_is_refused(drawn):
    demo, tp, truth, lesion, timepoint_id, shown = drawn
    moved = caliper(tp, truth, TOTAL, lesion.lesion_id, timepoint_id,
                    length_mm=float(shown.length_mm) + 3)
    save_caliper(demo.store, demo.reader1, *moved)
    with pytest.raises(WorkflowError, match="the caliper moved after this key image"):
        save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL,
                       shown, _png(1))
    assert key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL) is None


def test_the_other_reader_can_neither_file_nor_see_it(drawn):
    demo, _, _, lesion, timepoint_id, shown = drawn
    save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL, shown,
                   _png(5))
    with pytest.raises(PermissionDeniedError, match="not found or not yours"):
        key_image(demo.store, demo.reader2, lesion.lesion_id, timepoint_id, TOTAL)
    with pytest.raises(PermissionDeniedError, match="not found or not yours"):
        save_key_image(demo.store, demo.reader2, lesion.lesion_id, timepoint_id, TOTAL,
                       shown, _png(6))


def test_removing_the_caliper_or_its_lesion_forgets_the_image_through_the_ledger(drawn):
    demo, _, _, lesion, timepoint_id, shown = drawn
    save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL, shown,
                   _png(7))
    delete_caliper(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL)
    assert key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL) is None
    delete_lesion(demo.store, demo.reader1, lesion.lesion_id)
    # The fixture's teardown replays the audit: the key image's removal is in it.


def test_anything_but_a_png_is_refused(drawn):
    demo, _, _, lesion, timepoint_id, shown = drawn
    with pytest.raises(StoreError, match="not a PNG image"):
        save_key_image(demo.store, demo.reader1, lesion.lesion_id, timepoint_id, TOTAL,
                       shown, b"GIF89a")
