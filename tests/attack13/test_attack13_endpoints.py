"""``subject_endpoints`` / ``mrecist endpoints`` with ordinary incomplete records.

One subject whose OS cannot be derived yet (enrolled this week, no follow-up contact) must
not take every other subject's OS and PFS down with it, and the message must name the
subject: the report is the input of the survival statistics of all 31 subjects.
"""

from __future__ import annotations

import datetime as dt
import io

from store_demo_reading import PASSWORD

from core.actions import add_subject, record_follow_up, record_screening
from core.actions.endpoints import subject_endpoints
from core.cli import main
from core.model.clinical_record import FollowUp, Screening, ScreeningOutcome

TODAY = dt.date(2024, 6, 30)


def _two_enrolled(trial):
    store, coord = trial.store, trial.coordinator
    add_subject(store, coord, "HCC-002")
    for code, day in (("HCC-001", dt.date(2024, 1, 8)), ("HCC-002", dt.date(2024, 6, 28))):
        record_screening(store, coord, code, Screening(ScreeningOutcome.ENROLLED, day),
                         today=TODAY)
    # HCC-001 has been followed; HCC-002 was enrolled two days ago: no contact yet.
    record_follow_up(store, coord, "HCC-001", FollowUp(last_known_alive=dt.date(2024, 6, 1)),
                     today=TODAY)


def test_a_subject_without_a_follow_up_contact_does_not_sink_the_others(a13_trial):
    _two_enrolled(a13_trial)
    rows = {row.subject: row for row in subject_endpoints(a13_trial.store,
                                                          a13_trial.coordinator)}
    assert rows["HCC-001"].overall_survival is not None
    assert rows["HCC-001"].overall_survival.days == 145
    assert "HCC-002" in rows  # listed, with a note why it has no OS yet


def test_mrecist_endpoints_reports_every_subject_despite_one_without_contact(
        a13_trial, monkeypatch, capsys):
    _two_enrolled(a13_trial)
    path = a13_trial.path
    a13_trial.store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    status = main(["endpoints", "--db", str(path), "--user", "coord", "--password-stdin"])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert "HCC-001" in out
