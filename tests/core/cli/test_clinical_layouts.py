"""``mrecist clinical import|export`` for every kind of the clinical record: eligibility,
screening, baseline, DEB-TACE sessions and end of treatment beside labs, adverse events,
doses and follow-up (docs/clinical-record.md §5). Each documented example imports and
exports back byte for byte; a bad line is refused with its number and reason, and one bad
line records nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from store_demo_reading import PASSWORD
from store_trial import make_trial

from core.actions import add_subject, clinical_entries, clinical_record
from core.cli import main
from core.cli.clinical import LAYOUTS
from core.model.clinical_record import (
    ClinicalKind,
    CriterionStatus,
    EndOfTreatmentReason,
    Pvtt,
    ScreeningOutcome,
)
from core.store import login, open_store
from core.store.integrity import check_store

DOCS = Path(__file__).resolve().parents[3] / "docs"
EXAMPLES = DOCS / "examples"
NEW_KINDS = {"eligibility": ClinicalKind.ELIGIBILITY, "screening": ClinicalKind.SCREENING,
             "baseline": ClinicalKind.BASELINE,
             "treatment-sessions": ClinicalKind.TREATMENT_SESSION,
             "end-of-treatment": ClinicalKind.END_OF_TREATMENT}
COUNTS = {"eligibility": 5, "screening": 2, "baseline": 2, "treatment-sessions": 3,
          "end-of-treatment": 2}


@pytest.fixture
def db(tmp_path):
    """A closed store with both example subjects (and HCC-003); checked whole afterwards."""
    path = tmp_path / "trial.sqlite"
    trial = make_trial(path)
    for code in ("HCC-001", "HCC-002", "HCC-003"):
        add_subject(trial.store, trial.coordinator, code)
    trial.store.close()
    yield path
    with open_store(path) as store:
        found = check_store(store)
    assert found.is_intact, [str(d) for d in found.discrepancies]


def run(monkeypatch, capsys, *argv):
    """Run ``mrecist`` in-process with the password on stdin; (status, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _import(monkeypatch, capsys, db, kind, path):
    return run(monkeypatch, capsys, "clinical", "import", "--db", db, "--user", "coord",
               "--password-stdin", kind, path)


def _export(monkeypatch, capsys, db, kind):
    status, out, err = run(monkeypatch, capsys, "clinical", "export", "--db", db, "--user",
                           "coord", "--password-stdin", kind)
    assert (status, err) == (0, "")
    return out


def _entries(db, kind):
    with open_store(db) as store:
        return clinical_entries(store, login(store, "coord", PASSWORD), NEW_KINDS[kind])


def _refusals(err: str, path: Path) -> dict[str, str]:
    """The reasons on stderr by line number, and the closing line checked."""
    lines = err.splitlines()
    prefix = f"mrecist clinical: {path} line "
    count = len(lines) - 1
    assert lines[-1] == (f"mrecist clinical: {path}: {count} "
                         f"{'line' if count == 1 else 'lines'} refused, nothing imported")
    return dict(line.removeprefix(prefix).split(": ", 1) for line in lines[:-1])


def test_every_kind_of_the_record_has_a_layout_and_a_documented_example():
    assert {layout.kind for layout in LAYOUTS.values()} == set(ClinicalKind)
    documented = (DOCS / "clinical-record.md").read_text(encoding="utf-8")
    for kind, layout in LAYOUTS.items():
        example = EXAMPLES / f"clinical-{kind}.csv"
        assert example.is_file(), example
        assert f"(examples/clinical-{kind}.csv)" in documented
        assert f"`{kind}`" in documented
        header = example.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[:len(layout.columns)] == list(layout.columns)
        for column in layout.columns:  # every column is in the table of §5
            assert re.search(rf"`{re.escape(column)}`", documented), (kind, column)
    files = {path.name for path in EXAMPLES.glob("clinical-*.csv")}
    assert files == {f"clinical-{kind}.csv" for kind in LAYOUTS}


@pytest.mark.parametrize("kind", sorted(NEW_KINDS))
def test_each_example_imports_and_exports_back_byte_for_byte(db, monkeypatch, capsys, kind):
    example = EXAMPLES / f"clinical-{kind}.csv"
    status, out, err = _import(monkeypatch, capsys, db, kind, example)
    assert (status, err) == (0, "")
    assert out == f"{example}: imported {COUNTS[kind]} {LAYOUTS[kind].what}\n"
    assert len(_entries(db, kind)) == COUNTS[kind]
    assert _export(monkeypatch, capsys, db, kind).encode("utf-8") == example.read_bytes()


def test_the_example_values_are_recorded_as_written(db, monkeypatch, capsys):
    for kind in NEW_KINDS:
        _import(monkeypatch, capsys, db, kind, EXAMPLES / f"clinical-{kind}.csv")
    with open_store(db) as store:
        record = clinical_record(store, login(store, "coord", PASSWORD), "HCC-001")
        other = clinical_record(store, login(store, "coord", PASSWORD), "HCC-002")
    assert [(e.value.criterion, e.value.status) for e in record.eligibility] == [
        ("EX01", CriterionStatus.NOT_MET), ("IN02", CriterionStatus.MET),
        ("IN04", CriterionStatus.MET)]
    assert record.eligibility[1].value.note == "Child-Pugh 6 (class A)"
    assert other.eligibility[0].value.status is CriterionStatus.NOT_APPLICABLE
    assert record.screening.value.outcome is ScreeningOutcome.ENROLLED
    assert record.screening.value.enrolment_date.isoformat() == "2024-01-08"
    baseline = record.baseline.value
    assert (baseline.age_years, baseline.sex.value, baseline.ecog, str(baseline.inr),
            baseline.pvtt, baseline.has_ivc_thrombus, baseline.has_extrahepatic_metastasis) \
        == (58, "M", 1, "1.12", Pvtt.VP3, False, True)
    assert str(other.baseline.value.bilirubin_umol_l) == "12.0"  # the decimal as typed
    sessions = [(e.value.session_date.isoformat(), e.value.is_end_point_reached)
                for e in record.treatment_sessions]
    assert sessions == [("2024-01-10", True), ("2024-03-06", False)]
    end = record.end_of_treatment.value
    assert (end.reason, end.subsequent_therapy, str(end.subsequent_therapy_start)) == \
        (EndOfTreatmentReason.CONFIRMED_PROGRESSION, "sorafenib", "2024-05-20")
    assert other.end_of_treatment.value.subsequent_therapy is None


def test_a_screen_failure_round_trips(db, monkeypatch, capsys, tmp_path):
    text = ("USUBJID,DSDECOD,DSSTDTC,IETESTCD\nHCC-001,enrolled,2024-01-08,\n"
            "HCC-003,screen_failure,,IN09\n")
    path = tmp_path / "screening.csv"
    path.write_text(text, encoding="utf-8")
    assert _import(monkeypatch, capsys, db, "screening", path)[0] == 0
    (_, failed) = _entries(db, "screening")
    assert (failed.subject, failed.value.outcome, failed.value.failed_criterion) == \
        ("HCC-003", ScreeningOutcome.SCREEN_FAILURE, "IN09")
    assert _export(monkeypatch, capsys, db, "screening") == text


# Each kind's bad file: its first line is good, every other line is refused, by its own
# rules or by the store's (the line number: a piece of its reason).
BAD = {
    "eligibility": ("USUBJID,IETESTCD,IEORRES,COVAL\n"
                    "HCC-001,IN01,Y,\n"
                    "HCC-001,in02,Y,\n"
                    "HCC-001,IN03,maybe,\n"
                    "HCC-001,IN01,N,\n"
                    "HCC-009,IN01,Y,\n"
                    "HCC-002,,Y,\n"
                    "HCC-002,IN01\n", {
                        "3": "IETESTCD: must be a protocol code such as IN01",
                        "4": "IEORRES 'MAYBE' is not Y (met), N (not met) or NA",
                        "5": "already recorded (the same criterion)",
                        "6": "subject 'HCC-009' is not registered",
                        "7": "IETESTCD is empty",
                        "8": "2 cells, the header has 4"}),
    "screening": ("USUBJID,DSDECOD,DSSTDTC,IETESTCD\n"
                  "HCC-001,enrolled,2024-01-08,\n"
                  "HCC-001,enrolled,2024-01-09,\n"
                  "HCC-002,enrolled,,\n"
                  "HCC-002,screen_failure,2024-01-10,IN09\n"
                  "HCC-002,screened,,\n"
                  "HCC-002,enrolled,2999-01-01,\n"
                  "HCC-002,screen_failure,,\n"
                  "HCC-002,enrolled,2024-01,\n", {
                      "3": "already recorded for this subject",
                      "4": "DSSTDTC: is required when enrolled",
                      "5": "DSSTDTC: a screen failure is not enrolled, not '2024-01-10'",
                      "6": "DSDECOD 'screened' is not one of enrolled, screen_failure",
                      "7": "enrolment_date 2999-01-01 is after today",
                      "8": "IETESTCD: a screen failure names the criterion it failed",
                      "9": "DSSTDTC '2024-01' is not a complete ISO 8601 date"}),
    "baseline": (
        "USUBJID,AGE,SEX,ETIOLOGY,ECOG101,BILI,ALB,INR,CPS0102,CPS0101,AFP,WEIGHT,HEIGHT,"
        "TUMNUM,LDIAM,SUMDIAM,PVTT,IVCTT,EHMETS\n"
        "HCC-001,58,M,HBV,1,18.8,36,1.12,none,none,1250.5,64.5,171,2,84,121,Vp3,N,Y\n"
        "HCC-002,sixty,F,HCV,0,12.0,41,1.05,mild,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-002,66,X,HCV,0,12.0,41,1.05,mild,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-002,66,F,HCV,7,12.0,41,1.05,mild,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-002,66,F,HCV,0,1e3,41,1.05,mild,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-002,66,F,HCV,0,12.0,41,1.05,mild,none,35.2,58,162,4,147,130,absent,N,N\n"
        "HCC-002,66,F,HCV,0,12.0,41,1.05,mild,none,35.2,58,162,4,47,130,Vp5,N,N\n"
        "HCC-002,66,F,HCV,0,12.0,41,0,mild,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-002,66,F,HCV,0,12.0,41,1.05,mild,none,35.2,58,162,4,47,130,absent,N,maybe\n"
        "HCC-002,66,F,HBC,0,12.0,41,1.05,severe,none,35.2,58,162,4,47,130,absent,N,N\n"
        "HCC-001,58,M,HBV,1,18.8,36,1.12,none,none,1250.5,64.5,171,2,84,121,Vp3,N,Y\n", {
            "3": "AGE 'sixty' is not a whole number",
            "4": "SEX 'X' is not one of M, F",
            "5": "ECOG101: must be a whole number from 0 to 5, not '7'",
            "6": "BILI '1e3' is not a plain decimal number",
            "7": "SUMDIAM: must not be less than the maximum tumour size 147, not '130'",
            "8": "PVTT 'Vp5' is not one of absent, Vp1, Vp2, Vp3, Vp4",
            "9": "INR: must be greater than 0, not '0'",
            "10": "EHMETS must be Y or N (CDISC NY), not 'MAYBE'",
            "11": "ETIOLOGY 'HBC' is not one of HBV, HCV, other",
            "12": "already recorded for this subject"}),
    "treatment-sessions": ("USUBJID,PRSTDTC,EXTRT,EXDOSE,EXDOSU,SPHMIN,SPHMAX,EMBENDPT\n"
                           "HCC-001,2024-01-10,pirarubicin,40,mg,300,500,Y\n"
                           "HCC-001,2024-01-10,pirarubicin,40,mg,500,300,Y\n"
                           "HCC-001,2024-02-30,pirarubicin,40,mg,300,500,Y\n"
                           "HCC-001,2024-03-06,pirarubicin,40,mg,300.5,500,Y\n"
                           "HCC-001,2024-03-06,pirarubicin,40,mg,300,500,\n"
                           "HCC-002,2024-01-10,,40,mg,300,500,Y\n"
                           "HCC-002,2024-01-10,pirarubicin,40,mg,0,500,Y\n"
                           "HCC-002,2999-01-10,pirarubicin,40,mg,300,500,Y\n"
                           "HCC-002,2024-01-10,pirarubicin,-40,mg,300,500,Y\n", {
                               "3": "SPHMAX: must not be below the minimum 500, not '300'",
                               "4": "PRSTDTC '2024-02-30' is not a date of the calendar",
                               "5": "SPHMIN '300.5' is not a whole number",
                               "6": "EMBENDPT must be Y or N (CDISC NY), not ''",
                               "7": "EXTRT is empty",
                               "8": "SPHMIN: must be a whole number from 1 to 5000, not '0'",
                               "9": "session_date 2999-01-10 is after today",
                               "10": "EXDOSE '-40' is not a plain decimal number"}),
    "end-of-treatment": ("USUBJID,DSSTDTC,DSDECOD,DSTERM,CMTRT,CMSTDTC\n"
                         "HCC-001,2024-05-02,confirmed_progression,,sorafenib,2024-05-20\n"
                         "HCC-002,2024-04-20,other,,,\n"
                         "HCC-002,2024-04-20,progression,,,\n"
                         "HCC-002,2024-04-20,death,,sorafenib,\n"
                         "HCC-002,,death,,,\n"
                         "HCC-001,2024-05-03,death,,,\n"
                         "HCC-002,2024-04-20,withdrawal,,lenvatinib,2999-05-01\n", {
                             "3": "DSTERM: must not be empty",
                             "4": "DSDECOD 'progression' is not one of confirmed_progression",
                             "5": "CMSTDTC: a subsequent therapy has both a type and a start",
                             "6": "DSSTDTC is empty",
                             "7": "already recorded for this subject",
                             "8": "subsequent_therapy_start 2999-05-01 is after today"}),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_every_bad_line_is_named_and_nothing_is_recorded(db, monkeypatch, capsys, tmp_path,
                                                         kind):
    text, expected = BAD[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    status, out, err = _import(monkeypatch, capsys, db, kind, path)
    assert (status, out) == (2, "")
    reasons = _refusals(err, path)
    assert list(reasons) == list(expected)  # every bad line, in order, and only those
    for number, reason in expected.items():
        assert reason in reasons[number], (number, reasons[number])
    assert _entries(db, kind) == ()


@pytest.mark.parametrize("kind", sorted(NEW_KINDS))
def test_one_bad_line_among_good_ones_records_nothing(db, monkeypatch, capsys, tmp_path,
                                                      kind):
    lines = (EXAMPLES / f"clinical-{kind}.csv").read_text(encoding="utf-8").splitlines()
    bad = "HCC-009" + lines[-1][len("HCC-002"):]  # a subject that is not registered
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join([*lines, bad]) + "\n", encoding="utf-8")
    status, _, err = _import(monkeypatch, capsys, db, kind, path)
    assert status == 2
    assert _refusals(err, path) == {str(len(lines) + 1): "subject 'HCC-009' is not registered"}
    assert _entries(db, kind) == ()
    # The same file without the bad line then imports whole.
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _import(monkeypatch, capsys, db, kind, path)[0] == 0
    assert len(_entries(db, kind)) == COUNTS[kind]


@pytest.mark.parametrize(("kind", "header", "reason"), [
    ("eligibility", "USUBJID,IETESTCD,COVAL", "the header lacks IEORRES"),
    ("screening", "USUBJID,DSDECOD,DSSTDTC,IETESTCD,RFSTDTC",
     "the header has columns the screening outcomes layout does not: RFSTDTC"),
    ("baseline", "USUBJID,AGE,SEX", "the header lacks ETIOLOGY, ECOG101, BILI"),
    ("treatment-sessions", "USUBJID,PRSTDTC,PRSTDTC", "the header lacks EXTRT"),
    ("end-of-treatment", "USUBJID,DSSTDTC,DSDECOD,CMTRT,CMTRT", "names CMTRT twice"),
])
def test_a_header_that_is_not_the_layout_is_one_line(db, monkeypatch, capsys, tmp_path, kind,
                                                     header, reason):
    path = tmp_path / f"{kind}.csv"
    path.write_text(header + "\nHCC-001\n", encoding="utf-8")
    status, _, err = _import(monkeypatch, capsys, db, kind, path)
    assert status == 2
    assert err.startswith(f"mrecist clinical: {path}: line 1: ")
    assert reason in err
    assert len(err.splitlines()) == 1


def test_a_dismissal_imports_once_its_episode_is_proposed(db, monkeypatch, capsys):
    example = EXAMPLES / "clinical-lab-event-dismissals.csv"
    status, _, err = _import(monkeypatch, capsys, db, "lab-event-dismissals", example)
    assert status == 2
    assert "is proposed now" in err
    for kind in ("screening", "treatment-sessions", "labs"):
        assert _import(monkeypatch, capsys, db, kind, EXAMPLES / f"clinical-{kind}.csv")[0] == 0
    status, out, err = _import(monkeypatch, capsys, db, "lab-event-dismissals", example)
    assert (status, err) == (0, "")
    assert out == f"{example}: imported 1 dismissed lab events\n"
    assert _export(monkeypatch, capsys, db, "lab-event-dismissals").encode("utf-8") == \
        example.read_bytes()
    status, _, err = _import(monkeypatch, capsys, db, "lab-event-dismissals", example)
    assert status == 2  # the same episode twice
