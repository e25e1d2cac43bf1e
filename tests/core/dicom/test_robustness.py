"""No file, however odd, escapes as an exception: it loads, or is rejected with a reason."""

from __future__ import annotations

import os
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file, get_testdata_files

from core.dicom import load_volume, scan
from core.errors import DicomImportError

TEST_FILES = sorted(get_testdata_files())
DICOMDIR_TESTS = Path(get_testdata_file("DICOMDIR", download=False)).parent  # type: ignore[arg-type]


def _scan_and_load(path: Path) -> tuple[int, int]:
    """(volumes loaded, files rejected); DicomImportError on load counts as a rejection."""
    result = scan(path)
    assert all(r.reason and r.path for r in result.rejected)
    loaded, rejected = 0, len(result.rejected)
    for series in result.series:
        try:
            volume = load_volume(series)
        except DicomImportError as exc:
            reason = exc.reason
            rejected += 1
            assert reason
            continue
        assert volume.voxels.shape[0] >= series.n_images  # blank slices fill gaps
        loaded += 1
    return loaded, rejected


def test_pydicom_test_data_is_all_there():
    # 190-odd files ship with pydicom; the pydicom-data package adds about 70 more.
    assert len(TEST_FILES) > 180


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: Path(p).name)
def test_every_pydicom_test_file_loads_or_is_rejected_with_a_reason(path):
    loaded, rejected = _scan_and_load(Path(path))
    assert loaded + rejected >= 1


def test_known_pydicom_files_are_classified_as_a_reader_expects(testdata):
    def reasons(name: str) -> list[str]:
        return [r.reason for r in scan(testdata(name)).rejected]

    assert _scan_and_load(testdata("CT_small.dcm")) == (1, 0)
    assert reasons("rtdose.dcm") == [
        "modality RTDOSE (radiotherapy dose): only CT and MR images are read"]
    assert reasons("rtplan.dcm") == [
        "not an image (no Rows/Columns) (RTPLAN, radiotherapy plan)"]
    assert reasons("DICOMDIR-bigEnd") == [
        "a DICOMDIR index, not an image: its images are scanned when it is named DICOMDIR"]


def test_dicomdir_scans_the_files_it_lists(tmp_path):
    shutil.copytree(DICOMDIR_TESTS, tmp_path / "cd")
    walked = scan(tmp_path / "cd")
    indexed = scan(tmp_path / "cd" / "DICOMDIR")
    assert len(indexed.series) == len(walked.series) > 0
    assert not any(r.path.name == "DICOMDIR" for r in indexed.rejected)
    # A CD lists every file; one that went missing is reported, the rest still load.
    gone = tmp_path / "cd" / "77654033" / "CR1" / "6154"
    gone.unlink()
    after = scan(tmp_path / "cd" / "DICOMDIR")
    assert [r.reason for r in after.rejected if r.path == gone] == [
        "listed in DICOMDIR but missing"]


def test_dicomdir_finds_files_whose_names_changed_case(tmp_path):
    shutil.copytree(DICOMDIR_TESTS / "98892001", tmp_path / "cd" / "98892001")
    shutil.copy(DICOMDIR_TESTS / "DICOMDIR", tmp_path / "cd" / "DICOMDIR")
    for path in sorted((tmp_path / "cd" / "98892001").rglob("*"), reverse=True):
        path.rename(path.with_name(path.name.lower()))
    result = scan(tmp_path / "cd" / "DICOMDIR")
    assert sum(s.n_images for s in result.series) == 6  # and one localizer left out
    assert sum("missing" in r.reason for r in result.rejected) == 24  # the other patients


def test_zip_archive_scans_and_loads_like_the_folder(small_ct_study, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in small_ct_study.dicom_folder.iterdir():
            z.write(f, f"export/{f.name}")
        z.writestr("export/readme.txt", "not an image")
        z.writestr("export/inner.zip", b"PK")
    from_zip = scan(archive)
    from_folder = scan(small_ct_study.dicom_folder)
    assert [s.key for s in from_zip.series] == [s.key for s in from_folder.series]
    assert sorted(r.reason for r in from_zip.rejected) == [
        "not a DICOM file (no DICM preamble)",
        "zip archive inside a zip archive: extract it first"]
    assert from_zip.rejected[0].path.parent.name == "export"
    zipped = load_volume(from_zip.series[1])
    assert (zipped.voxels == load_volume(from_folder.series[1]).voxels).all()


def test_scan_reports_progress_and_can_be_cancelled(small_ct_study):
    seen = []
    result = scan(small_ct_study.dicom_folder, progress=lambda f, m: seen.append(f))
    assert (seen[0], seen[-1]) == (0.0, 1.0)
    assert result.is_complete
    calls = iter(range(1000))
    partial = scan(small_ct_study.dicom_folder, is_cancelled=lambda: next(calls) >= 3)
    assert not partial.is_complete
    assert sum(s.n_images for s in partial.series) == 3


@pytest.fixture
def broken_files(small_ct_study, write_image, tmp_path) -> dict[str, Path]:
    """One file of each kind of damage, beside a good series."""
    good = sorted(small_ct_study.dicom_folder.iterdir())[0]
    data = good.read_bytes()
    folder = tmp_path / "broken"
    folder.mkdir()
    files = {
        "zero": folder / "zero", "truncated": folder / "truncated",
        "not_dicom": folder / "notes.pdf", "truncated_header": folder / "half_header",
    }
    files["zero"].write_bytes(b"")
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["truncated_header"].write_bytes(data[:400])
    files["not_dicom"].write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    files["no_pixels"] = folder / "header_only"
    ds = pydicom.dcmread(good)
    del ds.PixelData
    ds.save_as(files["no_pixels"])
    files["huge"] = folder / "huge"
    ds = pydicom.dcmread(good)
    ds.Rows = ds.Columns = 65535
    ds.save_as(files["huge"])
    files["short"] = folder / "short"
    ds = pydicom.dcmread(good)
    ds.NumberOfFrames = 4000  # promises 4000 frames, holds one: nothing must be allocated
    ds.save_as(files["short"])
    for k in range(3):
        write_image(folder, position=(0, 0, 2.0 * k), series_uid="9.1")
    files["localizer"] = write_image(folder, position=(0, 0, 0), series_uid="9.1",
                                     orientation=(0, 1, 0, 0, 0, -1))
    write_image(folder, position=(0, 0, 0), series_uid="9.2", SeriesDescription="Portal")
    return files


def test_broken_files_are_rejected_with_their_reason(broken_files):
    tracemalloc.start()
    try:
        result = scan(broken_files["zero"].parent)
        volumes = [load_volume(s) for s in result.series]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024**2  # the huge and the "4000 frames" files were never allocated
    reasons = {r.path.name: r.reason for r in result.rejected}
    assert reasons == {
        "zero": "empty file (0 bytes)",
        "truncated": "header promises 32,768 bytes of pixel data but the file holds only "
                     f"{reasons['truncated'].split()[-3]} (truncated file)",
        "half_header": "the file ends inside its DICOM header (truncated)",
        "notes.pdf": "not a DICOM file (no DICM preamble)",
        "header_only": "no pixel data in the file (header only, or truncated before the image)",
        "huge": "65535 × 65535 pixels is larger than any CT or MR image (at most 4096 × 4096 "
                "are read)",
        "short": "pixel data element holds 32,768 bytes but the header declares 131,072,000 "
                 "(4000 × 128 × 128 × 16 bit)",
        broken_files["localizer"].name: "orientation differs from the main stack of this "
                                        "series (3 images; a localizer?)",
    }
    assert [(v.series_description, v.n_slices) for v in volumes] == [
        ("Arterial", 3), ("Portal", 1)]
    assert volumes[0].warnings == (
        "mixed orientations or sizes: 1 image(s) that differ from the main 3 were left out",)


def test_zip_archive_under_another_name_is_still_opened(small_ct_study, tmp_path):
    archive = tmp_path / "EXPORT"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(small_ct_study.dicom_folder.iterdir())[:5]:
            z.write(f, f.name)
    result = scan(tmp_path)
    assert result.rejected == ()
    assert sum(s.n_images for s in result.series) == 5


def test_compressed_data_shorter_than_declared_is_rejected_before_decoding(testdata, tmp_path):
    source = testdata("MR_small_RLE.dcm")
    ds = pydicom.dcmread(source)
    ds.NumberOfFrames = 4000
    ds.save_as(tmp_path / "promises_4000")
    data = source.read_bytes()
    (tmp_path / "cut").write_bytes(data[:6000])  # inside the RLE fragment
    reasons = {r.path.name: r.reason for r in scan(tmp_path).rejected}
    assert reasons == {
        "promises_4000": "header declares 4000 frames but the compressed pixel data holds "
                         "only 1 fragment(s)",
        "cut": "compressed pixel data ends before its last fragment (truncated file)",
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_reported_as_such(write_image, tmp_path):
    path = write_image()
    path.chmod(0)
    try:
        (rejected,) = scan(tmp_path).rejected
    finally:
        path.chmod(0o644)
    assert rejected.reason == "the file cannot be opened (Permission denied)"


def test_file_that_vanishes_during_the_scan_is_reported(write_image, tmp_path):
    from core.dicom.headers import read_headers
    from core.dicom.sources import FileRef

    with pytest.raises(DicomImportError, match="cannot be opened"):
        read_headers(FileRef(tmp_path / "gone"))


def test_float_pixel_data_is_named_not_called_missing(make_dataset, tmp_path):
    # Parametric maps carry Float Pixel Data; "no pixel data" would send a reader looking
    # for a truncated file.
    ds = make_dataset()
    del ds.PixelData
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 32, 32, 31
    del ds.PixelRepresentation
    ds.FloatPixelData = np.zeros((8, 6), dtype=np.float32).tobytes()
    ds.save_as(tmp_path / "map.dcm", enforce_file_format=True)
    assert [r.reason for r in scan(tmp_path).rejected] == [
        "floating-point pixel data (a parametric map, not a CT or MR image as acquired)"]


def test_only_a_file_that_is_not_dicom_at_all_is_a_typed_not_dicom_error(write_image, tmp_path):
    # The scan opens such a file as a zip archive (sources.expand_archive); it must know
    # from the error's type, not from the wording of its reason.
    from core.dicom.headers import read_headers
    from core.dicom.sources import FileRef
    from core.errors import NotDicomError

    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(NotDicomError) as not_dicom:
        read_headers(FileRef(tmp_path / "notes.txt"))
    assert not_dicom.value.reason == "not a DICOM file (no DICM preamble)"
    with pytest.raises(DicomImportError) as empty:
        read_headers(FileRef(tmp_path / "empty"))
    assert not isinstance(empty.value, NotDicomError)
    assert empty.value.reason == "empty file (0 bytes)"


def test_a_rejected_dicom_file_is_not_opened_as_a_zip_archive(write_image, tmp_path,
                                                              monkeypatch):
    import importlib

    scan_module = importlib.import_module("core.dicom.scan")  # core.dicom.scan is the function
    path = write_image(Modality="US")
    opened: list[Path] = []
    monkeypatch.setattr(scan_module, "expand_archive",
                        lambda ref, problems: opened.append(ref.path))
    (rejected,) = scan(path).rejected
    assert rejected.reason == "modality US (ultrasound): only CT and MR images are read"
    assert opened == []
    (tmp_path / "EXPORT").write_bytes(b"PK\x03\x04 not really a zip")
    scan(tmp_path / "EXPORT")
    assert opened == [tmp_path / "EXPORT"]


def test_a_deflated_file_cut_short_is_rejected_not_raised(testdata, tmp_path):
    # zlib's error is none of the errors pydicom raises for damaged files; it escaped the scan.
    ds = pydicom.dcmread(testdata("image_dfl.dcm"))  # Deflated Explicit VR Little Endian
    ds.Modality = "CT"
    ds.save_as(tmp_path / "whole.dcm")
    data = (tmp_path / "whole.dcm").read_bytes()
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "IM").write_bytes(data[: len(data) // 2])
    (whole,) = scan(tmp_path / "whole.dcm").series
    assert load_volume(whole).voxels.shape == (1, 512, 512)
    assert [r.reason for r in scan(tmp_path / "cut").rejected] == [
        "the deflated data set cannot be inflated (truncated or damaged file)"]


def test_a_functional_group_that_is_not_a_sequence_rejects_the_file(testdata, tmp_path):
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    ds = pydicom.dcmread(testdata("eCT_Supplemental.dcm"))
    tag = Tag("PerFrameFunctionalGroupsSequence")
    ds._dict[tag] = RawDataElement(tag, "LO", 4, b"ab\\c", 0, False, True)
    ds.save_as(tmp_path / "IM")
    assert [r.reason for r in scan(tmp_path).rejected] == [
        "unreadable DICOM header (PerFrameFunctionalGroupsSequence is not a sequence of items)"]


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydicom, writing the invalid IS on purpose
@pytest.mark.parametrize(("vr", "raw"), [("OB", b"\x01\x02\x03\x04"), ("IS", b"9" * 400),
                                         ("AT", b"\x08\x00\x20\x00")])
def test_a_position_of_another_vr_or_out_of_range_is_no_position(make_dataset, tmp_path, vr,
                                                                  raw):
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    ds = make_dataset()
    tag = Tag("ImagePositionPatient")
    ds._dict[tag] = RawDataElement(tag, vr, len(raw), raw, 0, False, True)
    ds.save_as(tmp_path / "IM", enforce_file_format=True)
    (series,) = scan(tmp_path).series
    assert series.headers[0].position is None


def test_programming_errors_in_header_code_are_not_taken_for_damaged_files(write_image,
                                                                         monkeypatch):
    # Only the errors damaged bytes cause become rejections; a bug must surface as itself.
    import core.dicom.headers
    import core.dicom.rawheader
    from core.dicom.headers import read_headers
    from core.dicom.sources import FileRef

    path = write_image()

    def bug(*_args: object, **_kwargs: object) -> None:
        raise TypeError("a bug")

    with monkeypatch.context() as patched:
        patched.setattr(core.dicom.headers, "_base_header", bug)
        with pytest.raises(TypeError, match="a bug"):
            read_headers(FileRef(path))
    with monkeypatch.context() as patched:
        patched.setattr(core.dicom.rawheader, "_data_set", bug)
        with pytest.raises(TypeError, match="a bug"):
            read_headers(FileRef(path))
    assert read_headers(FileRef(path))[0].rows == 8


def test_pixel_data_longer_than_the_matrix_is_rejected_at_scan(testdata, tmp_path):
    # pydicom's own example of excess pixel data: 128 bytes more than 64 × 64 × 16 bit.
    padded = testdata("MR_small_padded.dcm")
    ds = pydicom.dcmread(testdata("CT_small.dcm"))
    ds.PixelData = ds.PixelData * 2  # two frames' worth for a one-frame header
    ds.save_as(tmp_path / "two_frames")
    shutil.copy(padded, tmp_path / "padded")
    reasons = {r.path.name: r.reason for r in scan(tmp_path).rejected}
    assert reasons == {
        "padded": "pixel data element holds 8,320 bytes but the header declares 8,192 "
                  "(1 × 64 × 64 × 16 bit): more than the image needs, so its size in the "
                  "header is wrong",
        "two_frames": "pixel data element holds 65,536 bytes but the header declares 32,768 "
                      "(1 × 128 × 128 × 16 bit): more than the image needs, so its size in "
                      "the header is wrong",
    }
    assert scan(tmp_path).series == ()


@pytest.mark.parametrize("syntax", ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"],
                         ids=["explicit VR", "implicit VR"])
def test_an_odd_length_image_padded_to_even_length_loads(make_dataset, tmp_path, syntax):
    # 7 × 5 pixels of 8 bits are 35 bytes, stored as 36: the one trailing byte that makes
    # every value even in length (PS3.5 §8.1.1) is padding, not excess data.
    pixels = np.arange(35, dtype=np.uint8).reshape(7, 5)
    ds = make_dataset(pixels=pixels, BitsAllocated=8, BitsStored=8, HighBit=7)
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(tmp_path / "odd", enforce_file_format=True)
    raw = (tmp_path / "odd").read_bytes()
    assert raw.endswith(pixels.tobytes() + b"\x00")
    (series,) = scan(tmp_path / "odd").series
    assert np.array_equal(load_volume(series).voxels[0], pixels)
    # One byte more than the padding is excess data: rejected.
    ds.PixelData = pixels.tobytes() + b"\x00\x00\x00"
    ds.save_as(tmp_path / "excess", enforce_file_format=True)
    (rejected,) = scan(tmp_path / "excess").rejected
    assert rejected.reason.startswith("pixel data element holds 38 bytes but the header "
                                      "declares 35 (1 × 7 × 5 × 8 bit): more than")
