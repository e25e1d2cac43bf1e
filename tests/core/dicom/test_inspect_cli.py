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
    assert main(["inspect", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert 'CT "Arterial": arterial' in out
    assert "warning: 1 slice(s) missing" in out
    assert "warning: no PixelSpacing: the images can be viewed but not measured" in out
    assert f"{tmp_path / 'notes.txt'}: not a DICOM file (no DICM preamble)" in out


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_a_path_that_does_not_exist_is_an_error_naming_it(write_image, tmp_path, capsys,
                                                          json_output):
    # A typo in the path must not pass for an export without images: exit status 2, one
    # line on stderr, nothing scanned (the existing folder beside it included).
    write_image()
    missing = tmp_path / "nowhere"
    args = ["inspect", *(["--json"] if json_output else []), str(tmp_path), str(missing)]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"mrecist inspect: {missing}: no such file or folder\n"


def test_a_missing_path_exits_2_without_a_traceback(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "no" / "such" / "export"
    run = subprocess.run([sys.executable, "-m", "core.cli", "inspect", str(missing)],
                         capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[3])
    assert run.returncode == 2
    assert run.stderr == f"mrecist inspect: {missing}: no such file or folder\n"
    assert run.stdout == ""


def test_an_empty_folder_is_named_in_the_text_report(tmp_path, capsys):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    assert main(["inspect", str(tmp_path / "empty")]) == 0
    assert capsys.readouterr().out == f"No files found in {tmp_path / 'empty'}.\n"


def test_a_folder_without_images_is_named_in_the_text_report(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello")
    assert main(["inspect", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"No CT or MR image series found in {tmp_path}.",
        "Rejected 1 file(s):",
        f"  {tmp_path / 'notes.txt'}: not a DICOM file (no DICM preamble)",
    ]


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
