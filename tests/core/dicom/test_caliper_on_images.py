"""Calipers on loaded DICOM images: oblique anisotropic series and the phantom's truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.dicom import load_volume, scan
from core.geometry import caliper_length_mm, measure_line, plane_of_slice
from core.model.imaging import Phase


def test_oblique_anisotropic_dicom_series_measures_true_mm(write_image, tmp_path):
    a = math.radians(25)
    row_dir = np.array([math.cos(a), 0.0, math.sin(a)])  # oblique sagittal-coronal
    col_dir = np.array([0.0, 1.0, 0.0])
    normal = np.cross(row_dir, col_dir)
    for k in range(3):
        write_image(position=tuple(np.array([1.0, 2.0, 3.0]) + 3.0 * k * normal),
                    orientation=(*row_dir, *col_dir), pixel_spacing=(0.6, 0.9))
    volume = load_volume(scan(tmp_path).series[0])
    plane = plane_of_slice(volume, 1)
    line = measure_line(plane, (1, 1), (6, 4))
    assert line.length_mm == pytest.approx(math.hypot(5 * 0.6, 3 * 0.9))
    # The end lies where the DICOM header puts pixel (6, 4) of that image.
    origin = volume.patient_position((1, 0, 0))
    assert line.end_xyz == pytest.approx(origin + 6 * 0.6 * col_dir + 4 * 0.9 * row_dir)


def test_unmeasurable_volume_has_no_plane(write_image, tmp_path):
    write_image(pixel_spacing=None)
    volume = load_volume(scan(tmp_path).series[0])
    with pytest.raises(ValueError, match="not measured"):
        plane_of_slice(volume, 0)


def test_phantom_lesion_diameters_match_ground_truth(small_ct_study):
    series = next(s for s in scan(small_ct_study.dicom_folder).series
                  if s.phase.phase is Phase.ARTERIAL)
    volume = load_volume(series)
    for lesion in small_ct_study.ground_truth["lesions"]:
        if "viable_endpoints_mm" not in lesion:
            continue
        plane = plane_of_slice(volume, lesion["slice_index"])
        for key in ("viable", "total"):
            start_xyz, end_xyz = lesion[f"{key}_endpoints_mm"]
            assert plane.distance_from_plane_mm(start_xyz) == pytest.approx(0, abs=1e-6)
            length = caliper_length_mm(plane, plane.to_pixel_rc(start_xyz),
                                       plane.to_pixel_rc(end_xyz))
            assert length == pytest.approx(lesion[f"{key}_longest_diameter_mm"], abs=0.01)
