"""Importing DICOM studies into the store: mapping, content-addressed copies, no-op re-import."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import generate_uid
from store_demo_reading import PASSWORD

from core.actions import (
    add_lesion,
    add_series,
    add_subject,
    add_timepoint,
    assign,
    find_series,
    get_read,
    my_tasks,
    save_caliper,
)
from core.actions.importing import image_folder, import_studies
from core.cli import main
from core.dicom.uids import uid_problem
from core.errors import PermissionDeniedError, WorkflowError


def _register_hcc002(trial) -> None:
    add_subject(trial.store, trial.coordinator, "HCC-002")
    add_timepoint(trial.store, trial.coordinator, "HCC-002", "Baseline", dt.date(2026, 1, 19))


def test_study_maps_by_patient_id_and_study_date_and_files_are_copied(trial, small_ct_study):
    _register_hcc002(trial)
    result = import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    assert result.skipped == ()
    assert [(s.subject, s.timepoint_label, s.phase) for s in result.imported] == [
        ("HCC-002", "Baseline", "pre_contrast"), ("HCC-002", "Baseline", "arterial"),
        ("HCC-002", "Baseline", "portal_venous"), ("HCC-002", "Baseline", "delayed")]
    arterial = result.imported[1]
    record = find_series(trial.store, trial.coordinator, arterial.series_instance_uid)
    assert record is not None
    folder = trial.path.parent / record.location
    assert folder.parent == image_folder(trial.store)
    copies = sorted(folder.iterdir())
    assert len(copies) == arterial.n_files == arterial.n_copied == 33
    # Named by content, and still the exact image: its SOP Instance UID survives the copy.
    uids = {pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID for p in copies}
    assert len(uids) == 33
    assert all(len(p.stem) == 64 for p in copies)


def test_reimporting_the_same_export_is_a_no_op(trial, small_ct_study):
    _register_hcc002(trial)
    import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    audit_rows = trial.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"]
    again = import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    assert all(s.already_imported and s.n_copied == 0 for s in again.imported)
    assert trial.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"] == audit_rows


def test_unknown_subject_or_date_is_skipped_with_a_reason(trial, small_ct_study):
    result = import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    assert result.imported == ()
    (skipped,) = result.skipped
    assert "PatientID 'HCC-002' is not a subject of this trial" in skipped.reason
    add_subject(trial.store, trial.coordinator, "HCC-002")
    add_timepoint(trial.store, trial.coordinator, "HCC-002", "Baseline", dt.date(2026, 1, 20))
    (skipped,) = import_studies(trial.store, trial.coordinator,
                                [small_ct_study.folder]).skipped
    assert "no timepoint on the study date 2026-01-19" in skipped.reason
    # The reader's explicit choice overrides the date.
    chosen = import_studies(trial.store, trial.coordinator, [small_ct_study.folder],
                            timepoint="Baseline")
    assert len(chosen.imported) == 4


def test_zip_members_are_imported(trial, small_ct_study, tmp_path):
    _register_hcc002(trial)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in small_ct_study.dicom_folder.iterdir():
            zf.write(path, f"DICOM/{path.name}")
    result = import_studies(trial.store, trial.coordinator, [archive])
    assert sum(s.n_copied for s in result.imported) == 4 * 33


def test_readers_cannot_import(trial, small_ct_study):
    _register_hcc002(trial)
    with pytest.raises(PermissionDeniedError):
        import_studies(trial.store, trial.reader1, [small_ct_study.folder])


def test_cli_import_prints_the_inspect_report_with_what_was_imported(
        trial, small_ct_study, monkeypatch, capsys):
    _register_hcc002(trial)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["import", str(small_ct_study.folder), "--db", str(trial.path),
                 "--user", "coord", "--password-stdin", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["studies"][0]["patient_id"] == "HCC-002"
    assert [s["phase"] for s in report["imported"]] == [
        "pre_contrast", "arterial", "portal_venous", "delayed"]
    assert report["skipped"] == []
    assert any(r["path"].endswith("ground_truth.json") for r in report["rejected"])


def test_mr_dynamic_series_is_one_series_with_all_its_phases(trial, tmp_path):
    from core.model.imaging import Modality
    from core.phantom import PhantomSize, demo_scenarios, write_study
    from core.phantom.demo import scenario_study_spec

    spec = scenario_study_spec(demo_scenarios()[0], 1, 0, PhantomSize.SMALL, Modality.MR,
                               compress=False, mr_single_dynamic_series=True)
    study = write_study(spec, tmp_path / "mr")
    add_subject(trial.store, trial.coordinator, "HCC-001")
    add_timepoint(trial.store, trial.coordinator, "HCC-001", "Baseline", dt.date(2026, 1, 5))
    (series,) = import_studies(trial.store, trial.coordinator, [study.folder]).imported
    assert series.phase == "dynamic"
    assert series.n_files == series.n_copied == 4 * 27


def test_the_first_import_copies_and_the_second_says_already_imported(
        trial, small_ct_study, monkeypatch, capsys):
    _register_hcc002(trial)
    argv = ["import", str(small_ct_study.folder), "--db", str(trial.path), "--user", "coord",
            "--password-stdin"]
    for expected in ("(33 files copied)", "(already imported)"):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert main(argv) == 0
        lines = [line for line in capsys.readouterr().out.splitlines()
                 if line.startswith("imported")]
        assert len(lines) == 4
        assert all(expected in line for line in lines), lines


def test_an_unrecognised_phase_is_named_on_the_command_line(trial, small_ct_study,
                                                            monkeypatch, capsys):
    _register_hcc002(trial)
    uid = small_ct_study.ground_truth["series"][0]["series_instance_uid"]
    base = ["import", str(small_ct_study.folder), "--db", str(trial.path), "--user", "coord",
            "--password-stdin"]
    for option, message in ((f"{uid}=venous", "'venous' is not a phase"),
                            ("arterial", "expected UID=PHASE"),
                            ("1.2.3=arterial", "no series 1.2.3 in this scan")):
        monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
        assert main([*base, "--phase", option]) == 2
        assert message in capsys.readouterr().err
    assert trial.store._rows("SELECT * FROM series") == []  # nothing imported on a bad option
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main([*base, "--phase", f"{uid}=hepatobiliary", "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)["imported"]
    assert {s["series_instance_uid"]: s["phase"] for s in imported}[uid] == "hepatobiliary"
    assert find_series(trial.store, trial.coordinator, uid).phase == "hepatobiliary"


def test_a_series_registered_elsewhere_points_at_the_store_copies_after_import(
        trial, small_ct_study):
    _register_hcc002(trial)
    truth = small_ct_study.ground_truth
    arterial = next(s for s in truth["series"] if s["phase"] == "arterial")
    add_series(trial.store, trial.coordinator, "HCC-002", "Baseline",
               series_instance_uid=arterial["series_instance_uid"],
               study_instance_uid=truth["study_instance_uid"], modality="CT",
               phase="arterial", location=str(small_ct_study.dicom_folder))
    result = import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    again = next(s for s in result.imported
                 if s.series_instance_uid == arterial["series_instance_uid"])
    assert again.already_imported
    assert (again.n_copied, again.n_images_recorded) == (33, 33)
    record = find_series(trial.store, trial.coordinator, arterial["series_instance_uid"])
    assert (trial.path.parent / record.location).parent == image_folder(trial.store)


def test_an_imported_image_plane_is_the_header_s(trial, small_ct_study):
    _register_hcc002(trial)
    import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    header = pydicom.dcmread(next(small_ct_study.dicom_folder.iterdir()),
                             stop_before_pixels=True)
    (row,) = trial.store._rows("SELECT * FROM images WHERE sop_instance_uid = ?",
                              (header.SOPInstanceUID,))
    assert json.loads(row["origin_xyz"]) == pytest.approx(
        [float(v) for v in header.ImagePositionPatient])
    assert json.loads(row["pixel_spacing_mm"]) == pytest.approx(
        [float(v) for v in header.PixelSpacing])
    assert (row["rows"], row["columns"], row["frame"]) == (header.Rows, header.Columns, 0)


def test_importing_a_path_that_does_not_exist_is_an_error_naming_it(trial, tmp_path,
                                                                    monkeypatch, capsys):
    missing = tmp_path / "export-typo"
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["import", str(missing), "--db", str(trial.path), "--user", "coord",
                 "--password-stdin"])
    captured = capsys.readouterr()
    assert code == 2
    assert (captured.out, captured.err) == ("", f"mrecist import: {missing}: no such file or "
                                                "folder\n")


def test_an_image_already_in_another_series_is_refused_by_name(trial, small_ct_study):
    _register_hcc002(trial)
    import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    uid = small_ct_study.ground_truth["series"][1]["series_instance_uid"]
    (row,) = trial.store._rows("SELECT i.* FROM images i JOIN series s ON s.id = i.series_id "
                              "WHERE s.series_instance_uid = ? LIMIT 1", (uid,))
    from core.store.rows import image_from_row

    with pytest.raises(WorkflowError, match=rf"image {row['sop_instance_uid']} is already "
                                            rf"registered in series {uid}"):
        add_series(trial.store, trial.coordinator, "HCC-002", "Baseline",
                   series_instance_uid="1.2.826.0.1.99", study_instance_uid="1.2.826.0.1",
                   modality="CT", phase="arterial", location="copy",
                   images=[image_from_row(row)])
    assert find_series(trial.store, trial.coordinator, "1.2.826.0.1.99") is None


def test_a_series_of_another_subject_is_not_moved_or_completed_by_a_reimport(
        trial, small_ct_study):
    _register_hcc002(trial)
    import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    add_subject(trial.store, trial.coordinator, "HCC-001")
    add_timepoint(trial.store, trial.coordinator, "HCC-001", "Baseline", dt.date(2026, 1, 19))
    audit_rows = trial.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"]
    again = import_studies(trial.store, trial.coordinator, [small_ct_study.folder],
                           subject="HCC-001", timepoint="Baseline")
    assert again.imported == ()
    assert len(again.skipped_series) == 4
    assert all("already registered to HCC-002 Baseline, not HCC-001 Baseline" in s.reason
               for s in again.skipped_series)
    assert trial.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"] == audit_rows


def test_calipers_on_images_that_were_lossy_compressed_say_so(trial, small_ct_study, tmp_path):
    # The same study, its headers saying the pixels were lossy compressed once (0028,2110).
    lossy = tmp_path / "lossy"
    lossy.mkdir()
    for path in small_ct_study.dicom_folder.iterdir():
        dataset = pydicom.dcmread(path)
        dataset.LossyImageCompression = "01"
        dataset.LossyImageCompressionRatio = 10
        dataset.LossyImageCompressionMethod = "ISO_10918_1"
        dataset.save_as(lossy / path.name)
    _register_hcc002(trial)
    import_studies(trial.store, trial.coordinator, [lossy])
    assert trial.store._rows("SELECT COUNT(*) AS n, SUM(is_lossy) AS lossy FROM images") == [
        {"n": 4 * 33, "lossy": 4 * 33}]
    assign(trial.store, trial.coordinator, "HCC-002", "reader1", 1)
    task = my_tasks(trial.store, trial.reader1)[0]
    baseline = get_read(trial.store, trial.reader1, task.task_id).timepoints[0].timepoint_id
    lesion = add_lesion(trial.store, trial.reader1, task.task_id, baseline, "target",
                        "liver").value
    (row,) = trial.store._rows("SELECT * FROM images LIMIT 1")
    from core.geometry import measure_caliper, plane_of_image
    from core.store.rows import image_from_row

    image = image_from_row(row)
    drawn = measure_caliper(plane_of_image(image), (40, 40), (40, 60), image.sop_instance_uid)
    saved = save_caliper(trial.store, trial.reader1, lesion.lesion_id, baseline, "total",
                         drawn).value
    assert saved.caliper.on_lossy_image
    assert get_read(trial.store, trial.reader1, task.task_id).measurements[0].caliper \
        .on_lossy_image


# --- import safety, tried as an attacker would (issue #10) --------------------------------

# The store is tmp_path/trial.sqlite, its images tmp_path/trial-images: "../x" would land
# in tmp_path, "../../../x" two folders above it.
TRAVERSING_UIDS = ["../x", "../../../x", "/ABSOLUTE", "1.2/3"]


def _hostile_copies(study_folder: Path, folder: Path, series_uid: str, count: int = 3) -> Path:
    """*count* real images of the phantom whose SeriesInstanceUID is *series_uid*."""
    folder.mkdir(parents=True)
    for path in sorted(study_folder.iterdir())[:count]:
        dataset = pydicom.dcmread(path)
        with warnings.catch_warnings():  # pydicom warns: not a valid UI value, as intended
            warnings.simplefilter("ignore")
            dataset.SeriesInstanceUID = series_uid
        # New images, not duplicates of the phantom's (the scan keeps the first of those).
        dataset.SOPInstanceUID = generate_uid()
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
        dataset.save_as(folder / path.name)
    return folder


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _written_outside(before: set[Path], root: Path, trial) -> list[Path]:
    """What appeared under *root* that is neither the store's files nor in its image folder."""
    images = image_folder(trial.store)
    return sorted(p for p in _tree(root) - before
                  if not (p == images or p.is_relative_to(images)
                          or p.name.startswith(trial.path.name)))


@pytest.mark.parametrize("uid", TRAVERSING_UIDS)
def test_a_series_uid_that_would_leave_the_image_folder_is_refused(uid, trial,
                                                                   small_ct_study, tmp_path):
    # Before: "../../../x" (or an absolute path) made the import write outside <store>-images.
    _register_hcc002(trial)
    if uid == "/ABSOLUTE":
        uid = str(tmp_path / "absolute")
    landing = (image_folder(trial.store) / uid).resolve()
    assert not landing.exists()
    hostile = _hostile_copies(small_ct_study.dicom_folder, tmp_path / "in", uid)
    before = _tree(tmp_path)
    result = import_studies(trial.store, trial.coordinator, [hostile])
    assert result.imported == ()
    (refused,) = result.skipped_series
    first = sorted(hostile.iterdir())[0]
    assert refused.unsafe
    assert refused.reason == (
        f"SeriesInstanceUID {uid!r} of {first} and 2 more file(s) is not a DICOM UID "
        f"({uid_problem(uid)}; PS3.5 §9.1); it would name the series' folder, so nothing of "
        "the series was imported")
    assert trial.store._rows("SELECT * FROM series") == []
    assert _written_outside(before, tmp_path, trial) == []
    assert not landing.exists()


def test_a_series_folder_that_resolves_elsewhere_through_a_link_is_refused(
        trial, small_ct_study, tmp_path):
    # In depth: a valid UID whose folder is a link placed in the image folder, out of it.
    _register_hcc002(trial)
    uid = small_ct_study.ground_truth["series"][0]["series_instance_uid"]
    images = image_folder(trial.store)
    images.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (images / uid).symlink_to(tmp_path / "elsewhere")
    result = import_studies(trial.store, trial.coordinator, [small_ct_study.folder])
    (refused,) = result.skipped_series
    assert refused.unsafe
    assert refused.series_instance_uid == uid
    assert f"resolves to {tmp_path / 'elsewhere'}, outside {images}" in refused.reason
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert len(result.imported) == 3  # the other series are imported


def _mrecist(*args: str, stdin: str = PASSWORD + "\n",
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _import_argv(trial, *paths: Path) -> list[str]:
    return ["import", *map(str, paths), "--db", str(trial.path), "--user", "coord",
            "--password-stdin"]


def test_the_command_line_refuses_the_traversing_uid_and_exits_2(trial, small_ct_study,
                                                                 tmp_path):
    _register_hcc002(trial)
    landing = (image_folder(trial.store) / "../../../x").resolve()
    hostile = _hostile_copies(small_ct_study.dicom_folder, tmp_path / "in", "../../../x")
    before = _tree(tmp_path)
    done = _mrecist(*_import_argv(trial, hostile))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    first = sorted(hostile.iterdir())[0]
    assert (f"skipped   series '../../../x': SeriesInstanceUID '../../../x' of {first} and 2 "
            "more file(s) is not a DICOM UID") in done.stdout
    assert done.stderr == ("mrecist import: nothing imported; 1 file(s) or series refused by "
                           "the import's safety rules (reasons above; "
                           "docs/import-limits.md)\n")
    assert _written_outside(before, tmp_path, trial) == []
    # With a good series beside it, the good one is imported and the exit status is 0.
    done = _mrecist(*_import_argv(trial, hostile, small_ct_study.folder), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["imported"]) == 4
    assert [(s["series_instance_uid"], s["unsafe"]) for s in report["skipped_series"]] == [
        ("../../../x", True)]
    assert _written_outside(before, tmp_path, trial) == []
    assert not landing.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_the_command_line_skips_a_fifo_and_exits_2_when_it_was_all(trial, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    os.mkfifo(folder / "pipe")
    done = _mrecist(*_import_argv(trial, folder))  # a regression hangs: the timeout fails it
    assert done.returncode == 2, done.stderr
    assert (f"{folder / 'pipe'}: a FIFO (named pipe), not a regular file: skipped (only "
            "regular files are read)") in done.stdout
    assert "1 file(s) or series refused" in done.stderr


# Peak memory is read from /proc/self/status (Linux).
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from /proc (Linux)")


IMPORT_MEASURED = """
import io, json, sys
sys.stdin = io.StringIO(sys.argv[1] + "\\n")
from core.cli import main
code = main(sys.argv[2:])
# VmHWM, not ru_maxrss: Linux carries the parent's peak over into ru_maxrss at fork and
# exec, so a child of a large pytest process would report the parent's memory.
peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "peak_bytes": peak}))
"""


@needs_proc
def test_the_command_line_refuses_a_zip_bomb_within_200_mb(trial, zip_bomb):
    # 2 x 1.5 GiB of zeros in a 3 MB archive; before, the import reached 3.1 GB of memory.
    bomb = zip_bomb
    done = subprocess.run([sys.executable, "-c", IMPORT_MEASURED, PASSWORD,
                           *_import_argv(trial, bomb)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert "Traceback" not in done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["code"] == 2
    assert measured["peak_bytes"] < 200 * 1024**2
    for name in ("IM1", "IM2"):
        assert f"{bomb / name}: zip member unpacks to 1.5 GiB from 1." in done.stdout
    assert "more than the 100:1 allowed; a zip bomb?): not read" in done.stdout
    assert "2 file(s) or series refused" in done.stderr
    assert not image_folder(trial.store).exists()


COUNT_IMPORT_OPENS = """
import json, sys
from pathlib import Path
db, archive, password = sys.argv[1:]
opens = []
# One "open" event with a mode per file io.FileIO opens (see tests/core/dicom).
sys.addaudithook(lambda event, args: opens.append(args) if event == "open"
                 and str(args[0]) == archive and isinstance(args[1], str) else None)
from core.actions.importing import import_studies
from core.store import login, open_store
with open_store(Path(db)) as store:
    result = import_studies(store, login(store, "coord", password), [Path(archive)])
print(json.dumps({"opens": len(opens), "copied": sum(s.n_copied for s in result.imported)}))
"""


def test_an_import_opens_a_zip_once_to_scan_and_copy_all_its_members(trial, small_ct_study,
                                                                     tmp_path):
    _register_hcc002(trial)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in small_ct_study.dicom_folder.iterdir():
            zf.write(path, f"DICOM/{path.name}")
    done = subprocess.run([sys.executable, "-c", COUNT_IMPORT_OPENS, str(trial.path),
                           str(archive), PASSWORD], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"opens": 1, "copied": 4 * 33}
