"""The real CT (declines or plausible answers, never a crash) and ``mrecist suggest``."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import pytest

from core.cli import main
from core.dicom import load_volume, scan
from core.model.imaging import Phase
from core.suggest import Declined, suggest_diameters

SHARED_CT = Path(__file__).resolve().parents[3].parent / "shared" / "dicom" / \
    "tcia-hcc-tace-seg" / "HCC_048_portal_venous"
SHARED_UID = "1.3.6.1.4.1.14519.5.2.1.1706.8374.212512542241432476118639218381"
needs_shared_ct = pytest.mark.skipif(not SHARED_CT.is_dir(),
                                     reason="the TCIA CT is not beside the repository")
# Slice 30 (z = -251 mm) of HCC_048: the liver, the air beside the body, the vertebral
# body, the aorta, the stomach, the lung base; and points between.
REAL_POINTS = [(-60.5, -25.3, -251.0), (-170.0, -170.0, -251.0), (4.2, 34.4, -251.0),
               (14.8, 8.4, -251.0), (60.0, -20.0, -251.0), (-60.0, 60.0, -251.0),
               (-90.0, -40.0, -300.0), (-40.0, 0.0, -200.0), (-100.0, 10.0, -350.0)]


@needs_shared_ct
def test_real_ct_declines_or_answers_plausibly_and_fast():
    volume = load_volume(scan(SHARED_CT).studies[0].series[0])
    # Only its portal venous series is here (SOURCE.md): as it is, it is declined; named
    # arterial (as a reader may with --phase), the algorithm runs on real anatomy.
    assert isinstance(suggest_diameters(volume, REAL_POINTS[0]).total, Declined)
    arterial = dataclasses.replace(volume, phase=Phase.ARTERIAL)
    shape = np.array(volume.voxels.shape)
    for point in REAL_POINTS:
        started = time.perf_counter()
        got = suggest_diameters(arterial, point)
        assert time.perf_counter() - started < 1.0, point  # 512² × 89 slices
        for suggestion in (got.viable, got.total):
            if isinstance(suggestion, Declined):
                assert suggestion.detail, point
                continue
            assert 5.0 <= suggestion.length_mm <= 160.0, (point, suggestion)
            assert 0.0 <= suggestion.confidence <= 1.0
            assert 0 <= suggestion.slice_index < shape[0]
            for r, c in (suggestion.start_rc, suggestion.end_rc):
                assert 0 <= r < shape[1]
                assert 0 <= c < shape[2]
    liver = suggest_diameters(arterial, REAL_POINTS[0])
    assert isinstance(liver.total, Declined)  # plain liver is no lesion
    assert liver.background_hu is not None
    assert 80 < liver.background_hu < 140


@needs_shared_ct
def test_cli_on_the_real_ct_declines_without_an_arterial_series(capsys):
    assert main(["suggest", str(SHARED_CT), "--point=-60.5,-25.3,-251", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["viable"]["declined"] == out["total"]["declined"] == "not_arterial"
    assert main(["suggest", str(SHARED_CT), "--point=-60.5,-25.3,-251",
                 "--phase", f"{SHARED_UID}=arterial"]) == 0
    assert "total: declined (no_lesion_at_seed)" in capsys.readouterr().out


def test_cli_prints_both_diameters_of_a_phantom_lesion(small_ct_study, capsys):
    lesion = small_ct_study.ground_truth["lesions"][0]
    point = ",".join(str(v) for v in lesion["centre_mm"])
    assert main(["suggest", str(small_ct_study.dicom_folder), f"--point={point}",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for kind in ("viable", "total"):
        got = out[kind]
        assert got["length_mm"] == pytest.approx(lesion[f"{kind}_longest_diameter_mm"],
                                                 abs=2 * 3.0)  # small: 3 mm pixels
        assert len(got["start_xyz_mm"]) == len(got["end_xyz_mm"]) == 3
        assert got["sop_instance_uid"].startswith("2.25.")
        assert 0 <= got["confidence"] <= 1
    assert main(["suggest", str(small_ct_study.dicom_folder), f"--point={point}"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("viable: ")
    assert "\ntotal: " in text
    assert "SOP Instance UID" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["--point", "1,2"], "expected three finite numbers"),
    (["--point", "1,2,nan"], "expected three finite numbers"),
    (["--point", "a,b,c"], "expected three finite numbers"),
])
def test_cli_bad_point_is_one_line_and_exit_2(small_ct_study, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["suggest", str(small_ct_study.dicom_folder), *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_missing_folder_and_unknown_series_are_one_line_and_exit_2(tmp_path,
                                                                       small_ct_study,
                                                                       capsys):
    assert main(["suggest", str(tmp_path / "nope"), "--point", "1,2,3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no such file or folder" in err
    assert main(["suggest", str(tmp_path), "--point", "1,2,3"]) == 2
    assert "no DICOM image series" in capsys.readouterr().err
    assert main(["suggest", str(small_ct_study.dicom_folder), "--point", "1,2,3",
                 "--phase", "1.2.3=arterial"]) == 2
    assert "--phase" in capsys.readouterr().err
