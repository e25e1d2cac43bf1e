"""Every ``mrecist`` command, fed bad input in a real process: exit 2, one line, no traceback.

Each test is an attack on the installed command line (issue #10, "bad input"): numbers
past what Python or ``Decimal`` convert, NaN and Infinity, ``/dev/zero``, bytes that are
not UTF-8, a folder or an unreadable file where a file belongs, JSON nested too deeply or
cut short, a CSV where a case file belongs, output to a closed pipe, Ctrl-C. The reason
must name the file or argument, and the last-resort "internal error" must never be what
a user sees for any of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.cli.common import MAX_CASE_FILE_BYTES, guarded

pytestmark = pytest.mark.slow

_BIN = Path(sys.executable).parent / "mrecist"
MRECIST = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "core.cli"]
PASSWORD = "bad input is refused 2024"

CASE = {
    "format": "mrecist-case/1", "subject": "HCC-001", "criteria": "mRECIST",
    "timepoints": [
        {"label": "Baseline", "date": "2022-01-03",
         "target": [{"id": "T1", "organ": "liver", "longest_mm": 50, "viable_mm": 40}]},
        {"label": "Week 6", "date": "2022-02-14",
         "target": [{"id": "T1", "organ": "liver", "longest_mm": 45, "viable_mm": 20}]},
    ],
}
VALID = json.dumps(CASE, indent=1)
VIABLE = "/timepoints/1/target/0/viable_mm"


def mrecist(*args: str, stdin: str | bytes | None = None, timeout: float = 60,
            **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([*MRECIST, *args], input=data, capture_output=True,
                          timeout=timeout, check=False, **kwargs)


def one_line_reason(done: subprocess.CompletedProcess[bytes]) -> str:
    """The single stderr line of a run that must have failed with exit status 2."""
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert "internal error" not in err, err  # the last resort is not the reason
    assert done.returncode == 2, err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _replace(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


# (file content, the reason after "FILE: "): one attack each.
CASE_ATTACKS = {
    "5000-digit-int": (_replace('"viable_mm": 20', f'"viable_mm": {"7" * 5000}'),
                       f"{VIABLE}: an integer of 5000 digits: at most 40 are read"),
    "huge-float": (_replace('"viable_mm": 20', '"viable_mm": 1e999'),
                   f"{VIABLE}: must be below 1E+40, not 1E+999"),
    "exponent-past-decimal": (_replace('"viable_mm": 20', '"viable_mm": 1e99999999999999999999'),
                              f"{VIABLE}: a number of 22 characters that cannot be read"),
    "tiny-exponent": (_replace('"viable_mm": 20', '"viable_mm": 1e-999999999'),
                      f"{VIABLE}: must have at most 40 decimal places, not 1E-999999999"),
    "nan": (_replace('"viable_mm": 20', '"viable_mm": NaN'),
            f"{VIABLE}: must be a number ≥ 0, not NaN"),
    "infinity": (_replace('"viable_mm": 20', '"viable_mm": Infinity'),
                 f"{VIABLE}: must be a number ≥ 0, not Infinity"),
    "huge-option": (_replace('"criteria": "mRECIST",', '"criteria": "mRECIST", "options": '
                             '{"sd_min_days": 100000000000000000000},'),
                    "/options/sd_min_days: must be at most 36525, not 100000000000000000000"),
    "truncated": (VALID[: len(VALID) // 2],
                  "not valid JSON: "),  # the line and column come first
    "nested-too-deep": ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
    "not-utf8": (VALID.encode().replace(b"liver", b"l\xe9ver", 1),
                 "not UTF-8 text (invalid byte at offset "),
    "lone-surrogate": (_replace('"HCC-001"', '"HCC-\\udc80"'),
                       "/subject: not Unicode text: a lone surrogate \\udc80"),
    "csv": ("subject,date,response\nHCC-001,2022-01-03,PR\n",
            "line 1, column 1: not valid JSON: Expecting value"),
    "empty": ("", "line 1, column 1: not valid JSON: Expecting value"),
    "over-the-size-limit": (VALID + " " * MAX_CASE_FILE_BYTES,
                            "larger than 1 MiB, the most a case file may be"),
}


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / f"{name}.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# One process each for these; stats below runs every attack in one process.
@pytest.mark.parametrize("attack", ["5000-digit-int", "huge-float", "nan", "truncated",
                                    "nested-too-deep", "not-utf8", "over-the-size-limit"])
def test_evaluate_refuses_a_bad_case_file_in_one_line(tmp_path, attack):
    content, reason = CASE_ATTACKS[attack]
    path = _write(tmp_path, attack, content)
    line = one_line_reason(mrecist("evaluate", str(path)))
    assert line.startswith(f"{path}: ")
    assert reason in line
    assert len(line) < 300  # a 5,000-digit value is quoted short


def test_stats_names_every_bad_file_once_and_prints_nothing(tmp_path):
    paths = [_write(tmp_path, attack, content)
             for attack, (content, _) in CASE_ATTACKS.items()]
    done = mrecist("stats", str(_write(tmp_path, "valid", VALID)), *map(str, paths))
    err = done.stderr.decode()
    assert done.returncode == 2
    assert done.stdout == b""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [str(path) for path in paths]
    for line, (_, reason) in zip(lines, CASE_ATTACKS.values(), strict=True):
        assert reason in line


@pytest.mark.parametrize(("source", "reason"), [
    ("/dev/zero", "larger than 1 MiB, the most a case file may be"),
    ("folder", "cannot read the file: Is a directory"),
    ("missing.json", "cannot read the file: No such file or directory"),
    ("/dev/null", "line 1, column 1: not valid JSON: Expecting value"),
])
def test_evaluate_refuses_what_is_not_a_case_file(tmp_path, source, reason):
    path = source if source.startswith("/") else str(tmp_path / source)
    (tmp_path / "folder").mkdir()
    started = time.monotonic()
    line = one_line_reason(mrecist("evaluate", path, timeout=30))
    assert line.startswith(f"{path}: {reason}")
    assert time.monotonic() - started < 30


def test_standard_input_from_dev_zero_is_refused_not_read_forever():
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([*MRECIST, "evaluate", "-"], stdin=zero, capture_output=True,
                              timeout=30, check=False)
    assert one_line_reason(done) == ("<stdin>: larger than 1 MiB, the most a case file may "
                                     "be (docs/input-limits.md)")


def _without_root_privilege() -> list[str]:
    """A command prefix under which chmod 000 denies reading, also to root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root reads every file and setpriv is not installed")
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


def test_an_unreadable_file_is_named(tmp_path):
    path = _write(tmp_path, "secret", VALID)
    path.chmod(0)
    done = subprocess.run([*_without_root_privilege(), *MRECIST, "evaluate", str(path)],
                          capture_output=True, timeout=60, check=False)
    assert one_line_reason(done) == f"{path}: cannot read the file: Permission denied"


def test_output_to_a_closed_pipe_is_one_line(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read what evaluate prints
    try:
        done = subprocess.run([*MRECIST, "evaluate", str(_write(tmp_path, "ok", VALID))],
                              stdout=write_end, stderr=subprocess.PIPE, timeout=60,
                              check=False)
    finally:
        os.close(write_end)
    done.stdout = b""
    assert one_line_reason(done) == ("mrecist evaluate: standard output was closed before "
                                     "the output was written")


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    process = subprocess.Popen([*MRECIST, "evaluate", str(fifo)], stderr=subprocess.PIPE)
    try:
        # Opening the FIFO for writing without blocking succeeds only once evaluate has
        # opened it for reading, i.e. once it is past its imports and waiting for input.
        deadline = time.monotonic() + 60
        while True:
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                assert time.monotonic() < deadline, "evaluate never opened the FIFO"
                time.sleep(0.05)
        time.sleep(0.2)  # into its read
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        os.close(writer)
    finally:
        process.kill()
    assert process.returncode == 130
    assert err.decode().splitlines() == ["mrecist evaluate: interrupted"]


def test_demo_and_phantom_name_a_folder_they_cannot_write(tmp_path):
    taken = tmp_path / "a file"
    taken.write_text("not a folder")
    assert one_line_reason(mrecist("demo", str(taken), "--size", "small")) == (
        f"mrecist demo: {taken}: cannot write the demo trial there: File exists")
    assert one_line_reason(mrecist("phantom", str(taken), "--size", "small")) == (
        f"mrecist phantom: {taken / 'dicom'}: cannot write the study there: Not a directory")


@pytest.mark.parametrize(("argv", "argument"), [
    (["demo", "FOLDER", "--workers", "0"], "--workers"),
    (["demo", "FOLDER", "--workers", "9" * 5000], "--workers"),
    (["demo", "FOLDER", "--workers", "-3"], "--workers"),
    (["timepoint", "add", "--db", "x.sqlite", "--user", "u", "--subject", "S", "--label",
      "L", "--date", "2022-01-01", "--week", "99999999999999999999"], "--week"),
])
def test_a_number_argument_out_of_range_is_an_argparse_error(tmp_path, argv, argument):
    argv = [str(tmp_path / "out") if arg == "FOLDER" else arg for arg in argv]
    done = mrecist(*argv, cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "Traceback" not in err
    assert f"error: argument {argument}: must be a whole number from " in err.splitlines()[-1]
    assert len(err.splitlines()[-1]) < 300
    assert not (tmp_path / "out").exists()


def test_an_engine_option_out_of_range_is_named_before_a_store_is_made(tmp_path):
    store = tmp_path / "trial.sqlite"
    line = one_line_reason(mrecist("db", "init", "--db", str(store), "--trial", "T",
                                   "--criteria", "mRECIST", "--password-stdin",
                                   "--confirmation-days", "99999999999999999999",
                                   stdin=PASSWORD + "\n"))
    assert line == ("mrecist db: confirmation_days: must be an integer from 0 to 36525, not "
                    "99999999999999999999")
    assert not store.exists()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "trial.sqlite"
    done = mrecist("db", "init", "--db", str(path), "--trial", "T", "--criteria", "mRECIST",
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    return path


def test_a_password_that_is_not_utf8_is_named(store):
    line = one_line_reason(mrecist("status", "--db", str(store), "--user", "admin",
                                   "--password-stdin", stdin=b"\xff\xfe password\n"))
    assert line == "mrecist status: the password of admin is not UTF-8 text"


def test_passwords_from_dev_zero_are_refused_not_read_forever(store):
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([*MRECIST, "status", "--db", str(store), "--user", "admin",
                               "--password-stdin"], stdin=zero, capture_output=True,
                              timeout=30, check=False)
    assert one_line_reason(done) == ("mrecist status: standard input: the line for password "
                                     "of admin is longer than 4096 characters")


def test_text_the_console_cannot_encode_is_escaped_not_a_crash(tmp_path):
    folder = tmp_path / "étude"
    folder.mkdir()
    done = mrecist("inspect", str(folder), env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert b"\\xe9tude" in done.stdout
    assert b"Traceback" not in done.stderr


def test_the_last_resort_is_one_line_naming_the_command_and_the_type(capsys):
    # guarded() behind every command: an exception no code names still ends in one line
    # and exit 2 (the attacks above must never get here; this shows what it prints).
    def broken(_: argparse.Namespace) -> int:
        raise RuntimeError("first line\nsecond line")

    assert guarded(broken)(argparse.Namespace(command="evaluate")) == 2
    assert capsys.readouterr().err.splitlines() == [
        "mrecist evaluate: internal error: RuntimeError: first line\\u000asecond line "
        "(please report)"]


def test_a_file_the_system_refuses_is_named_with_the_systems_reason(tmp_path, capsys):
    # What `export-case --out` meets when its folder does not exist: the OSError names the
    # file, so the line does too, without "internal error".
    target = tmp_path / "no such folder" / "case.json"

    def write(_: argparse.Namespace) -> int:
        target.write_text("{}", encoding="utf-8")
        return 0

    assert guarded(write)(argparse.Namespace(command="export-case")) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"mrecist export-case: {target}: No such file or directory"]


def test_an_argument_that_is_not_utf8_is_named(store):
    # Python keeps the byte as a lone surrogate, which SQLite could not encode.
    done = mrecist("user", "unlock", "--db", str(store), "--user", "admin", "--password-stdin",
                   "--login", os.fsdecode(b"reader\xff"), stdin=PASSWORD + "\n")
    assert one_line_reason(done) == (
        "mrecist user: argument --login: not UTF-8 text (byte b'\\xff' at character 6)")


def test_a_line_break_inside_an_argument_never_splits_the_reason(tmp_path):
    missing = tmp_path / "two\nlines"
    assert one_line_reason(mrecist("inspect", str(missing))) == (
        f"mrecist inspect: {tmp_path}/two\\u000alines: no such file or folder")
