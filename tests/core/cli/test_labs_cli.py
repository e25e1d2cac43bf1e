"""``mrecist labs grade`` (docs/clinical.md §7): the documented example graded as the doc
says, JSON shape, refusals with line numbers and exit 2, hostile files one line each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.cli.labs import MAX_LABS_FILE_BYTES

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "labs.csv"
CLINICAL_DOC = (ROOT / "docs" / "clinical.md").read_text(encoding="utf-8")
HEADER = "subject,date,test,value,unit,lln,uln\n"


def run(capsys, *args):
    status = main(["labs", "grade", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_documented_example_is_graded_as_the_doc_says(capsys):
    status, out, err = run(capsys, str(EXAMPLE))
    assert (status, err) == (0, "")
    # The doc shows the command's output verbatim, line for line.
    shown = CLINICAL_DOC.split("mrecist labs grade docs/examples/labs.csv\n", 1)[1]
    shown = shown.split("```", 1)[0]
    assert out == shown


def test_json_rows_in_input_order_with_grade_or_reason(capsys):
    status, out, _ = run(capsys, str(EXAMPLE), "--json")
    rows = json.loads(out)["rows"]
    assert status == 0
    assert set(json.loads(out)) == {"rows"}
    assert all(set(row) == {"line", "subject", "date", "test", "term", "grade", "reason"}
               for row in rows)
    assert [row["line"] for row in rows] == list(range(2, 12))
    assert rows[0] == {"line": 2, "subject": "HCC-001", "date": "2024-01-08", "test": "PLAT",
                       "term": "Platelet count decreased", "grade": 1, "reason": None}
    no_lln = next(row for row in rows if row["test"] == "NEUT")
    assert no_lln["grade"] is None
    assert no_lln["reason"].startswith("no LLN given")


def test_malformed_rows_are_refused_with_line_and_reason_never_graded(tmp_path, capsys):
    labs = tmp_path / "labs.csv"
    labs.write_text(HEADER + "S1,2024-01-01,XYZ,1,U/L,,1\n"
                    "S1,2024-01-01,PLAT,1,g/L,,\n"
                    "S1,2024-01-01,PLAT,abc,10^9/L,150,400\n"
                    "S1,2024-01-01,PLAT,100,10^9/L,150\n"
                    "S1,2024-01-01,PLAT,74,10^9/L,150,400\n", encoding="utf-8")
    status, out, err = run(capsys, str(labs), "--json")
    assert status == 2
    assert [row["line"] for row in json.loads(out)["rows"]] == [6]
    lines = err.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{labs}: line 2: test: not a test graded here")
    assert lines[1].startswith(f"{labs}: line 3: PLAT unit: not a unit of PLAT")
    assert lines[2].startswith(f"{labs}: line 4: PLAT value: must be a number")
    assert lines[3] == f"{labs}: line 5: missing column uln"


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    labs = tmp_path / "labs.csv"
    labs.write_bytes(b"\xef\xbb\xbf" + (HEADER + "S1,2024-01-01,K,5.6,mmol/L,3.5,5.1\n").encode())
    status, out, _ = run(capsys, str(labs))
    assert status == 0
    assert out == "line 2: S1 2024-01-01 K: Hyperkalemia, grade 2\n"


@pytest.mark.parametrize(("content", "reason"), [
    pytest.param(b"", "no header line: the file is empty", id="empty"),
    pytest.param(HEADER.encode() + b"S1,2024-01-01,PLAT,1\xff0,10^9/L,150,400\n",
                 "not UTF-8 text (invalid byte at offset 57)", id="bad-encoding"),
    pytest.param(b"subject,date,test,value\n", "line 1: no column unit, lln, uln",
                 id="header-missing-columns"),
    pytest.param(b"subject,date,test,value,unit,lln,uln,visit\n", "unknown column 'visit'",
                 id="header-unknown-column"),
    pytest.param(HEADER.encode() + b"S1," + b"9" * 200_000 + b"\n", "line 2: not CSV",
                 id="endless-field"),
    pytest.param(b"x" * (MAX_LABS_FILE_BYTES + 1), "larger than 8 MiB", id="huge-file"),
])
def test_a_file_that_cannot_be_read_is_one_line_never_a_traceback(tmp_path, capsys, content,
                                                                  reason):
    labs = tmp_path / "labs.csv"
    labs.write_bytes(content)
    status, out, err = run(capsys, str(labs))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"mrecist labs: {labs}: ")
    assert reason in err


@pytest.mark.slow
def test_a_real_process_reads_standard_input_and_exits_2_on_a_refusal():
    text = HEADER + "S1,2024-01-01,PLAT,40,10^9/L,,\nS1,2024-01-01,FOO,1,U/L,,\n"
    done = subprocess.run([sys.executable, "-m", "core.cli", "labs", "grade", "-", "--json"],
                          input=text.encode(), capture_output=True, timeout=60, check=False,
                          cwd=ROOT)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert json.loads(done.stdout)["rows"][0]["grade"] == 3
    assert done.stderr.decode().startswith("<stdin>: line 3: test: not a test graded here")
