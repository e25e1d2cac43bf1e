"""``mrecist evaluate``: result JSON on stdout, one line per problem on stderr, exit 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from criteria_builders import case, liver, non_target, timepoint, to_json

from core.cli import main
from core.criteria import evaluate, parse_case, result_to_data

REPO_ROOT = Path(__file__).resolve().parents[3]


def _valid_text() -> str:
    return to_json(
        case(
            timepoint("Baseline", 0, target=[liver("T1", 40, 50)], non_target=[non_target()]),
            timepoint("Week 6", 42, target=[liver("T1", 0, 45)], non_target=[non_target()]),
        )
    )


def _write(tmp_path: Path, text: str | bytes, name: str = "case.json") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_prints_the_same_result_as_the_python_api(tmp_path, capsys):
    path = _write(tmp_path, _valid_text())
    assert main(["evaluate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert json.loads(out) == result_to_data(evaluate(parse_case(_valid_text())))
    assert json.loads(out)["timepoints"][1]["overall_response"] == "PR"


def test_criteria_option_overrides_the_case(tmp_path, capsys):
    path = _write(tmp_path, _valid_text())
    assert main(["evaluate", str(path), "--criteria", "RECIST1.1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["criteria"] == "RECIST1.1"
    assert data["timepoints"][1]["target_response"] == "SD"
    assert data["options"]["pd_min_increase_mm"] == 5.0


def test_unknown_criteria_is_an_argument_error(tmp_path, capsys):
    path = _write(tmp_path, _valid_text())
    with pytest.raises(SystemExit) as stopped:
        main(["evaluate", str(path), "--criteria", "WHO"])
    assert stopped.value.code == 2
    assert "invalid choice: 'WHO'" in capsys.readouterr().err


def test_invalid_case_exits_2_with_one_line_per_problem(tmp_path, capsys):
    data = json.loads(_valid_text())
    data["timepoints"][1]["target"][0]["viable_mm"] = -3
    data["timepoints"][1]["target"][0]["colour"] = "red"
    path = _write(tmp_path, json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}: /timepoints/1/target/0/colour: unknown key",
        f"{path}: /timepoints/1/target/0/viable_mm: must be a number ≥ 0, not -3",
    ]


def test_a_case_that_breaks_the_rules_between_timepoints_exits_2(tmp_path, capsys):
    data = json.loads(_valid_text())
    data["timepoints"][1]["date"] = data["timepoints"][0]["date"]
    data["timepoints"][1]["target"] = []
    path = _write(tmp_path, json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: /timepoints/1/date: 2022-01-03 is not after")
    assert lines[1].startswith(f"{path}: /timepoints/1/target: baseline target 'T1' is missing")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param('{"format": }', "line 1, column 12: not valid JSON: Expecting value",
                     id="case-format-not-json"),
        pytest.param(b"\xff\xfe{}", "not UTF-8 text (invalid byte at offset 0)",
                     id="case-format-not-utf8"),
        pytest.param("[1, 2]", "(document): must be an object, not a list",
                     id="case-format-not-an-object"),
    ],
)  # fmt: skip
def test_unreadable_input_is_one_line_naming_the_file(tmp_path, capsys, content, expected):
    path = _write(tmp_path, content)
    assert main(["evaluate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"{path}: {expected}"]


def test_a_missing_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "nowhere.json"
    assert main(["evaluate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: cannot read the file: No such file or directory"
    ]


def test_a_byte_order_mark_is_accepted(tmp_path, capsys):
    path = _write(tmp_path, "\ufeff" + _valid_text())
    assert main(["evaluate", str(path)]) == 0


def test_dash_reads_standard_input(monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(_valid_text().encode("utf-8")))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["evaluate", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["subject"] == "HCC-001"


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def test_python_m_core_cli_evaluate_in_a_real_process(tmp_path):
    valid = _write(tmp_path, _valid_text())
    done = _run_module("evaluate", str(valid))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == result_to_data(evaluate(parse_case(_valid_text())))

    broken = _write(tmp_path, '{"format": "mrecist-case/1",\n "subject": 7', "broken.json")
    done = _run_module("evaluate", str(broken))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{broken}: line 2, column 14: not valid JSON: Expecting ',' delimiter"
    ]
    assert "Traceback" not in done.stderr


def test_evaluate_is_listed_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "evaluate" in out
    assert "stats" in out


def test_line_breaks_inside_quoted_values_never_split_a_problem(tmp_path, capsys):
    # Found by hypothesis: str.splitlines() also breaks on U+0085, U+2028 and U+2029.
    data = json.loads(_valid_text())
    data["criteria"] = "\x85"
    data["timepoints"][0]["target"][0]["odd\nkey\u2028"] = 1
    path = _write(tmp_path, json.dumps(data))
    assert main(["evaluate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f'{path}: /criteria: must be one of "mRECIST", "RECIST1.1", not the string "\\u0085"',
        f"{path}: /timepoints/0/target/0/odd\\u000akey\\u2028: unknown key",
    ]
