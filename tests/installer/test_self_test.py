"""The installation self-test in the development environment: what it checks against, its
lines and report, its failures, and the PDF reader it reads its page back with."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from pydicom.pixels.decoders.base import get_decoder
from pydicom.uid import UID, AllTransferSyntaxes

from core.actions.self_test import CheckFailed, run_and_report, run_checks, write_report
from core.actions.self_test.checks import CASE_FILE, SAMPLE_FOLDER, pdf_check
from core.actions.self_test.pdf_text import PdfReadError, read_pdf
from core.actions.self_test.samples import SAMPLES
from core.cli import main as mrecist
from desktop.app import main as workstation
from desktop.self_test import window_check

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_DIR = ROOT / "resources" / SAMPLE_FOLDER
HEADLESS = ["imports", "dicom-decoding", "trial-store", "store-upgrade", "case-evaluation",
            "pdf-report"]


def _decodable(uid: str) -> bool:
    try:
        return get_decoder(UID(uid)).is_available
    except NotImplementedError:
        return False


def test_the_samples_cover_every_transfer_syntax_the_installed_decoders_read():
    readable = {uid for uid in AllTransferSyntaxes if _decodable(uid)}
    assert {sample.syntax for sample in SAMPLES} == readable
    assert len(SAMPLES) == len(readable) == 16


def test_each_sample_is_a_small_file_of_its_own():
    names = [sample.file for sample in SAMPLES]
    assert len(set(names)) == len(names)
    assert sorted(names) == sorted(p.name for p in SAMPLES_DIR.glob("*.dcm"))
    assert all((SAMPLES_DIR / name).stat().st_size < 4096 for name in names)


def test_the_self_test_case_is_the_documented_example():
    doc = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
    example = re.search(r"## Input: `mrecist-case/1`\n\n```json\n(.*?)```", doc, re.S)
    assert example is not None
    case = json.loads((SAMPLES_DIR / CASE_FILE).read_text(encoding="utf-8"))
    assert case == json.loads(example.group(1))


def test_mrecist_self_test_passes_and_writes_its_report(tmp_path, capsys):
    report = tmp_path / "iq.json"
    assert mrecist(["self-test", "--report", str(report)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:6]] == [["PASS", n] for n in HEADLESS]
    assert lines[6:] == ["self-test passed: 6 of 6 checks", f"report written to {report}"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["format"] == "mrecist-self-test/1"
    assert data["command"] == "mrecist self-test"
    assert data["passed"] is True
    assert data["frozen"] is False
    assert data["version"] == "0.1.0"
    assert [check["name"] for check in data["checks"]] == HEADLESS
    assert all(check["passed"] and check["seconds"] >= 0 for check in data["checks"])
    assert data["checks"][1]["detail"].startswith("16 transfer syntaxes: 11 lossless to the "
                                                  "value, 5 lossy within their bounds")


def test_the_workstation_self_test_adds_the_main_window(qapp, tmp_path, capsys):
    report = tmp_path / "iq.txt"
    assert workstation(["--self-test", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "PASS main-window (1200 × 800 on the offscreen platform" in out
    assert re.search(r"PASS imports \(\d+ modules: \d+ of core, \d+ of widgets, \d+ of "
                     r"desktop\)", out)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("mRECIST Workstation 0.1.0 — installation self-test\n"
                           "command:    mrecist-workstation --self-test\n")
    assert text.rstrip().endswith("self-test passed: 7 of 7 checks")


def test_the_main_window_check_draws_the_sample_slice(qapp, tmp_path):
    detail = window_check(tmp_path)
    assert detail.startswith("1200 × 800 on the offscreen platform, the sample slice in the "
                             "viewer (")
    assert "xcb" in detail.split("platform plugins: ")[1]


def test_a_failing_check_is_named_the_others_still_run_and_the_status_is_1(tmp_path):
    def broken(_folder: Path) -> str:
        raise CheckFailed("the decoder returned nothing")

    def crashing(_folder: Path) -> str:
        raise ZeroDivisionError("division by zero")

    def fine(folder: Path) -> str:
        (folder / "scratch.txt").write_text("only here")
        return "done"

    out = io.StringIO()
    report = tmp_path / "iq.json"
    checks = [("broken", broken), ("crashing", crashing), ("fine", fine)]
    assert run_and_report(checks, "test", report, out) == 1
    assert out.getvalue().splitlines() == [
        "FAIL broken: the decoder returned nothing",
        "FAIL crashing: ZeroDivisionError: division by zero",
        "PASS fine (done)",
        "self-test FAILED: 2 of 3 checks failed (broken, crashing)",
        f"report written to {report}"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["passed"] is False
    assert [c["passed"] for c in data["checks"]] == [False, False, True]


def test_no_output_stream_still_writes_the_report(tmp_path):
    """A windowed executable on Windows has no console: the report is what it leaves."""
    report = tmp_path / "iq.txt"
    assert run_and_report([("fine", lambda _f: "done")], "test", report, None) == 0
    assert "PASS fine (done)" in report.read_text(encoding="utf-8")


def test_a_run_without_checks_does_not_pass(tmp_path):
    result = run_checks([], "test")
    assert not result.passed
    write_report(result, tmp_path / "empty.txt")


@pytest.mark.parametrize("command", [["self-test"], ["--self-test"]])
def test_a_report_that_cannot_be_written_is_refused_before_any_check(tmp_path, capsys,
                                                                     command):
    target = tmp_path / "no-such-folder" / "iq.json"
    run = mrecist if command == ["self-test"] else workstation
    assert run([*command, "--report", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert f"{target}: --report: no folder {target.parent}" in err


def test_report_without_self_test_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        workstation(["--report", "iq.txt"])
    assert exit_info.value.code == 2
    assert "--report goes with --self-test" in capsys.readouterr().err


# -- the PDF read back -------------------------------------------------------------------
@pytest.fixture
def self_test_pdf(tmp_path) -> bytes:
    pdf_check(tmp_path)
    return (tmp_path / "self-test.pdf").read_bytes()


def test_the_pdf_reader_reads_what_pypdf_reads(self_test_pdf):
    ours = read_pdf(self_test_pdf)
    theirs = pypdf.PdfReader(io.BytesIO(self_test_pdf))
    assert ours.page_count == len(theirs.pages) == 1
    their_text = theirs.pages[0].extract_text()
    for line in ours.page_text[0].splitlines():
        assert line.replace(" ", "") in their_text.replace(" ", "").replace("\n", "")
    assert {font.name for font in ours.fonts} == {
        "AAAAAA+DejaVuSans", "AAAAAA+DejaVuSans-Bold", "AAAAAA+DejaVuSansMono"}
    assert all(font.embedded for font in ours.fonts)


def test_a_pdf_cut_short_or_with_a_wrong_cross_reference_is_refused(self_test_pdf):
    with pytest.raises(PdfReadError, match="cut short"):
        read_pdf(self_test_pdf[:len(self_test_pdf) // 2])
    shifted = re.sub(rb"startxref\s+(\d+)",
                     lambda found: b"startxref\n%d" % (int(found.group(1)) + 7), self_test_pdf)
    with pytest.raises(PdfReadError, match="no xref table starts"):
        read_pdf(shifted)
    damaged = self_test_pdf.replace(b"stream\n", b"stream\nXX", 1)
    with pytest.raises(PdfReadError):
        read_pdf(damaged)
    with pytest.raises(PdfReadError, match="no PDF header"):
        read_pdf(b"GIF89a" + self_test_pdf)
