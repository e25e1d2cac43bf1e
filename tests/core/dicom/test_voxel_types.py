"""Voxels are int16 exactly when every value is an exact integer that fits, else float32.

Every case compares with pydicom's own decoding (``pixel_array`` × slope + intercept in
float64), so a wrong type, a wrapped value or a lost fraction fails.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import JPEG2000Lossless, RLELossless

from core.dicom import load_volume, scan
from core.model.volume import Volume


def _load(path: Path) -> Volume:
    result = scan(path)
    assert result.rejected == ()
    (series,) = result.series
    return load_volume(series)


def _expected(folder: Path) -> np.ndarray:
    """pydicom's modality values of every file in *folder*, ordered head first (z down)."""
    slices = []
    for path in folder.iterdir():
        ds = pydicom.dcmread(path)
        values = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        slices.append((-float(ds.ImagePositionPatient[2]), values))
    return np.stack([v for _, v in sorted(slices, key=lambda s: s[0])])


def _write_series(write_image, folder: Path, stored: list[np.ndarray], **attributes) -> None:
    for z, pixels in enumerate(stored):
        write_image(folder=folder, position=(0.0, 0.0, float(z)), pixels=pixels, **attributes)


def test_unsigned_16_bit_ct_is_int16_even_above_32767_stored(write_image, tmp_path):
    # uint16 stored, intercept -1024: a stored value above 32,767 still fits int16 once
    # the intercept is applied, and must come out exact, not wrapped.
    stored = np.array([[0, 1024, 4095], [32767, 32768, 33791]], dtype=np.uint16)
    _write_series(write_image, tmp_path, [stored, stored[::-1]], RescaleIntercept=-1024)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.int16
    assert np.array_equal(volume.voxels, _expected(tmp_path))
    assert volume.voxels[1, 1].tolist() == [31743, 31744, 32767]


def test_bits_above_bits_stored_are_not_part_of_the_value(write_image, tmp_path):
    # The phantom's (and Siemens') style: 12 of 16 bits stored. Old files kept overlays in
    # the high bits (PS3.5 §8.1.1); pydicom drops them, and so must the direct read.
    stored = np.array([[0, 4095, 0x1000 | 5], [0x8000 | 2000, 0xF000 | 4095, 7]],
                      dtype=np.uint16)
    _write_series(write_image, tmp_path, [stored], BitsStored=12, HighBit=11,
                  RescaleIntercept=-1024)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.int16
    assert volume.voxels[0].tolist() == [[-1024, 3071, -1019], [976, 3071, -1017]]
    assert np.array_equal(volume.voxels, _expected(tmp_path))

    scaled = tmp_path / "scaled"  # the float32 path reads through a buffer: same rule
    _write_series(write_image, scaled, [stored], BitsStored=12, HighBit=11, RescaleSlope=2)
    volume = _load(scaled)
    assert volume.voxels.dtype == np.float32
    assert volume.voxels[0].tolist() == [[0, 8190, 10], [4000, 8190, 14]]


def test_signed_16_bit_ct_in_range_is_int16(write_image, tmp_path):
    # GE's style and the real TCIA series: int16 stored, BitsStored 16, intercept -1024.
    # The header allows -33,792, the pixels do not use it.
    stored = np.array([[-2000, -1024, 0], [1000, 3071, -31744]], dtype=np.int16)
    _write_series(write_image, tmp_path, [stored, stored + 1], RescaleIntercept=-1024)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.int16
    assert np.array_equal(volume.voxels, _expected(tmp_path))


def test_values_beyond_int16_load_again_as_float32_exactly(write_image, tmp_path):
    # One slice of five holds a stored value whose HU (-32,768 - 1024) int16 cannot hold:
    # the whole series is float32, every slice exact (also those read before the bad one).
    slices = [np.full((4, 3), 10 * k, dtype=np.int16) for k in range(5)]
    slices[3][2, 1] = -32768
    _write_series(write_image, tmp_path, slices, RescaleIntercept=-1024)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.float32
    assert np.array_equal(volume.voxels, _expected(tmp_path))
    assert volume.voxels[1, 2, 1] == -33792  # z = 3 of 0..4 is second from the head


def test_unsigned_values_above_int16_without_intercept_are_float32(write_image, tmp_path):
    stored = np.array([[0, 40000, 65535]], dtype=np.uint16)
    _write_series(write_image, tmp_path, [stored])
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.float32
    assert volume.voxels[0, 0].tolist() == [0, 40000, 65535]


@pytest.mark.parametrize(("slope", "intercept"), [(2, -1024), (1, -1024.5), (0.5, 0)])
def test_non_integer_rescale_is_float32(write_image, tmp_path, slope, intercept):
    stored = np.array([[-3, 0, 7]], dtype=np.int16)
    _write_series(write_image, tmp_path, [stored], RescaleSlope=slope,
                  RescaleIntercept=intercept)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.float32
    assert np.array_equal(volume.voxels, _expected(tmp_path))


def test_eight_bit_and_signed_narrow_pixels_are_int16(write_image, tmp_path):
    eight = tmp_path / "eight"
    _write_series(write_image, eight, [np.array([[0, 128, 255]], dtype=np.uint8)],
                  BitsAllocated=8, BitsStored=8, HighBit=7, RescaleIntercept=-100)
    volume = _load(eight)
    assert volume.voxels.dtype == np.int16
    assert volume.voxels[0, 0].tolist() == [-100, 28, 155]

    # Signed 12-bit in 16 bits: the sign must be extended from bit 11 (through pydicom).
    narrow = tmp_path / "narrow"
    stored = np.array([[-2048, -1, 2047]], dtype=np.int16) & 0x0FFF  # two's complement, 12 bit
    _write_series(write_image, narrow, [stored.astype(np.int16)], BitsStored=12, HighBit=11,
                  PixelRepresentation=1, RescaleIntercept=-1024)
    volume = _load(narrow)
    assert volume.voxels.dtype == np.int16
    assert volume.voxels[0, 0].tolist() == [-3072, -1025, 1023]


def test_decoder_path_fills_int16_volumes_with_the_same_values(write_image, tmp_path):
    # A zip member and an RLE file go through pydicom's decoders, not the direct read.
    stored = np.array([[0, 4095, 33000]], dtype=np.uint16)
    plain = tmp_path / "plain"
    _write_series(write_image, plain, [stored], BitsStored=16, RescaleIntercept=-1024)
    expected = _expected(plain)
    (path,) = plain.iterdir()
    with zipfile.ZipFile(tmp_path / "study.zip", "w") as archive:
        archive.write(path, "DICOM/IM1")
    rle = tmp_path / "rle"
    rle.mkdir()
    ds = pydicom.dcmread(path)
    ds.compress(RLELossless)
    ds.save_as(rle / "IM1")
    for source in (tmp_path / "study.zip", rle):
        volume = _load(source)
        assert volume.voxels.dtype == np.int16, source
        assert np.array_equal(volume.voxels, expected), source


def test_decoded_values_beyond_bits_stored_are_kept_as_pydicom_keeps_them(write_image,
                                                                         tmp_path):
    # A JPEG 2000 (or JPEG-LS) code stream may hold more bits than the header's BitsStored
    # says. pydicom keeps the decoded values; clearing the "unused" bits, as is right for
    # uncompressed data, would turn 4,096 into 0 (-1024 HU instead of 3072).
    stored = np.tile(np.arange(0, 8192, 128, dtype=np.uint16), (64, 1))  # 13 bits, 64²
    _write_series(write_image, tmp_path, [stored], RescaleIntercept=-1024)
    (path,) = tmp_path.iterdir()
    ds = pydicom.dcmread(path)
    ds.compress(JPEG2000Lossless)
    ds.BitsStored, ds.HighBit = 12, 11
    ds.save_as(path)
    volume = _load(tmp_path)
    assert volume.voxels.dtype == np.int16
    assert np.array_equal(volume.voxels, _expected(tmp_path))
    assert volume.voxels[0, 0, 32] == 4096 - 1024
