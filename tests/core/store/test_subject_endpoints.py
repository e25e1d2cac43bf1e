"""OS and PFS per subject from the clinical record and the final reads (#13, docs/clinical.md
§6), and ``mrecist endpoints`` feeding the survival statistics."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from store_demo_reading import PASSWORD, read_subject

from core.actions import record_end_of_treatment, record_follow_up, record_screening
from core.actions.endpoints import subject_endpoints
from core.cli import main
from core.errors import PermissionDeniedError
from core.model.clinical_record import (
    EndOfTreatment,
    EndOfTreatmentReason,
    FollowUp,
    Screening,
    ScreeningOutcome,
)
from core.stats import kaplan_meier

TODAY = dt.date(2026, 11, 30)


def _enrol(demo, subject: str, day: dt.date) -> None:
    record_screening(demo.store, demo.coordinator, subject,
                     Screening(ScreeningOutcome.ENROLLED, day), today=TODAY)


@pytest.fixture
def followed(demo):
    """HCC-002 read concordantly by both readers (stable, SD); HCC-003 read by one only."""
    for reader in (demo.reader1, demo.reader2):
        read_subject(demo.store, reader, "HCC-002")
    read_subject(demo.store, demo.reader1, "HCC-003")
    _enrol(demo, "HCC-002", dt.date(2026, 1, 19))
    _enrol(demo, "HCC-003", dt.date(2026, 2, 2))
    record_follow_up(demo.store, demo.coordinator, "HCC-002",
                     FollowUp(last_known_alive=dt.date(2026, 9, 1)), today=TODAY)
    record_follow_up(demo.store, demo.coordinator, "HCC-003",
                     FollowUp(death_date=dt.date(2026, 6, 1), death_cause="progression"),
                     today=TODAY)
    return demo


def test_os_and_pfs_come_from_the_clinical_record_and_the_final_read(followed):
    by_subject = {row.subject: row for row in subject_endpoints(followed.store,
                                                               followed.coordinator)}
    assert set(by_subject) == {"HCC-002", "HCC-003"}  # HCC-001 was never enrolled
    stable = by_subject["HCC-002"]
    assert (stable.overall_survival.days, stable.overall_survival.event) == (225, False)
    pfs = stable.progression_free_survival
    assert pfs is not None
    assert not pfs.event  # SD throughout: censored at the last adequate assessment
    assert pfs.date == dt.date(2026, 4, 13)  # week 12
    assert pfs.days == (dt.date(2026, 4, 13) - dt.date(2026, 1, 19)).days
    died = by_subject["HCC-003"]
    assert (died.overall_survival.days, died.overall_survival.event) == (119, True)
    assert died.progression_free_survival is None  # one read only: no final read yet
    assert "no final read yet" in died.note


def test_new_therapy_before_progression_censors_pfs_before_it(followed):
    record_end_of_treatment(followed.store, followed.coordinator, "HCC-002", EndOfTreatment(
        dt.date(2026, 3, 10), EndOfTreatmentReason.NEW_THERAPY,
        subsequent_therapy="sorafenib", subsequent_therapy_start=dt.date(2026, 3, 20)),
        today=TODAY)
    (stable,) = [row for row in subject_endpoints(followed.store, followed.coordinator)
                 if row.subject == "HCC-002"]
    assert stable.progression_free_survival.date == dt.date(2026, 3, 2)  # week 6
    assert not stable.progression_free_survival.event


@pytest.mark.parametrize("who", ["reader1", "reader2", "adjudicator", "admin"])
def test_no_other_role_gets_the_endpoints(followed, who):
    with pytest.raises(PermissionDeniedError):
        subject_endpoints(followed.store, getattr(followed, who))


def test_mrecist_endpoints_json_feeds_kaplan_meier(followed, capsys, monkeypatch):
    followed.store.close()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    status = main(["endpoints", "--db", str(followed.path), "--user", "coord",
                   "--password-stdin", "--json"])
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    os_rows = [row["os"] for row in data["subjects"]]
    fit = kaplan_meier([row["days"] for row in os_rows], [row["event"] for row in os_rows])
    assert fit.n == 2
    assert [row["subject"] for row in data["subjects"]] == ["HCC-002", "HCC-003"]
