"""Pixel values of the written phases follow the enhancement patterns readers rely on."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pydicom
import pytest
from scipy import ndimage

from core.model.imaging import Modality, Phase
from core.phantom import PhantomSize, WrittenStudy, demo_scenarios, label_volume
from core.phantom.demo import scenario_study_spec
from core.phantom.tissues import Tissue

PHASE_OF = {"NON CON": Phase.PRE_CONTRAST, "LATE ART": Phase.ARTERIAL,
            "PV 70s": Phase.PORTAL_VENOUS, "DELAYED": Phase.DELAYED}


def read_phases(study: WrittenStudy, phase_of: dict[str, Phase]) -> dict[Phase, np.ndarray]:
    """Each phase as a (slices, rows, columns) array in modality units, head first."""
    slices: dict[Phase, list[tuple[float, np.ndarray]]] = defaultdict(list)
    for path in study.dicom_folder.iterdir():
        ds = pydicom.dcmread(path)
        phase = next(p for key, p in phase_of.items() if ds.SeriesDescription.startswith(key))
        values = ds.pixel_array.astype(float) * float(ds.get("RescaleSlope", 1)) \
            + float(ds.get("RescaleIntercept", 0))
        slices[phase].append((float(ds.ImagePositionPatient[2]), values))
    return {phase: np.stack([v for _, v in sorted(items, key=lambda t: -t[0])])
            for phase, items in slices.items()}


@pytest.fixture(scope="module")
def ct_phases(small_ct_study) -> dict[Phase, np.ndarray]:
    return read_phases(small_ct_study, PHASE_OF)


@pytest.fixture(scope="module")
def ct_labels() -> np.ndarray:
    spec = scenario_study_spec(demo_scenarios()[1], 2, 0, PhantomSize.SMALL, compress=False)
    return label_volume(spec)


@pytest.fixture(scope="module")
def full_ct_phases(full_ct_study) -> dict[Phase, np.ndarray]:
    phase_of = {"Leber nativ": Phase.PRE_CONTRAST, "Leber arteriell": Phase.ARTERIAL,
                "Leber portalven": Phase.PORTAL_VENOUS, "Leber Spät": Phase.DELAYED}
    return read_phases(full_ct_study, phase_of)


@pytest.fixture(scope="module")
def full_ct_labels() -> np.ndarray:
    return label_volume(scenario_study_spec(demo_scenarios()[0], 1, 1, PhantomSize.FULL,
                                            compress=True))


def _interior(labels: np.ndarray, tissue: Tissue) -> np.ndarray:
    """Voxels of *tissue* at least one voxel from its edge (away from partial volume)."""
    return ndimage.binary_erosion(labels == tissue, structure=np.ones((1, 3, 3)))


def _mean(volume: np.ndarray, mask: np.ndarray) -> float:
    assert mask.sum() >= 8, "too few voxels to measure"
    return float(volume[mask].mean())


def test_viable_tumour_hyperenhances_arterially_and_washes_out(ct_phases, ct_labels):
    viable, liver = _interior(ct_labels, Tissue.HCC_VIABLE), _interior(ct_labels, Tissue.LIVER)
    art, pv = ct_phases[Phase.ARTERIAL], ct_phases[Phase.PORTAL_VENOUS]
    assert _mean(art, viable) >= _mean(art, liver) + 50
    assert _mean(pv, viable) < _mean(pv, liver)
    assert _mean(ct_phases[Phase.DELAYED], viable) < _mean(ct_phases[Phase.DELAYED], liver)


def test_necrosis_does_not_enhance_in_any_phase(full_ct_phases, full_ct_labels):
    necrosis = _interior(full_ct_labels, Tissue.NECROSIS)
    means = [_mean(full_ct_phases[p], necrosis) for p in full_ct_phases]
    assert max(means) - min(means) < 10


def test_full_size_viable_part_enhances_like_hcc(full_ct_phases, full_ct_labels):
    viable = _interior(full_ct_labels, Tissue.HCC_VIABLE)
    liver = _interior(full_ct_labels, Tissue.LIVER)
    art, pv = full_ct_phases[Phase.ARTERIAL], full_ct_phases[Phase.PORTAL_VENOUS]
    assert _mean(art, viable) >= _mean(art, liver) + 50
    assert _mean(pv, viable) < _mean(pv, liver)


@pytest.mark.parametrize(("tissue", "brightest"), [
    (Tissue.AORTA, Phase.ARTERIAL),
    (Tissue.PORTAL_VEIN, Phase.PORTAL_VENOUS),
    (Tissue.LIVER, Phase.PORTAL_VENOUS),
])
def test_vessels_and_liver_peak_in_their_phase(ct_phases, ct_labels, tissue, brightest):
    mask = _interior(ct_labels, tissue)
    means = {p: _mean(v, mask) for p, v in ct_phases.items()}
    assert max(means, key=means.get) is brightest


def test_tumour_thrombus_enhances_arterially_and_is_a_filling_defect(ct_phases, ct_labels):
    thrombus = _interior(ct_labels, Tissue.TUMOUR_THROMBUS)
    vein = _interior(ct_labels, Tissue.PORTAL_VEIN)
    assert _mean(ct_phases[Phase.ARTERIAL], thrombus) > _mean(ct_phases[Phase.PRE_CONTRAST],
                                                               thrombus) + 50
    assert _mean(ct_phases[Phase.PORTAL_VENOUS], thrombus) < \
        _mean(ct_phases[Phase.PORTAL_VENOUS], vein) - 50


def test_hu_values_are_plausible(ct_phases, ct_labels):
    pre = ct_phases[Phase.PRE_CONTRAST]
    assert _mean(pre, _interior(ct_labels, Tissue.SUBCUTANEOUS_FAT)) == pytest.approx(-105, abs=5)
    assert _mean(pre, _interior(ct_labels, Tissue.LIVER)) == pytest.approx(58, abs=5)
    assert _mean(pre, _interior(ct_labels, Tissue.AIR)) == -1000
    noise = pre[_interior(ct_labels, Tissue.MUSCLE)].std()
    assert 4 < noise < 15  # mild noise, as in a standard-dose scan


def test_mr_dynamic_signal_follows_the_same_pattern(small_mr_study):
    phase_of = {"t1_vibe_fs_tra_bh_pre": Phase.PRE_CONTRAST,
                "t1_vibe_fs_tra_bh_art": Phase.ARTERIAL,
                "t1_vibe_fs_tra_bh_pv": Phase.PORTAL_VENOUS,
                "t1_vibe_fs_tra_bh_3min": Phase.DELAYED}
    phases = read_phases(small_mr_study, phase_of)
    spec = scenario_study_spec(demo_scenarios()[2], 3, 2, PhantomSize.SMALL, Modality.MR,
                               compress=False)
    labels = label_volume(spec)
    viable, liver = _interior(labels, Tissue.HCC_VIABLE), _interior(labels, Tissue.LIVER)
    assert _mean(phases[Phase.ARTERIAL], viable) > 1.4 * _mean(phases[Phase.ARTERIAL], liver)
    assert _mean(phases[Phase.PORTAL_VENOUS], viable) < _mean(phases[Phase.PORTAL_VENOUS], liver)
