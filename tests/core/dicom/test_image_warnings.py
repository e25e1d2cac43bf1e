"""Warnings a reader must get about the pixel values, found at scan time (issue #9).

Lossy compression, now or earlier in the image's life (PS3.3 C.7.6.1.1.5), reaches the
reader on every image (``ImageHeader.is_lossy``), on the series and on the volume.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
from jpeg_images import RAMP, jpeg_baseline
from pydicom.uid import HTJ2K, JPEG2000

from core.dicom import load_volume, scan
from core.dicom.headers import read_headers
from core.dicom.sources import FileRef

DEGRADED = "measurements on these images are on degraded pixels"




def _relabelled(source: Path, target: Path, syntax: str, **attributes: object) -> Path:
    """*source*'s code stream, byte for byte, under another transfer syntax and attributes."""
    ds = pydicom.dcmread(source)
    ds.file_meta.TransferSyntaxUID = syntax
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.save_as(target)
    return target


def test_jpeg_baseline_is_lossy_on_every_image_the_series_and_the_volume(write_image):
    path = jpeg_baseline(write_image, 90)
    (series,) = scan(path).series
    assert [h.is_lossy for h in series.headers] == [True]
    assert series.is_lossy
    assert series.warnings == (f"lossy compressed (JPEG baseline): {DEGRADED}",)
    volume = load_volume(series)
    assert volume.is_lossy
    assert volume.warnings == series.warnings


def test_lossy_jpeg_2000_names_its_compression_ratio(testdata):
    # A real lossy CT of pydicom's: JPEG 2000 (.91), Lossy Image Compression 01, 338.7:1.
    (series,) = scan(testdata("693_J2KI.dcm")).series
    header = series.headers[0]
    assert (header.lossy_image_compression, header.lossy_compression_ratios) == (
        "01", (338.687338501292,))
    assert header.is_lossy
    assert series.warnings == (f"lossy compressed (JPEG 2000, ratio 339:1): {DEGRADED}",)


def test_lossless_files_carry_no_lossy_warning(testdata):
    # 693_J2KR: its reversible twin (.90); CT_small: uncompressed.
    for name in ("693_J2KR.dcm", "CT_small.dcm"):
        (series,) = scan(testdata(name)).series
        assert not series.is_lossy
        assert not any("lossy" in w for w in series.warnings)
        assert not load_volume(series).is_lossy


@pytest.mark.parametrize(("syntax", "name"), [(JPEG2000, "JPEG 2000"), (HTJ2K, "HTJ2K")])
def test_a_syntax_that_may_be_lossless_is_decided_by_the_header(testdata, tmp_path, syntax,
                                                                name):
    # A reversible (lossless) code stream under a transfer syntax that allows either:
    # Lossy Image Compression 00 says lossless; without it the reader is told it may be lossy.
    source = testdata("MR_small_jp2klossless.dcm")
    said_lossless = _relabelled(source, tmp_path / "said", syntax, LossyImageCompression="00")
    unsaid = _relabelled(source, tmp_path / "unsaid", syntax)
    (lossless,) = scan(said_lossless).series
    (maybe,) = scan(unsaid).series
    assert not lossless.is_lossy
    assert lossless.warnings == ()
    assert maybe.is_lossy
    assert maybe.warnings == (
        f"may be lossy compressed ({name}, which is lossy or lossless, and Lossy Image "
        "Compression (0028,2110) does not say): measurements on these images may be on "
        "degraded pixels",)


def test_an_image_once_lossy_stays_lossy_when_stored_uncompressed(testdata, tmp_path):
    # (0028,2110) 01 is never reset (PS3.3 C.7.6.1.1.5): decompressing does not undo the loss.
    ds = pydicom.dcmread(testdata("CT_small.dcm"))
    ds.LossyImageCompression = "01"
    ds.LossyImageCompressionRatio = [10, 2.5]
    ds.LossyImageCompressionMethod = ["ISO_10918_1", "ISO_15444_1"]
    ds.save_as(tmp_path / "decompressed.dcm")
    (series,) = scan(tmp_path / "decompressed.dcm").series
    header = series.headers[0]
    assert header.pixel_data_offset is not None  # uncompressed, read straight from disk
    assert (header.is_lossy, header.lossy_compression_methods) == (
        True, ("ISO_10918_1", "ISO_15444_1"))
    assert series.warnings == (
        "lossy compressed earlier (JPEG then JPEG 2000, ratios 10:1 then 2.5:1), now stored "
        f"uncompressed: {DEGRADED}",)
    assert load_volume(series).is_lossy


def test_the_fast_header_path_reads_lossy_compression_as_pydicom_does(write_image):
    from core.dicom.headers import _read_headers

    path = write_image(LossyImageCompression="01", LossyImageCompressionRatio="12.5",
                       LossyImageCompressionMethod="ISO_14495_1")
    fast = _read_headers(FileRef(path), slow=False)
    slow = _read_headers(FileRef(path), fast=False)
    assert fast is not None  # the fast path read it
    assert fast == slow
    assert (fast[0].is_lossy, fast[0].lossy_compression_ratios,
            fast[0].lossy_compression_methods) == (True, (12.5,), ("ISO_14495_1",))


def test_every_frame_of_an_enhanced_multi_frame_object_is_lossy(testdata, tmp_path):
    ds = pydicom.dcmread(testdata("eCT_Supplemental.dcm"))
    assert ds.LossyImageCompression == "00"
    ds.LossyImageCompression = "01"
    ds.save_as(tmp_path / "enhanced.dcm")
    headers = read_headers(FileRef(tmp_path / "enhanced.dcm"))
    assert [(h.frame_number, h.is_lossy) for h in headers] == [(1, True), (2, True)]
    (series,) = scan(tmp_path).series
    assert series.warnings == (
        f"lossy compressed earlier (method not recorded), now stored uncompressed: {DEGRADED}",)


def test_a_series_partly_lossy_says_how_many_images_are(write_image, tmp_path):
    for z in (0.0, 2.0):
        write_image(position=(0, 0, z), pixels=RAMP.astype(np.uint16))
    jpeg_baseline(write_image, 90, position=(0, 0, 4.0))
    (series,) = scan(tmp_path).series
    assert [h.is_lossy for h in series.headers] == [True, False, False]  # cranial first
    assert series.warnings == (f"1 of 3 images lossy compressed (JPEG baseline): {DEGRADED}",)


OFFSET = "stored values are taken as HU, which may be offset (often by 1024)"


@pytest.mark.parametrize("removed", [("RescaleSlope", "RescaleIntercept"), ("RescaleIntercept",)],
                         ids=["both", "intercept"])
def test_ct_without_rescale_warns_that_hu_may_be_offset(testdata, tmp_path, removed):
    # The CT Image module requires both (PS3.3 C.8.2.1); CT_small stores HU + 1024.
    from core.dicom.headers import _read_headers

    ds = pydicom.dcmread(testdata("CT_small.dcm"))
    for keyword in removed:
        delattr(ds, keyword)
    ds.save_as(tmp_path / "IM")
    assert _read_headers(FileRef(tmp_path / "IM"), slow=False) == \
        _read_headers(FileRef(tmp_path / "IM"), fast=False)
    (series,) = scan(tmp_path).series
    assert [h.has_rescale for h in series.headers] == [False]
    assert series.warnings == (f"no Rescale Slope/Intercept on these CT images: {OFFSET}",)
    volume = load_volume(series)
    assert volume.warnings == series.warnings
    assert np.array_equal(volume.voxels[0], ds.pixel_array)  # stored values, unchanged


def test_ct_with_rescale_and_mr_without_it_carry_no_rescale_warning(testdata):
    for name in ("CT_small.dcm", "MR_small.dcm"):  # MR has no rescale to apply
        (series,) = scan(testdata(name)).series
        assert not any("Rescale" in w for w in series.warnings), name


def test_a_series_partly_without_rescale_says_how_many_images(write_image, tmp_path):
    for z in (0.0, 2.0):
        write_image(position=(0, 0, z))
    write_image(position=(0, 0, 4.0), RescaleSlope=None, RescaleIntercept=None)
    (series,) = scan(tmp_path).series
    assert [h.has_rescale for h in series.headers] == [False, True, True]
    assert series.warnings == (f"no Rescale Slope/Intercept on 1 of 3 CT images: {OFFSET}",)


def test_enhanced_ct_takes_its_rescale_from_the_functional_groups(testdata, tmp_path):
    ds = pydicom.dcmread(testdata("eCT_Supplemental.dcm"))
    assert "RescaleSlope" not in ds  # in the shared Pixel Value Transformation instead
    ds.save_as(tmp_path / "with.dcm")
    del ds.SharedFunctionalGroupsSequence[0].PixelValueTransformationSequence
    ds.save_as(tmp_path / "without.dcm")
    with_rescale = read_headers(FileRef(tmp_path / "with.dcm"))
    without = read_headers(FileRef(tmp_path / "without.dcm"))
    assert [(h.has_rescale, h.rescale_intercept) for h in with_rescale] == [(True, -1024.0)] * 2
    assert [(h.has_rescale, h.rescale_intercept) for h in without] == [(False, 0.0)] * 2
    (series,) = scan(tmp_path / "without.dcm").series
    assert series.warnings == (f"no Rescale Slope/Intercept on these CT images: {OFFSET}",)


def _disagree(which: str, mismatch: str, units: str = "HU") -> str:
    return (f"pixel data disagree with the header on {which}: {mismatch}; the values are kept "
            f"as pydicom decodes them, so {units} may be wrong")


def test_a_jpeg_2000_stream_of_another_sign_is_named_and_decoded_as_pydicom_does(testdata):
    # pydicom's example: the header says signed 13-bit, the code stream is unsigned 13-bit.
    path = testdata("J2K_pixelrep_mismatch.dcm")
    (series,) = scan(path).series
    assert series.warnings == ()  # found when decoding, not from the header
    volume = load_volume(series)
    assert volume.warnings == (_disagree(
        "these images", "JPEG 2000 code stream of 13-bit unsigned samples, header signed "
        "(PixelRepresentation 1)"),)
    ds = pydicom.dcmread(path)
    expected = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert np.array_equal(volume.voxels[0], expected)
    assert volume.voxels.min() < float(ds.RescaleIntercept)  # the header's sign was applied


@pytest.mark.parametrize(("name", "mismatch"), [
    ("emri_small_jpeg_ls_lossless.dcm", "JPEG-LS code stream of 16-bit samples, header "
                                        "BitsStored 12"),
    ("emri_small_jpeg_2k_lossless.dcm", "JPEG 2000 code stream of 16-bit unsigned samples, "
                                        "header BitsStored 12"),
])
def test_a_code_stream_of_more_bits_than_bits_stored_is_named(testdata, name, mismatch):
    # Ten MR frames whose streams say 16 bits where the header says 12: the values are
    # those of the uncompressed original all the same (test_decoders.py).
    (series,) = scan(testdata(name)).series
    volume = load_volume(series)
    assert volume.warnings[-1] == _disagree("these images", mismatch, "intensities")
    assert np.array_equal(volume.voxels, load_volume(scan(testdata("emri_small.dcm"))
                                                     .series[0]).voxels)


def test_a_jpeg_lossless_stream_of_more_bits_than_bits_stored_is_named(testdata):
    (series,) = scan(testdata("bad_sequence.dcm")).series  # a CT export with this fault
    assert series.headers[0].bits_stored == 12
    assert load_volume(series).warnings == (_disagree(
        "these images", "JPEG code stream of 16-bit samples, header BitsStored 12"),)


def test_streams_that_agree_with_their_header_carry_no_such_warning(testdata):
    # MR_small_jp2klossless: 16-bit signed as declared; 693_J2KR: 14-bit signed stream in
    # BitsStored 16, whose every value fits the header's range.
    for name in ("MR_small_jp2klossless.dcm", "693_J2KR.dcm", "MR_small_jpeg_ls_lossless.dcm"):
        volume = load_volume(scan(testdata(name)).series[0])
        assert not any("disagree" in w for w in volume.warnings), name


def test_the_mismatch_is_found_in_zip_members_and_on_worker_processes(testdata, tmp_path):
    import zipfile

    from core.dicom.volume import decode_process_pool

    path = testdata("J2K_pixelrep_mismatch.dcm")
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.write(path, "IM1")
    expected = load_volume(scan(path).series[0])
    (zipped,) = scan(tmp_path / "export.zip").series
    assert zipped.headers[0].member == "IM1"  # decoded through pydicom, not from the offset
    pool = decode_process_pool(1)
    try:
        in_worker = load_volume(scan(path).series[0], processes=pool)
    finally:
        pool.shutdown()
    for volume in (load_volume(zipped), in_worker):
        assert volume.warnings == expected.warnings
        assert len(volume.warnings) == 1
        assert np.array_equal(volume.voxels, expected.voxels)
