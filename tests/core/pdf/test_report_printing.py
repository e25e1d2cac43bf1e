"""The printing actions and ``mrecist report``: the coordinator's alone, a destination
checked before any work, written whole or not at all (a failed print leaves no half PDF
and the file that was there as it was), one line and exit 2 on bad input."""

from __future__ import annotations

import io
import os
import re

import pytest
from pdf_pages import ink_outside, page_texts, render_pages
from pypdf import PdfReader
from store_demo_reading import PASSWORD
from store_trial import make_trial

from core.actions import (
    ReportOutputError,
    print_case_summary,
    print_trial_report,
    trial_status,
)
from core.cli import main
from core.errors import PermissionDeniedError
from core.pdf.document import PageSize


def _run(monkeypatch, capsys, *argv, stdin=PASSWORD + "\n"):
    """``mrecist`` in this process: (status, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def folder(tmp_path):
    """An empty folder for the PDFs (the store lives in *tmp_path*)."""
    made = tmp_path / "prints"
    made.mkdir()
    return made


def _report(monkeypatch, capsys, printed, *argv, user="coord"):
    return _run(monkeypatch, capsys, "report", *argv, "--db", printed.store.path, "--user",
                user, "--password-stdin")


@pytest.mark.parametrize("who", ["reader1", "reader2", "adjudicator", "admin"])
def test_only_the_coordinator_prints(printed, folder, who):
    session = getattr(printed, who)
    with pytest.raises(PermissionDeniedError, match="may not do this"):
        print_case_summary(printed.store, session, "HCC-001", folder / "case.pdf")
    with pytest.raises(PermissionDeniedError, match="may not do this"):
        print_trial_report(printed.store, session, folder / "trial.pdf")
    assert list(folder.iterdir()) == []


def test_a_print_replaces_the_file_whole_and_says_what_it_made(printed, folder):
    out = folder / "trial.pdf"
    out.write_bytes(b"last week's report")
    result = print_trial_report(printed.store, printed.coordinator, out,
                                page_size=PageSize.LETTER)
    assert out.read_bytes().startswith(b"%PDF-")
    assert result.pages == len(PdfReader(out).pages)
    assert PdfReader(out).pages[0].mediabox.width == pytest.approx(612)
    assert result.fingerprint == trial_status(printed.store,
                                              printed.coordinator).audit_anchor.head
    assert [path.name for path in folder.iterdir()] == ["trial.pdf"]  # no temporary left


def test_a_destination_that_cannot_be_written_is_refused_before_any_work(printed, folder):
    (folder / "a-file").write_text("x")
    for out, reason in ((folder, "is a folder"),
                        (folder / "missing" / "case.pdf", "does not exist"),
                        (folder / "a-file" / "case.pdf", "does not exist")):
        with pytest.raises(ReportOutputError, match=reason):
            print_case_summary(printed.store, printed.coordinator, "HCC-001", out)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="permissions do not bind root (or Windows)")
def test_a_folder_without_write_permission_is_refused(printed, folder):
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(ReportOutputError, match="may not be written to"):
            print_trial_report(printed.store, printed.coordinator, locked / "trial.pdf")
    finally:
        locked.chmod(0o755)


def test_a_failed_print_leaves_no_half_pdf_and_the_old_file_as_it_was(printed, folder):
    # A name of 250 characters is a valid file; its temporary sibling (".NAME.XXXXXXXX.part")
    # is longer than a file name may be: the write fails for real, after the work is done.
    out = folder / ("r" * 246 + ".pdf")
    out.write_bytes(b"the previous print")
    with pytest.raises(ReportOutputError, match="cannot be written"):
        print_case_summary(printed.store, printed.coordinator, "HCC-001", out)
    assert out.read_bytes() == b"the previous print"
    assert [path.name for path in folder.iterdir()] == [out.name]


def test_mrecist_report_subject_writes_the_case_summary(printed, folder, monkeypatch,
                                                        capsys):
    out = folder / "HCC-002.pdf"
    status, stdout, stderr = _report(monkeypatch, capsys, printed, "subject", "HCC-002",
                                     "--out", out, "--page-size", "Letter")
    assert (status, stderr) == (0, "")
    pages = page_texts(out)
    assert re.fullmatch(
        rf"{re.escape(str(out))}: wrote the case summary of HCC-002 \({len(pages)} pages, "
        r"Letter; NOT FINAL timepoints are marked\); fingerprint [0-9a-f]{64}\n", stdout)
    assert "Case summary: HCC-002" in pages[0]
    assert PdfReader(out).pages[0].mediabox.width == pytest.approx(612)


def test_mrecist_report_trial_writes_the_trial_report(printed, folder, monkeypatch, capsys):
    out = folder / "trial.pdf"
    status, stdout, stderr = _report(monkeypatch, capsys, printed, "trial", "--out", out,
                                     "--cut-off", "2026-11-30")
    assert (status, stderr) == (0, "")
    assert stdout.startswith(f"{out}: wrote the trial report (")
    assert ", A4);" in stdout
    text = "\n".join(page_texts(out))
    assert "Trial report: DEMO-HCC-P2" in text
    assert "2026-11-30: the clinical record as it stood then" in text
    assert PdfReader(out).pages[0].mediabox.width == pytest.approx(595.27, abs=0.1)


@pytest.mark.parametrize(("argv", "user", "message"), [
    (("subject", "HCC-001"), "reader1",
     "mrecist report: user 'reader1': role reader may not do this (needs coordinator)"),
    (("subject", "HCC-999"), "coord",
     "mrecist report: subject 'HCC-999': not found or not visible to you"),
    (("trial", "--cut-off", "30/11/2026"), "coord",
     "mrecist report: --cut-off: not a date (YYYY-MM-DD): '30/11/2026'"),
])
def test_mrecist_report_refuses_in_one_line(printed, folder, monkeypatch, capsys, argv,
                                            user, message):
    out = folder / "report.pdf"
    status, stdout, stderr = _report(monkeypatch, capsys, printed, *argv, "--out", out,
                                     user=user)
    assert (status, stdout, stderr) == (2, "", message + "\n")
    assert not out.exists()


def test_mrecist_report_refuses_a_folder_or_an_unwritable_destination(printed, folder,
                                                                     monkeypatch, capsys):
    status, _, stderr = _report(monkeypatch, capsys, printed, "trial", "--out", folder)
    assert (status, stderr) == (2, f"mrecist report: {folder}: is a folder; give the name "
                                   "of the PDF file to write\n")
    out = folder / ("r" * 246 + ".pdf")
    out.write_bytes(b"kept")
    status, _, stderr = _report(monkeypatch, capsys, printed, "subject", "HCC-001", "--out",
                                out)
    assert status == 2
    assert stderr.startswith(f"mrecist report: {out}: cannot be written: ")
    assert stderr.count("\n") == 1
    assert out.read_bytes() == b"kept"


def test_mrecist_report_without_a_kind_is_a_usage_error(monkeypatch, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["report"])
    assert stopped.value.code == 2
    assert "KIND" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["report", "trial", "--db", "x", "--user", "u", "--out", "y.pdf",
              "--page-size", "A3"])
    assert stopped.value.code == 2


def test_a_trial_without_a_final_read_prints_its_empty_tables(tmp_path):
    trial = make_trial(tmp_path / "empty.sqlite")
    out = tmp_path / "trial.pdf"
    try:
        result = print_trial_report(trial.store, trial.coordinator, out)
    finally:
        trial.store.close()
    text = re.sub(r"\s+", " ", "\n".join(page_texts(out)))
    assert result.pages == 9
    assert "Analysis set 0 subjects" in text
    assert "Objective response rate, ORR (CR + PR) 0/0 (–) 0/0 (–)" in text
    assert "Median PFS –; 0 events among 0 subjects." in text
    assert "not defined (no paired ratings; 0 subjects)" in text
    for image in render_pages(out, tmp_path / "png"):
        assert ink_outside(image, 0.04) == 0
