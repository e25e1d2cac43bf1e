"""Slices go where the headers say, and every geometric oddity is named in a warning."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import EnhancedCTImageStorage, EnhancedMRImageStorage

from core.dicom import load_volume, scan
from core.dicom.volume import read_slice

SHARED_CT = Path(__file__).resolve().parents[3].parent / "shared" / "dicom" / \
    "tcia-hcc-tace-seg" / "HCC_048_portal_venous"


def _axial_series(write_image, zs, **kwargs):
    for z in zs:
        write_image(position=(-10.0, -20.0, z), **kwargs)


def test_axial_series_runs_head_first_with_exact_affine(write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0, 4.0, 6.0])
    (series,) = scan(tmp_path).series
    volume = load_volume(series)
    assert volume.warnings == ()
    assert volume.spacing_mm == pytest.approx((2.0, 0.5, 0.8))
    # Slice 0 is the most cranial (z = 6); column index runs along +x, row index along +y.
    assert volume.patient_position((0, 0, 0)) == pytest.approx((-10, -20, 6))
    assert volume.patient_position((3, 2, 5)) == pytest.approx((-10 + 5 * 0.8, -20 + 2 * 0.5, 0))
    assert series.slice_spacing_mm == pytest.approx(2.0)


def test_missing_slice_is_a_blank_slice_so_every_slice_keeps_its_position(
        write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0, 4.0, 8.0, 10.0],
                  pixels=np.full((8, 6), 50, dtype=np.int16))
    (series,) = scan(tmp_path).series
    volume = load_volume(series)
    assert volume.warnings == (
        "1 slice(s) missing (gaps at z 8.0 to 4.0 mm): shown as blank slices, so every slice "
        "keeps its true position",)
    assert volume.n_slices == 6
    assert series.n_images == 5
    assert [volume.slice_position_mm(k) for k in range(6)] == pytest.approx(
        [10, 8, 6, 4, 2, 0])
    assert volume.sop_instance_uids[2] == ""  # nothing to measure on, nothing to reference
    assert volume.frame_numbers[2] is None
    assert volume.is_measurable


def test_sparse_images_are_not_padded_with_blank_slices(write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0, 100.0])
    volume = load_volume(scan(tmp_path).series[0])
    assert volume.n_slices == 3
    assert volume.warnings[0].startswith("48 slice(s) missing, more than there are images")


def test_uneven_spacing_is_reported(write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0, 3.1, 5.0])
    (series,) = scan(tmp_path).series
    assert series.warnings == (
        "uneven slice spacing, 1.10 to 2.00 mm: positions along the stack are approximate",)


def test_duplicate_position_is_left_out_and_reported(write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0, 2.0, 4.0])
    result = scan(tmp_path)
    (series,) = result.series
    assert series.n_images == 3
    assert series.warnings == ("1 image(s) at a position already taken by another image of "
                               "the series were left out",)
    (rejected,) = result.rejected
    assert rejected.reason.startswith("same position as IM0000")


def test_gantry_tilt_is_reported_and_slices_keep_their_positions(write_image, tmp_path):
    tilt = math.radians(20)
    orientation = (1.0, 0.0, 0.0, 0.0, math.cos(tilt), math.sin(tilt))
    _axial_series(write_image, [0.0, 3.0, 6.0], orientation=orientation)
    volume = load_volume(scan(tmp_path).series[0])
    assert volume.warnings == ("gantry tilt of 20.0°: slices are sheared in patient space "
                               "(shown as acquired; in-plane measurements are exact)",)
    for k, z in enumerate([6.0, 3.0, 0.0]):
        assert volume.patient_position((k, 0, 0)) == pytest.approx((-10, -20, z))
    row = volume.patient_position((0, 1, 0)) - volume.patient_position((0, 0, 0))
    assert row == pytest.approx((0, 0.5 * math.cos(tilt), 0.5 * math.sin(tilt)))


def test_oblique_orientation_places_pixels_along_the_direction_cosines(write_image, tmp_path):
    a = math.radians(30)
    row_dir = (math.cos(a), math.sin(a), 0.0)
    col_dir = (0.0, 0.0, -1.0)  # an oblique coronal plane
    normal = np.cross(row_dir, col_dir)
    for k in range(3):
        write_image(position=tuple(np.array([5.0, 6.0, 7.0]) + 4.0 * k * normal),
                    orientation=(*row_dir, *col_dir))
    volume = load_volume(scan(tmp_path).series[0])
    assert volume.warnings == ()
    origin = volume.patient_position((0, 0, 0))
    assert volume.patient_position((0, 3, 2)) - origin == pytest.approx(
        3 * 0.5 * np.array(col_dir) + 2 * 0.8 * np.array(row_dir))
    assert volume.spacing_mm == pytest.approx((4.0, 0.5, 0.8))


def test_missing_pixel_spacing_is_viewable_but_not_measurable(write_image, tmp_path):
    _axial_series(write_image, [0.0, 2.0], pixel_spacing=None)
    volume = load_volume(scan(tmp_path).series[0])
    assert not volume.is_measurable
    assert volume.warnings == ("no PixelSpacing: the images can be viewed but not measured",)


def test_missing_positions_keep_instance_order(write_image, tmp_path):
    for n in (3, 1, 2):
        write_image(position=None, orientation=None, InstanceNumber=n,
                    pixels=np.full((8, 6), n, dtype=np.int16))
    volume = load_volume(scan(tmp_path).series[0])
    assert volume.voxels[:, 0, 0].tolist() == [1, 2, 3]
    assert "cannot be placed in the patient" in volume.warnings[1]


def test_rescale_and_monochrome1(write_image, tmp_path):
    raw = np.arange(48, dtype=np.int16).reshape(8, 6)
    write_image(pixels=raw, RescaleSlope=2, RescaleIntercept=-1024,
                PhotometricInterpretation="MONOCHROME1")
    (series,) = scan(tmp_path).series
    volume = load_volume(series)
    assert np.array_equal(volume.voxels[0], raw * 2.0 - 1024)  # HU kept, display inverts
    assert volume.is_monochrome1
    assert np.array_equal(read_slice(series), volume.voxels[0])


def test_dynamic_series_without_temporal_positions_splits_by_acquisition_time(
        write_image, tmp_path):
    for time, value in (("101500", 1), ("101000", 0), ("102000", 2)):
        for z in (0.0, 2.0):
            write_image(position=(0, 0, z), AcquisitionTime=time, ContrastBolusAgent="Gd",
                        pixels=np.full((8, 6), value, dtype=np.int16))
    series = scan(tmp_path).series
    assert [s.temporal_position for s in series] == [1, 2, 3]
    assert [load_volume(s).voxels[0, 0, 0] for s in series] == [0, 1, 2]
    assert all(s.warnings == () for s in series)


def _enhanced(make_dataset, sop_class, frames):
    """An enhanced multi-frame image: *frames* is [(z, temporal index, slope, pixel value)]."""
    pixels = np.stack([np.full((8, 6), v, dtype=np.int16) for *_, v in frames])
    ds = make_dataset(position=None, orientation=None, pixel_spacing=None,
                      pixels=pixels[0])
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.NumberOfFrames = len(frames)
    shared = Dataset()
    orientation, measures = Dataset(), Dataset()
    orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    measures.PixelSpacing, measures.SliceThickness = [0.7, 0.7], 3
    shared.PlaneOrientationSequence = Sequence([orientation])
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    items = []
    for z, temporal, slope, _ in frames:
        item, position, content, transform = Dataset(), Dataset(), Dataset(), Dataset()
        position.ImagePositionPatient = [0, 0, z]
        content.TemporalPositionIndex = temporal
        transform.RescaleSlope, transform.RescaleIntercept = slope, -1000
        item.PlanePositionSequence = Sequence([position])
        item.FrameContentSequence = Sequence([content])
        item.PixelValueTransformationSequence = Sequence([transform])
        items.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(items)
    ds.PixelData = pixels.tobytes()
    return ds


def test_enhanced_ct_frames_are_placed_and_rescaled_one_by_one(make_dataset, tmp_path):
    ds = _enhanced(make_dataset, EnhancedCTImageStorage,
                   [(0.0, 1, 1, 10), (6.0, 1, 2, 30), (3.0, 1, 1, 20)])
    ds.save_as(tmp_path / "enhanced.dcm")
    (series,) = scan(tmp_path).series
    volume = load_volume(series)
    assert volume.voxels[:, 0, 0].tolist() == [2 * 30 - 1000, 20 - 1000, 10 - 1000]
    assert volume.frame_numbers == (2, 3, 1)
    assert len(set(volume.sop_instance_uids)) == 1
    assert volume.spacing_mm == pytest.approx((3.0, 0.7, 0.7))
    assert volume.patient_position((0, 0, 0)) == pytest.approx((0, 0, 6))


def test_enhanced_mr_splits_by_temporal_position(make_dataset, tmp_path):
    ds = _enhanced(make_dataset, EnhancedMRImageStorage,
                   [(0.0, 1, 1, 1), (3.0, 1, 1, 1), (0.0, 2, 1, 2), (3.0, 2, 1, 2)])
    ds.Modality = "MR"
    ds.save_as(tmp_path / "dynamic.dcm")
    series = scan(tmp_path).series
    assert [(s.temporal_position, s.n_images) for s in series] == [(1, 2), (2, 2)]
    assert [load_volume(s).voxels[0, 0, 0] for s in series] == [-999, -998]


def test_zip_member_slice_reads_through_the_decoder_path(write_image, tmp_path):
    import zipfile

    path = write_image(position=(0, 0, 0))
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.write(path, "x/IM")
    path.unlink()
    (series,) = scan(tmp_path / "a.zip").series
    assert read_slice(series).shape == (8, 6)
    assert isinstance(series.headers[0].display_path, Path)


@pytest.mark.skipif(not SHARED_CT.is_dir(), reason=f"shared TCIA series not at {SHARED_CT}")
def test_real_tcia_series_hu_match_the_stored_values_rescaled():
    (series,) = scan(SHARED_CT).series
    volume = load_volume(series)
    assert volume.warnings == ()
    assert volume.is_measurable
    # Signed 16-bit with intercept -1024: the header allows -33,792 HU, the pixels fit int16.
    assert volume.voxels.dtype == np.int16
    for k in (0, 44, 88):
        ds = pydicom.dcmread(SHARED_CT / series.headers[k].path.name)
        assert volume.sop_instance_uids[k] == ds.SOPInstanceUID
        expected = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        assert np.array_equal(volume.voxels[k], expected.astype(np.float32))
        assert volume.patient_position((k, 0, 0)) == pytest.approx(
            [float(v) for v in ds.ImagePositionPatient])


@pytest.mark.parametrize(("keyword", "values"), [
    ("TriggerTime", (2000.0, 0.0, 1000.0)),
    ("AcquisitionNumber", (3, 1, 2)),
])
def test_dynamic_series_splits_by_trigger_time_or_acquisition_number(write_image, tmp_path,
                                                                     keyword, values):
    for value, fill in zip(values, (2, 0, 1), strict=True):
        for z in (0.0, 2.0):
            write_image(position=(0, 0, z), Modality="MR", **{keyword: value},
                        pixels=np.full((8, 6), fill, dtype=np.int16))
    series = scan(tmp_path).series
    assert [s.temporal_position for s in series] == [1, 2, 3]
    assert [load_volume(s).voxels[0, 0, 0] for s in series] == [0, 1, 2]


def test_dynamic_series_with_a_slice_missing_in_one_phase_still_splits(write_image, tmp_path):
    for time, value in (("101000", 0), ("101030", 1), ("101100", 2)):
        for z in (0.0, 2.0, 4.0):
            if (value, z) == (1, 2.0):
                continue  # the arterial phase lost its middle slice
            write_image(position=(0, 0, z), Modality="MR", AcquisitionTime=time,
                        pixels=np.full((8, 6), value, dtype=np.int16))
    series = scan(tmp_path).series
    assert [(s.temporal_position, s.n_images) for s in series] == [(1, 3), (2, 2), (3, 3)]
    assert [load_volume(s).voxels[0, 0, 0] for s in series] == [0, 1, 2]


def test_one_reacquired_slice_is_a_duplicate_not_a_time_point(write_image, tmp_path):
    for z in (0.0, 2.0, 4.0, 6.0):
        write_image(position=(0, 0, z), AcquisitionNumber=1, InstanceNumber=int(z))
    write_image(position=(0, 0, 2.0), AcquisitionNumber=2, InstanceNumber=9)
    result = scan(tmp_path)
    (series,) = result.series
    assert series.n_images == 4
    assert [r.reason[:16] for r in result.rejected] == ["same position as"]


@pytest.mark.parametrize("has_offset_table", [True, False])
def test_compressed_dynamic_mr_loads_each_temporal_position_from_its_own_frames(
        make_dataset, tmp_path, has_offset_table):
    # One temporal position of a compressed multi-frame series reads only its frames, in
    # one walk over the fragments (no offset table: pydicom's frame-by-index access would
    # walk from the start for every frame).
    from pydicom.encaps import encapsulate, generate_frames
    from pydicom.pixels.utils import pixel_array
    from pydicom.uid import RLELossless

    frames = [(z, t, 1, 100 * t + k) for t in (1, 2, 3) for k, z in enumerate((0.0, 3.0))]
    ds = _enhanced(make_dataset, EnhancedMRImageStorage, frames)
    ds.Modality = "MR"
    pixels = ds.pixel_array.copy()
    pixels[:, 1, 2] += np.arange(len(frames), dtype=np.int16)  # each frame different
    ds.PixelData = pixels.tobytes()
    ds.compress(RLELossless)
    encoded = list(generate_frames(ds.PixelData, number_of_frames=len(frames)))
    ds.PixelData = encapsulate(encoded, has_bot=has_offset_table)
    ds.save_as(tmp_path / "dynamic.dcm")
    expected = pixel_array(tmp_path / "dynamic.dcm").astype(np.int32) - 1000
    series = scan(tmp_path).series
    assert [s.temporal_position for s in series] == [1, 2, 3]
    for t, s in zip((1, 2, 3), series, strict=True):
        volume = load_volume(s)
        assert volume.voxels.dtype == np.int16
        # Frames k of position t are 2(t-1)+k; the volume runs head first (z = 3, then 0).
        first = 2 * (t - 1)
        assert np.array_equal(volume.voxels, expected[[first + 1, first]])
