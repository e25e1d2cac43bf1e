"""``mrecist inspect``: the report as text and in the JSON shape issue #5 fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main

SHARED_CT = Path(__file__).resolve().parents[3].parent / "shared" / "dicom" / \
    "tcia-hcc-tace-seg" / "HCC_048_portal_venous"

SERIES_KEYS = {"series_instance_uid", "modality", "description", "phase", "slices", "rows",
               "columns", "pixel_spacing_mm", "slice_spacing_mm", "warnings"}


def _inspect_json(capsys, *paths: Path) -> dict:
    assert main(["inspect", "--json", *map(str, paths)]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_report_has_the_issue_shape(small_ct_study, capsys):
    report = _inspect_json(capsys, small_ct_study.folder)
    assert set(report) == {"studies", "rejected"}
    (study,) = report["studies"]
    assert set(study) == {"study_instance_uid", "patient_id", "study_date", "series"}
    assert study["patient_id"] == "HCC-002"
    assert [s["phase"] for s in study["series"]] == [
        "pre_contrast", "arterial", "portal_venous", "delayed"]
    first = study["series"][0]
    assert set(first) == SERIES_KEYS
    assert (first["slices"], first["rows"], first["columns"]) == (33, 128, 128)
    assert first["pixel_spacing_mm"] == [3.0, 3.0]
    assert first["slice_spacing_mm"] == 5.0
    assert report["rejected"] == [{"path": str(small_ct_study.folder / "ground_truth.json"),
                                   "reason": "not a DICOM file (no DICM preamble)"}]


def test_text_report_shows_warnings_and_rejections(write_image, tmp_path, capsys):
    for z in (0.0, 2.0, 6.0):
        write_image(position=(0, 0, z), pixel_spacing=None)
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["inspect", str(tmp_path), str(tmp_path / "nowhere")]) == 0
    out = capsys.readouterr().out
    assert 'CT "Arterial": arterial' in out
    assert "warning: 1 slice(s) missing" in out
    assert "warning: no PixelSpacing: the images can be viewed but not measured" in out
    assert f"{tmp_path / 'notes.txt'}: not a DICOM file (no DICM preamble)" in out
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in out


def test_an_empty_folder_is_still_a_successful_scan(tmp_path, capsys):
    assert _inspect_json(capsys, tmp_path) == {"studies": [], "rejected": []}


@pytest.mark.skipif(not SHARED_CT.is_dir(), reason=f"shared TCIA series not at {SHARED_CT}")
def test_real_tcia_series_report(capsys):
    (study,) = _inspect_json(capsys, SHARED_CT)["studies"]
    (series,) = study["series"]
    assert (series["slices"], series["rows"], series["pixel_spacing_mm"],
            series["slice_spacing_mm"], series["warnings"]) == (
        89, 512, [0.703125, 0.703125], 2.5, [])



def test_many_rejected_files_are_grouped_by_reason_in_text(tmp_path, capsys):
    for n in range(25):
        (tmp_path / f"note{n:02d}.txt").write_text("x")
    (tmp_path / "empty").write_bytes(b"")
    assert main(["inspect", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:4] == ["Rejected 26 file(s):",
                        "  25 × not a DICOM file (no DICM preamble)",
                        f"      e.g. {tmp_path / 'note00.txt'}"]
    assert "  1 × empty file (0 bytes)" in out
    assert out[-1] == "  (--json lists every file)"
