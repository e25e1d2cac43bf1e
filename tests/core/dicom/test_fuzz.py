"""Damaged bytes anywhere in a file: scan and load reject or warn, never raise otherwise."""

from __future__ import annotations

import random

import pytest

from core.dicom import load_volume, scan
from core.errors import DicomImportError

SOURCES = ["CT_small.dcm", "MR_small_RLE.dcm", "eCT_Supplemental.dcm", "emri_small.dcm"]


def _mutants(data: bytes, seed: int, n: int) -> list[bytes]:
    """Truncations, flipped bytes in the header, and zeroed or 0xFF runs."""
    rng = random.Random(seed)
    header_end = min(len(data), 4096)
    out = []
    for i in range(n):
        buf = bytearray(data)
        kind = i % 3
        if kind == 0:
            buf = buf[: rng.randrange(1, len(buf))]
        elif kind == 1:
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(128, header_end)] = rng.randrange(256)
        else:
            start = rng.randrange(128, header_end)
            fill = rng.choice((0, 0xFF))
            buf[start:start + rng.randint(2, 16)] = bytes([fill]) * 16
        out.append(bytes(buf))
    return out


def _each_is_read_or_rejected(mutants: list[bytes], tmp_path) -> None:
    """Scan and load every mutant: an image or a rejection with a reason, never a raise."""
    for i, mutant in enumerate(mutants):
        folder = tmp_path / f"m{i}"
        folder.mkdir()
        (folder / "IM").write_bytes(mutant)
        result = scan(folder)
        assert len(result.rejected) + sum(s.n_images for s in result.series) >= 1
        for series in result.series:
            try:
                volume = load_volume(series)
            except DicomImportError as exc:
                reason = exc.reason
                assert reason
            else:
                assert volume.voxels.shape[0] >= series.n_images


@pytest.mark.parametrize("name", SOURCES)
def test_mutated_files_never_raise(testdata, tmp_path, name):
    _each_is_read_or_rejected(_mutants(testdata(name).read_bytes(), seed=len(name), n=60),
                              tmp_path)


def _shifted(data: bytes, seed: int, n: int) -> list[bytes]:
    """Bytes inserted into or removed from the header: every later element moves."""
    rng = random.Random(seed)
    header_end = min(len(data), 4096)
    out = []
    for i in range(n):
        buf = bytearray(data)
        start = rng.randrange(128, header_end)
        if i % 2:
            buf[start:start] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
        else:
            del buf[start:start + rng.randint(1, 6)]
        out.append(bytes(buf))
    return out


@pytest.mark.parametrize("name", [*SOURCES, "image_dfl.dcm"])
def test_shifted_headers_never_raise(testdata, tmp_path, name):
    _each_is_read_or_rejected(_shifted(testdata(name).read_bytes(), seed=len(name), n=40),
                              tmp_path)
