"""``mrecist clinical import|export``: the documented CSV layouts, all or nothing, every bad
line named, and an export that imports again unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from store_demo_reading import PASSWORD
from store_trial import make_trial

from core.actions import add_subject, clinical_entries, clinical_record
from core.cli import main
from core.model.clinical_record import ClinicalKind
from core.store import login, open_store
from core.store.integrity import check_store

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
KINDS = {"labs": ClinicalKind.LAB, "adverse-events": ClinicalKind.ADVERSE_EVENT,
         "treatment": ClinicalKind.DOSE, "follow-up": ClinicalKind.FOLLOW_UP}
COUNTS = {"labs": 5, "adverse-events": 3, "treatment": 4, "follow-up": 2}


def _store(path: Path) -> Path:
    trial = make_trial(path)
    for code in ("HCC-001", "HCC-002"):
        add_subject(trial.store, trial.coordinator, code)
    trial.store.close()
    return path


@pytest.fixture
def db(tmp_path):
    """A closed store with both example subjects; checked whole after the test."""
    path = _store(tmp_path / "trial.sqlite")
    yield path
    with open_store(path) as store:
        found = check_store(store)
    assert found.is_intact, [str(d) for d in found.discrepancies]


def run(monkeypatch, capsys, *argv, stdin=PASSWORD + "\n"):
    """Run ``mrecist`` in-process; return (status, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _import(monkeypatch, capsys, db, kind, path, user="coord"):
    return run(monkeypatch, capsys, "clinical", "import", "--db", db, "--user", user,
               "--password-stdin", kind, path)


def _entries(db, kind):
    with open_store(db) as store:
        return clinical_entries(store, login(store, "coord", PASSWORD), KINDS[kind])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_documented_example_file_imports(db, monkeypatch, capsys, kind):
    path = EXAMPLES / f"clinical-{kind}.csv"
    status, out, err = _import(monkeypatch, capsys, db, kind, path)
    assert (status, err) == (0, "")
    assert out.startswith(f"{path}: imported {COUNTS[kind]} ")
    assert len(_entries(db, kind)) == COUNTS[kind]


def test_the_example_lab_values_are_stored_as_written(db, monkeypatch, capsys):
    _import(monkeypatch, capsys, db, "labs", EXAMPLES / "clinical-labs.csv")
    with open_store(db) as store:
        record = clinical_record(store, login(store, "coord", PASSWORD), "HCC-001")
    bilirubin = next(e.value for e in record.labs if e.value.test_code == "BILI")
    assert (str(bilirubin.value), bilirubin.unit, str(bilirubin.uln)) == \
        ("18.8", "umol/L", "20.5")
    assert bilirubin.is_baseline
    assert [e.value.test_code for e in record.labs] == ["ALB", "BILI", "PLAT", "PLAT"]


BAD_LABS = """USUBJID,LBDTC,LBTESTCD,LBORRES,LBORRESU,LBORNRLO,LBORNRHI,LBBLFL
HCC-001,2024-01-05,PLAT,92,10^9/L,125,350,Y
HCC-001,2024-01,ALB,36,g/L,40,55,Y
HCC-009,2024-01-05,ALB,36,g/L,40,55,Y
HCC-001,2024-01-05,plat,1e999,10^9/L,125,350,Y
HCC-001,2024-01-05,ALT,NaN,U/L,9,50,
HCC-001,2024-01-05,PLAT,90,10^9/L,125,350,Y
HCC-001,2999-01-05,GGT,40,U/L,9,50,
HCC-001,2024-01-05,INR,1.1,,0.8,1.2,X
HCC-001,2024-01-05,ALP
"""


def test_a_bad_file_is_all_or_nothing_with_every_bad_line_named(db, monkeypatch, capsys,
                                                                  tmp_path):
    path = tmp_path / "labs.csv"
    path.write_text(BAD_LABS, encoding="utf-8")
    status, out, err = _import(monkeypatch, capsys, db, "labs", path)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    prefix = f"mrecist clinical: {path} line "
    assert [line.removeprefix(prefix).split(":", 1)[0] for line in lines[:-1]] == \
        ["3", "4", "5", "6", "7", "8", "9", "10"]
    reasons = dict(line.removeprefix(prefix).split(": ", 1) for line in lines[:-1])
    assert "not a complete ISO 8601 date" in reasons["3"]
    assert "subject 'HCC-009' is not registered" in reasons["4"]
    assert "LBORRES '1e999' is not a plain decimal number" in reasons["5"]
    assert "LBORRES 'NaN'" in reasons["6"]
    assert "already recorded (the same test on the same visit date)" in reasons["7"]
    assert "visit_date 2999-01-05 is after today" in reasons["8"]
    assert "LBORRESU is empty" in reasons["9"]
    assert reasons["10"] == "3 cells, the header has 8"
    assert lines[-1] == f"mrecist clinical: {path}: 8 lines refused, nothing imported"
    assert _entries(db, "labs") == ()


def test_a_file_refused_only_by_the_store_names_those_lines(db, monkeypatch, capsys, tmp_path):
    path = tmp_path / "labs.csv"
    path.write_text(BAD_LABS.split("\n")[0] + "\n" + BAD_LABS.split("\n")[1] + "\n"
                    + "HCC-002,2024-01-05,PLAT,92,10^9/L,125,350,Y\n"
                    + BAD_LABS.split("\n")[1] + "\n", encoding="utf-8")
    status, _, err = _import(monkeypatch, capsys, db, "labs", path)
    assert status == 2
    assert err.splitlines()[0].endswith(" line 4: already recorded (the same test on the "
                                        "same visit date)")
    assert _entries(db, "labs") == ()


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty: no header line"),
    ("USUBJID,LBDTC,LBTESTCD,LBORRES\n", "line 1: the header lacks LBORRESU"),
    ("USUBJID,LBDTC,LBTESTCD,LBORRES,LBORRESU,LBSTAT\n", "line 1: the header has columns "
     "the labs layout does not: LBSTAT"),
    ("USUBJID,LBDTC,LBTESTCD,LBORRES,LBORRESU\n", "no lines after the header"),
])
def test_a_file_that_is_not_the_layout_is_one_line_naming_it(db, monkeypatch, capsys,
                                                              tmp_path, text, reason):
    path = tmp_path / "labs.csv"
    path.write_text(text, encoding="utf-8")
    status, _, err = _import(monkeypatch, capsys, db, "labs", path)
    assert status == 2
    assert err.startswith(f"mrecist clinical: {path}: {reason}")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("user", ["reader1", "adj", "admin"])
def test_only_the_coordinator_imports_or_exports(db, monkeypatch, capsys, user):
    status, _, err = _import(monkeypatch, capsys, db, "labs", EXAMPLES / "clinical-labs.csv",
                             user=user)
    assert status == 2
    assert "may not do this (needs coordinator)" in err
    status, out, err = run(monkeypatch, capsys, "clinical", "export", "--db", db, "--user",
                           user, "--password-stdin", "labs")
    assert (status, out) == (2, "")
    assert "may not do this (needs coordinator)" in err


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_export_imports_into_another_store_unchanged(db, monkeypatch, capsys, tmp_path,
                                                        kind):
    example = EXAMPLES / f"clinical-{kind}.csv"
    _import(monkeypatch, capsys, db, kind, example)
    status, exported, err = run(monkeypatch, capsys, "clinical", "export", "--db", db,
                                "--user", "coord", "--password-stdin", kind)
    assert (status, err) == (0, "")
    assert sorted(exported.splitlines()[1:]) == sorted(
        example.read_text(encoding="utf-8").splitlines()[1:])
    other = _store(tmp_path / "other.sqlite")
    path = tmp_path / "exported.csv"
    path.write_text(exported, encoding="utf-8")
    assert _import(monkeypatch, capsys, other, kind, path)[0] == 0
    assert [(e.subject, e.value) for e in _entries(other, kind)] == \
        [(e.subject, e.value) for e in _entries(db, kind)]
    out_file = tmp_path / "out.csv"
    status, _, _ = run(monkeypatch, capsys, "clinical", "export", "--db", other, "--user",
                       "coord", "--password-stdin", kind, "--out", out_file)
    assert status == 0
    assert out_file.read_text(encoding="utf-8") == exported
