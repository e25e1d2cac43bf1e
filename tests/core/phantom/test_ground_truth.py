"""The ground truth beside each study is what the pixels show.

Each lesion's viable and total longest diameters are recovered from the arterial-phase
pixel data alone — thresholds halfway between tissues, connected components, the farthest
pair of boundary pixels — and must match the written ground truth within one pixel.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pydicom
import pytest
from scipy import ndimage

from core.model.imaging import Modality, Phase
from core.phantom import WrittenStudy
from core.phantom.study import GROUND_TRUTH_NAME
from core.phantom.tissues import APPEARANCE, Tissue


def _hu(tissue: Tissue) -> float:
    return APPEARANCE[tissue].value(Modality.CT, Phase.ARTERIAL)


LIVER, VIABLE, NECROSIS = _hu(Tissue.LIVER), _hu(Tissue.HCC_VIABLE), _hu(Tissue.NECROSIS)
ROI_RADIUS_MM = 34.0


def arterial_slice(dicom_folder: Path, arterial_uid: str, z_mm: float) -> pydicom.Dataset:
    """The arterial image at patient position *z_mm*."""
    for path in dicom_folder.iterdir():
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        if ds.SeriesInstanceUID == arterial_uid and \
                math.isclose(float(ds.ImagePositionPatient[2]), z_mm, abs_tol=1e-3):
            return pydicom.dcmread(path)
    raise AssertionError(f"no arterial image at z={z_mm}")


def longest_diameter_mm(mask: np.ndarray, pixel_mm: float) -> float:
    """Farthest pair of boundary pixel centres, plus half a pixel for the pixels' extent."""
    if not mask.any():
        return 0.0
    boundary = mask & ~ndimage.binary_erosion(mask)
    points = np.argwhere(boundary).astype(float) * pixel_mm
    d2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    return math.sqrt(float(d2.max())) + pixel_mm / 2


def _largest(mask: np.ndarray) -> np.ndarray:
    labels, n = ndimage.label(mask)
    if n == 0:
        return mask
    sizes = ndimage.sum(mask, labels, range(1, n + 1))
    return labels == 1 + int(np.argmax(sizes))


def measure_from_pixels(ds: pydicom.Dataset, centre_xy_mm: tuple[float, float]
                        ) -> tuple[float, float]:
    """(viable, total) longest diameters in mm of the lesion around *centre_xy_mm*."""
    hu = ds.pixel_array.astype(float) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    px = float(ds.PixelSpacing[0])
    x0, y0 = float(ds.ImagePositionPatient[0]), float(ds.ImagePositionPatient[1])
    col, row = round((centre_xy_mm[0] - x0) / px), round((centre_xy_mm[1] - y0) / px)
    r = math.ceil(ROI_RADIUS_MM / px)
    roi = hu[row - r: row + r + 1, col - r: col + r + 1]

    # The whole lesion: anything unlike liver (a 3x3 mean tames noise), holes filled.
    smooth = ndimage.uniform_filter(roi, 3)
    unlike_liver = (smooth > (VIABLE + LIVER) / 2) | (smooth < (NECROSIS + LIVER) / 2)
    lesion = ndimage.binary_fill_holes(ndimage.binary_closing(unlike_liver, iterations=1))
    labels, _ = ndimage.label(lesion)
    near_centre = labels[r - 2: r + 3, r - 2: r + 3]
    total = labels == np.bincount(near_centre[near_centre > 0]).argmax()
    # Viable tumour: arterial hyperenhancement inside the lesion (not a nearby vessel).
    viable = _largest((roi > (VIABLE + LIVER) / 2) & ndimage.binary_dilation(total))
    if viable.sum() < 3:  # a few noise pixels are not a viable tumour
        viable = np.zeros_like(viable)
    return longest_diameter_mm(viable, px), longest_diameter_mm(total, px)


def _check_study(folder: Path) -> list[tuple[str, float, float, float, float, float]]:
    truth = json.loads((folder / GROUND_TRUTH_NAME).read_text())
    arterial_uid = next(s["series_instance_uid"] for s in truth["series"]
                        if s["phase"] == "arterial")
    rows = []
    for lesion in truth["lesions"]:
        if lesion["pattern"] != "typical_hcc":
            continue
        ds = arterial_slice(folder / "dicom", arterial_uid, lesion["slice_z_mm"])
        viable, total = measure_from_pixels(ds, lesion["centre_mm"][:2])
        rows.append((f"{truth['subject']} {truth['timepoint']} {lesion['id']}",
                     float(ds.PixelSpacing[0]), viable, lesion["viable_longest_diameter_mm"],
                     total, lesion["total_longest_diameter_mm"]))
    return rows


def _assert_within_one_pixel(rows) -> None:
    for name, px, viable, viable_truth, total, total_truth in rows:
        assert viable == pytest.approx(viable_truth, abs=px), f"{name} viable"
        assert total == pytest.approx(total_truth, abs=px), f"{name} total"


def test_full_size_diameters_match_ground_truth_within_one_pixel(full_ct_study: WrittenStudy):
    rows = _check_study(full_ct_study.folder)
    assert len(rows) == 2
    # The responder at week 6: necrosis makes the viable diameter much smaller.
    assert all(viable_truth < 0.6 * total_truth for _, _, _, viable_truth, _, total_truth in rows)
    _assert_within_one_pixel(rows)


def test_every_demo_lesion_matches_ground_truth_within_one_pixel(demo_trial: Path):
    manifest = json.loads((demo_trial / "trial.json").read_text())
    rows = [row for subject in manifest["subjects"] for tp in subject["timepoints"]
            for row in _check_study(demo_trial / tp["folder"])]
    assert len(rows) == 16  # 2+2+2 (HCC-001) + 2+2+2 (HCC-002) + 1+1+2 (HCC-003)
    assert any(viable_truth == 0 for _, _, _, viable_truth, _, _ in rows)  # the CR
    _assert_within_one_pixel(rows)


def test_long_axes_are_off_the_pixel_rows(full_ct_study: WrittenStudy):
    for lesion in full_ct_study.ground_truth["lesions"]:
        if lesion["pattern"] != "typical_hcc":
            continue
        (x0, y0, _), (x1, y1, _) = lesion["total_endpoints_mm"]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0)) % 90
        assert 10 < angle < 80
