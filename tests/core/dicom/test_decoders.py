"""Every compressed transfer syntax the issue names decodes, through scan and load_volume."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from jpeg_images import RAMP, jpeg_baseline
from pydicom.uid import (
    JPEG2000,
    JPEG2000Lossless,
    JPEGExtended12Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from core.dicom import load_volume, scan
from core.errors import DicomImportError
from core.model.volume import Volume


def _load(path: Path) -> Volume:
    result = scan(path)
    assert result.rejected == ()
    (series,) = result.series
    return load_volume(series)


def _as_ct(path: Path, folder: Path) -> Path:
    """pydicom's test file *path* relabelled CT: its pixel data, byte for byte, in our pipeline.

    Several of pydicom's compressed test images are NM or have no modality; the import
    only reads CT and MR, but the decoder neither knows nor cares.
    """
    ds = pydicom.dcmread(path)
    ds.Modality = "CT"
    for keyword, value in (("SeriesInstanceUID", "1.2.3.4"), ("StudyInstanceUID", "1.2.3")):
        if keyword not in ds:
            setattr(ds, keyword, value)
    target = folder / path.name
    ds.save_as(target)
    return target


def _syntax(path: Path) -> str:
    return pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID


@pytest.mark.parametrize(("compressed", "reference", "syntax"), [
    ("MR_small_RLE.dcm", "MR_small.dcm", RLELossless),
    ("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm", JPEGLSLossless),
    ("MR_small_jp2klossless.dcm", "MR_small.dcm", JPEG2000Lossless),
    ("emri_small_RLE.dcm", "emri_small.dcm", RLELossless),
    ("emri_small_jpeg_ls_lossless.dcm", "emri_small.dcm", JPEGLSLossless),
    ("emri_small_jpeg_2k_lossless.dcm", "emri_small.dcm", JPEG2000Lossless),
])
def test_lossless_syntaxes_decode_to_the_uncompressed_values(testdata, compressed, reference,
                                                             syntax):
    path = testdata(compressed)
    assert _syntax(path) == syntax
    decoded = _load(path)
    expected = _load(testdata(reference))
    assert decoded.voxels.shape == expected.voxels.shape
    assert np.array_equal(decoded.voxels, expected.voxels)


@pytest.mark.parametrize(("lossy", "lossless", "syntax", "tolerance"), [
    ("693_J2KI.dcm", "693_J2KR.dcm", JPEG2000, 0.02),
    ("MR2_J2KI.dcm", "MR2_J2KR.dcm", JPEG2000, 0.02),
    ("JPGExtended.dcm", "JPEG-LL.dcm", JPEGExtended12Bit, 0.02),
])
def test_lossy_syntaxes_decode_close_to_their_lossless_twin(testdata, tmp_path, lossy, lossless,
                                                            syntax, tolerance):
    lossy_path = _as_ct(testdata(lossy), tmp_path)
    lossless_path = _as_ct(testdata(lossless), tmp_path)
    assert _syntax(lossy_path) == syntax
    a, b = _load(lossy_path).voxels, _load(lossless_path).voxels
    value_range = float(b.max() - b.min())
    assert np.abs(a - b).mean() < tolerance * value_range


def test_jpeg_lossless_first_order_prediction_decodes(testdata, tmp_path):
    path = _as_ct(testdata("JPEG-LL.dcm"), tmp_path)
    assert _syntax(path) == JPEGLosslessSV1
    volume = _load(path)
    assert volume.voxels.shape == (1, 1024, 256)
    assert np.array_equal(volume.voxels[0], pydicom.dcmread(path).pixel_array)


def test_jpeg_ls_near_lossless_decodes(testdata, tmp_path):
    path = _as_ct(testdata("JPEGLSNearLossless_16.dcm"), tmp_path)
    assert _syntax(path) == JPEGLSNearLossless
    volume = _load(path)
    assert volume.voxels.shape == (1, 50, 10)
    assert volume.voxels.std() > 0




def test_jpeg_baseline_grey_scale_decodes_close_to_the_original(write_image):
    volume = _load(jpeg_baseline(write_image))
    assert np.abs(volume.voxels[0].astype(int) - RAMP).max() <= 4


def test_a_compressed_file_cut_short_after_the_scan_is_refused_not_half_decoded(write_image):
    # The JPEG decoder would decode what is left of the stream without complaint.
    path = jpeg_baseline(write_image)
    (series,) = scan(path).series
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(DicomImportError, match="truncated or changed since it was scanned"):
        load_volume(series)


def test_compressed_files_on_disk_are_decoded_without_a_second_header_parse(
        testdata, tmp_path, monkeypatch):
    # The scan found where the encapsulated pixel data starts; the decoder gets the file
    # there with the scanned attributes. pydicom parsing the file again would double the
    # cost of an RLE slice (docs/performance.md), so it must not happen.
    import core.dicom.pixels

    path = _as_ct(testdata("MR_small_RLE.dcm"), tmp_path)
    (series,) = scan(path).series
    assert series.headers[0].pixel_data_offset is not None

    def refuse(*_args, **_kwargs):
        raise AssertionError("the header was parsed again")

    monkeypatch.setattr(core.dicom.pixels.pydicom, "dcmread", refuse)
    voxels = load_volume(series).voxels
    monkeypatch.undo()
    reference = pydicom.dcmread(testdata("MR_small.dcm"))
    assert np.array_equal(voxels[0], reference.pixel_array)
