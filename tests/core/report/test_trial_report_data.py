"""``trial_report_data`` on a real store (the demo's subjects and clinical record, read by
both readers, one subject adjudicated): the analysis set, the tables and figures through
the action, the cut-off, and the refusal of every role but the coordinator."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actions import lock_clinical, trial_report_data, trial_status
from core.errors import PermissionDeniedError
from core.model.clinical import ResponseCategory as R

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def report(reported):
    return trial_report_data(reported.store, reported.coordinator, now=NOW)


def test_the_analysis_set_is_stated_with_who_is_left_out(report):
    chosen = report.analysis_set
    assert chosen.subjects == ("HCC-001", "HCC-002")
    assert [(e.subject, e.reason) for e in chosen.excluded] == [("HCC-003", "no final read yet")]
    assert "80 %" in chosen.rule
    assert "120 %" in chosen.rule
    assert (report.cut_off, report.as_of, report.generated_utc) == (None, NOW.date(), NOW)
    assert report.trial == "DEMO-HCC-P2"


def test_table_2_from_the_final_reads(report):
    table = report.response
    assert table.n == 2
    # HCC-001 (adjudicated): CR at week 12, PR confirmed by it; HCC-002 (concordant): SD.
    assert table.unconfirmed.count(R.CR).text == "1/2 (50.0 %)"
    assert table.confirmed.count(R.PR).text == "1/2 (50.0 %)"
    # R: binom.test(1, 2)$conf.int 0.01257912 0.98742088; binom.test(2, 2) 0.1581139 1
    assert table.unconfirmed.orr.text == "1/2 (50.0 %; 95 % CI 1.3-98.7)"
    assert table.unconfirmed.dcr.text == "2/2 (100.0 %; 95 % CI 15.8-100.0)"


def test_tables_1_and_3_from_the_clinical_record(report):
    age = report.baseline.variable("Age, years").summary
    assert age.mean_sd_text == "58.0 (4.2)"  # 61 and 55: R sd 4.242641
    assert report.baseline.variable("DEB-TACE procedures").summary.median_iqr_text == \
        "2.0 [2.0-2.0]"
    safety = report.safety
    assert safety.row("Hypertension").all_grades.text == "2/2 (100.0 %)"
    assert safety.row("Aspartate aminotransferase increased").grade_1_2.text == "1/2 (50.0 %)"


def test_the_figures_data(report):
    assert [(bar.subject, bar.change_text) for bar in report.waterfall.bars] == [
        ("HCC-002", "-6.3 %"), ("HCC-001", "-100.0 %")]
    assert {lane.subject for lane in report.swimmer.lanes} == {"HCC-001", "HCC-002"}
    assert (report.pfs.n, report.pfs.events, report.os.n, report.os.events) == (2, 0, 2, 0)
    assert report.pfs.median is None


def test_reader_quality_and_the_fingerprint(reported, report):
    quality = report.reader_quality
    assert quality.adjudication_rate.text == "1/2 (50.0 %)"
    assert [(r.login, r.agreement.text) for r in quality.readers] == [
        ("reader1", "1/1 (100.0 %)"), ("reader2", "0/1 (0.0 %)")]
    # Both readers' best responses agree (CR, SD), the confirmed ones not (PR vs SD).
    assert quality.kappa_best.kappa.kappa == 1.0
    assert quality.kappa_confirmed.kappa.table == ((0, 1), (0, 1))
    status = trial_status(reported.store, reported.coordinator)
    assert report.fingerprint.head == status.audit_anchor.head


def test_a_cut_off_takes_the_data_as_it_stood(reported):
    cut = dt.date(2026, 3, 1)
    report = trial_report_data(reported.store, reported.coordinator, cut_off=cut, now=NOW)
    assert (report.cut_off, report.as_of) == (cut, cut)
    column = report.response.unconfirmed
    # HCC-001 through week 6 (PR, not yet confirmed); HCC-002 has only its baseline: NE.
    assert (column.count(R.PR).numerator, column.count(R.NE).numerator) == (1, 1)
    assert report.response.confirmed.count(R.PR).numerator == 0
    assert all(lane.follow_up_end_day <= (cut - dt.date(2026, 1, 8)).days
               for lane in report.swimmer.lanes)


def test_the_default_cut_off_is_the_trial_wide_lock(reported):
    lock_clinical(reported.store, reported.coordinator, None, dt.date(2026, 6, 30),
                  today=dt.date(2026, 12, 1))
    report = trial_report_data(reported.store, reported.coordinator, now=NOW)
    assert report.cut_off == dt.date(2026, 6, 30)


@pytest.mark.parametrize("who", ["reader1", "reader2", "adjudicator", "admin"])
def test_only_the_coordinator_gets_the_report(reported, who):
    with pytest.raises(PermissionDeniedError, match="may not do this"):
        trial_report_data(reported.store, getattr(reported, who))


def test_an_empty_trial_reports_an_empty_set(trial):
    report = trial_report_data(trial.store, trial.coordinator, now=NOW)
    assert report.analysis_set.n == 0
    assert report.response.unconfirmed.orr.text == "0/0 (–)"
    assert report.pfs.median_text == "–"


def test_a_subject_enrolled_after_the_cut_off_is_left_out_with_why(reported):
    # HCC-002 was enrolled on 2026-01-22, HCC-001 on 2026-01-08.
    report = trial_report_data(reported.store, reported.coordinator,
                               cut_off=dt.date(2026, 1, 20), now=NOW)
    reasons = {e.subject: e.reason for e in report.analysis_set.excluded}
    assert reasons["HCC-002"] == "enrolled on 2026-01-22, after the cut-off 2026-01-20"
    assert report.analysis_set.subjects == ("HCC-001",)
