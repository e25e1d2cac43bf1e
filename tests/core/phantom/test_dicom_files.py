"""The phantom's files read back with pydicom: correct DICOM, consistent geometry."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pydicom
import pytest
from pydicom.uid import CTImageStorage, MRImageStorage, RLELossless

from core.phantom import PhantomSize, WrittenStudy, ct_grid, mr_grid


def _read_all(study: WrittenStudy) -> list[pydicom.Dataset]:
    return [pydicom.dcmread(p) for p in sorted(study.dicom_folder.iterdir())]


def _by_series(datasets: list[pydicom.Dataset]) -> dict[str, list[pydicom.Dataset]]:
    series: dict[str, list[pydicom.Dataset]] = defaultdict(list)
    for ds in datasets:
        series[ds.SeriesInstanceUID].append(ds)
    return series


@pytest.fixture(scope="module")
def ct_files(small_ct_study: WrittenStudy) -> list[pydicom.Dataset]:
    return _read_all(small_ct_study)


def test_ct_study_has_four_series_of_one_study_and_frame_of_reference(ct_files):
    series = _by_series(ct_files)
    grid = ct_grid(PhantomSize.SMALL)
    assert len(series) == 4
    assert all(len(images) == grid.n_slices for images in series.values())
    assert len({ds.StudyInstanceUID for ds in ct_files}) == 1
    assert len({ds.FrameOfReferenceUID for ds in ct_files}) == 1
    assert len({ds.SOPInstanceUID for ds in ct_files}) == len(ct_files)
    assert {ds.SOPClassUID for ds in ct_files} == {CTImageStorage}


def test_positions_follow_spacing_and_orientation(ct_files):
    grid = ct_grid(PhantomSize.SMALL)
    for images in _by_series(ct_files).values():
        images.sort(key=lambda ds: int(ds.InstanceNumber))
        positions = np.array([[float(v) for v in ds.ImagePositionPatient] for ds in images])
        orientation = np.array([float(v) for v in images[0].ImageOrientationPatient])
        normal = np.cross(orientation[:3], orientation[3:])
        along = positions @ normal
        # Consecutive instances one slice spacing apart, head to feet, on one line.
        assert np.allclose(np.diff(along), -grid.slice_spacing_mm)
        assert np.allclose(positions[:, :2], positions[0, :2])
        assert np.allclose(orientation, [1, 0, 0, 0, 1, 0])
        spacing = [float(v) for v in images[0].PixelSpacing]
        assert spacing == pytest.approx([grid.pixel_spacing_mm] * 2)
        assert float(images[0].SliceThickness) == grid.slice_thickness_mm
        # The first pixel centre: half a pixel inside the field of view's edge.
        fov = grid.pixel_spacing_mm * grid.columns
        assert positions[0, 0] == pytest.approx(-fov / 2 + grid.pixel_spacing_mm / 2)


def test_phases_carry_contrast_timing_and_vendor_descriptions(ct_files):
    by_series = _by_series(ct_files)
    firsts = sorted((images[0] for images in by_series.values()),
                    key=lambda ds: ds.AcquisitionTime)
    # Pre-contrast first and without an agent; contrast phases later, with one.
    assert "ContrastBolusAgent" not in firsts[0]
    assert all(ds.ContrastBolusAgent for ds in firsts[1:])
    descriptions = [ds.SeriesDescription for ds in firsts]
    assert descriptions == ["NON CON 2.5mm", "LATE ART 2.5mm", "PV 70s 2.5mm",
                            "DELAYED 3MIN 2.5mm"]
    assert len({ds.SeriesNumber for ds in firsts}) == 4


def test_identity_is_the_subject_code_only(ct_files, small_ct_study):
    ds = ct_files[0]
    assert ds.PatientID == "HCC-002"
    assert str(ds.PatientName) == "HCC-002"
    assert ds.PatientBirthDate == ""
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.StudyDate == "20260119"
    assert ds.ClinicalTrialTimePointID == "Baseline"
    names = [p.name for p in small_ct_study.dicom_folder.iterdir()]
    assert all(re.fullmatch(r"[0-9A-F]{16}", n) for n in names)


def test_ct_values_are_hounsfield_units_after_rescale(ct_files):
    ds = ct_files[0]
    assert float(ds.RescaleIntercept) == -1024
    assert float(ds.RescaleSlope) == 1
    hu = ds.pixel_array.astype(float) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert hu[0, 0] == -1000  # air in the corner of the field of view
    assert hu.max() > 500  # bone


def test_writing_is_deterministic(tmp_path, small_ct_study):
    from core.phantom import demo_scenarios, write_study
    from core.phantom.demo import scenario_study_spec

    spec = scenario_study_spec(demo_scenarios()[1], 2, 0, PhantomSize.SMALL, compress=False)
    again = write_study(spec, tmp_path)
    first = sorted(small_ct_study.dicom_folder.iterdir())
    second = sorted(again.dicom_folder.iterdir())
    assert [p.name for p in first] == [p.name for p in second]
    assert first[7].read_bytes() == second[7].read_bytes()
    assert again.ground_truth == small_ct_study.ground_truth


def test_files_are_written_in_shuffled_order(small_ct_study):
    by_time = sorted(small_ct_study.dicom_folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    series_order = [pydicom.dcmread(p, stop_before_pixels=True).SeriesNumber
                    for p in by_time[:40]]
    assert len(set(series_order[:10])) > 1  # not one series after the other


def test_rle_compressed_study_decodes_losslessly(full_ct_study):
    path = next(full_ct_study.dicom_folder.iterdir())
    ds = pydicom.dcmread(path)
    assert ds.file_meta.TransferSyntaxUID == RLELossless
    assert ds.pixel_array.shape == (512, 512)


def test_mr_series_have_mr_tags_and_their_own_geometry(small_mr_study):
    datasets = _read_all(small_mr_study)
    grid = mr_grid(PhantomSize.SMALL)
    ds = datasets[0]
    assert ds.SOPClassUID == MRImageStorage
    assert ds.Modality == "MR"
    assert float(ds.MagneticFieldStrength) == 1.5
    assert ds.ScanningSequence == "GR"
    assert "RescaleIntercept" not in ds
    assert float(ds.PixelSpacing[0]) == pytest.approx(grid.pixel_spacing_mm)
    assert float(ds.SliceThickness) == grid.slice_thickness_mm
    assert grid.pixel_spacing_mm != ct_grid(PhantomSize.SMALL).pixel_spacing_mm
    assert grid.slice_thickness_mm != ct_grid(PhantomSize.SMALL).slice_thickness_mm
    assert len(_by_series(datasets)) == 4


def test_mr_dynamic_series_holds_all_phases_as_temporal_positions(tmp_path):
    from core.model.imaging import Modality
    from core.phantom import demo_scenarios, write_study
    from core.phantom.demo import scenario_study_spec

    spec = scenario_study_spec(demo_scenarios()[0], 1, 0, PhantomSize.SMALL, Modality.MR,
                               compress=False, mr_single_dynamic_series=True)
    study = write_study(spec, tmp_path)
    datasets = _read_all(study)
    assert len({ds.SeriesInstanceUID for ds in datasets}) == 1
    positions = defaultdict(list)
    for ds in datasets:
        positions[int(ds.TemporalPositionIdentifier)].append(ds)
    assert sorted(positions) == [1, 2, 3, 4]
    assert all(int(ds.NumberOfTemporalPositions) == 4 for ds in datasets)
    trigger = [float(positions[t][0].TriggerTime) for t in (1, 2, 3, 4)]
    assert trigger == sorted(trigger)
    instance_numbers = sorted(int(ds.InstanceNumber) for ds in datasets)
    assert instance_numbers == list(range(1, len(datasets) + 1))
