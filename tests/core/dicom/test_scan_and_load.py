"""Scanning folders, recognising phases, loading volumes with their geometry."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.dicom import load_volume, phase_from_description, scan
from core.dicom.study import load_study_phases
from core.model.imaging import Modality, Phase
from core.phantom import PhantomSize, ct_grid, demo_scenarios, write_study
from core.phantom.demo import scenario_study_spec
from core.phantom.vendors import CT_STYLES, MR_STYLES

SHARED_CT = Path(__file__).resolve().parents[3].parent / "shared" / "dicom" / \
    "tcia-hcc-tace-seg" / "HCC_048_portal_venous"


@pytest.mark.parametrize("style", CT_STYLES + MR_STYLES, ids=lambda s: s.model)
def test_every_vendor_style_description_names_its_phase(style):
    for phase, description in style.descriptions.items():
        assert phase_from_description(description) is phase, description


@pytest.mark.parametrize(("description", "phase"), [
    ("ABD/PELVIS W/O", Phase.PRE_CONTRAST),
    ("Arterial Phase 1.25mm", Phase.ARTERIAL),
    ("Fase arterial tardía", Phase.ARTERIAL),
    ("PORTAL VENOUS 3.0 B31f", Phase.PORTAL_VENOUS),
    ("Equilibrium 5mm", Phase.DELAYED),
    ("Ax LAVA HBP 20 min", Phase.HEPATOBILIARY),
    ("Recon 3: LIVER 2 PHASE (C/A/P)", None),
])
def test_descriptions_in_other_words(description, phase):
    assert phase_from_description(description) is phase


def test_scan_groups_a_shuffled_study_and_reports_non_dicom(small_ct_study):
    (small_ct_study.folder / "notes.txt").write_text("not an image")
    result = scan(small_ct_study.folder)
    assert len(result.studies) == 1
    study = result.studies[0]
    assert study.patient_id == "HCC-002"
    assert [s.phase.phase for s in study.series] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED]
    assert all(s.n_images == ct_grid(PhantomSize.SMALL).n_slices for s in study.series)
    rejected = {p.name: reason for p, reason in ((r.path, r.reason) for r in result.rejected)}
    assert rejected == {"ground_truth.json": "not a DICOM file (no DICM preamble)",
                        "notes.txt": "not a DICOM file (no DICM preamble)"}


def test_duplicate_files_are_reported_once(small_ct_study, tmp_path):
    source = next(small_ct_study.dicom_folder.iterdir())
    (tmp_path / "a").write_bytes(source.read_bytes())
    (tmp_path / "b").write_bytes(source.read_bytes())
    result = scan(tmp_path)
    assert sum(s.n_images for s in result.studies[0].series) == 1
    assert [r.reason for r in result.rejected] == ["duplicate of a (same SOP Instance UID)"]


def test_mr_dynamic_series_splits_into_phases_by_timing(tmp_path):
    spec = scenario_study_spec(demo_scenarios()[0], 1, 0, PhantomSize.SMALL, Modality.MR,
                               compress=False, mr_single_dynamic_series=True)
    write_study(spec, tmp_path)
    series = scan(tmp_path).studies[0].series
    assert len({s.series_instance_uid for s in series}) == 1
    assert [s.temporal_position for s in series] == [1, 2, 3, 4]
    assert [s.phase.phase for s in series] == [
        Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS, Phase.DELAYED]
    assert "20 s after the contrast injection" in series[1].phase.reason


def test_loaded_volume_places_lesions_where_the_ground_truth_says(full_ct_study):
    volumes = load_study_phases(full_ct_study.dicom_folder)
    arterial = next(v for v in volumes if v.phase is Phase.ARTERIAL)
    assert arterial.voxels.shape == (81, 512, 512)
    assert arterial.spacing_mm == pytest.approx((2.5, 380 / 512, 380 / 512))
    lesion = full_ct_study.ground_truth["lesions"][0]
    start = np.array(lesion["viable_endpoints_mm"][0])
    end = np.array(lesion["viable_endpoints_mm"][1])
    inside = start + 0.5 * (end - start)  # the middle of the viable diameter
    index = np.linalg.solve(arterial.affine, [*inside, 1.0])[:3]
    k, r, c = (round(float(i)) for i in index)
    assert k == lesion["slice_index"]
    assert arterial.voxels[k, r, c] > 120  # enhancing tumour, in HU


@pytest.mark.skipif(not SHARED_CT.is_dir(), reason=f"shared TCIA series not at {SHARED_CT}")
def test_real_tcia_portal_venous_series_loads_with_its_geometry():
    result = scan(SHARED_CT)
    assert result.rejected == ()
    (series,) = result.studies[0].series
    volume = load_volume(series)
    assert volume.voxels.shape == (89, 512, 512)
    assert volume.spacing_mm == pytest.approx((2.5, 0.703125, 0.703125))
    zs = [volume.slice_position_mm(k) for k in (0, volume.n_slices - 1)]
    assert zs == pytest.approx([-176.0, -396.0])  # head first
    assert volume.voxels[:, :20, :20].mean() < -900  # air around the patient
    assert volume.modality is Modality.CT
