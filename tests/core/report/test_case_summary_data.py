"""``case_summary_data`` on a real store: each read's validly signed timepoints, the final
read, "not final" wherever a timepoint is not decided, the adjudication, every signature
with printed name, UTC and local time and meaning (21 CFR 11.50), the clinical summary and
the audit head; readers, the adjudicator and the admin are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import RATIONALE
from store_demo_reading import read_subject

from core.actions import case_summary_data, get_read, my_tasks, trial_status
from core.actions.key_images import PNG_SIGNATURE, save_key_image
from core.errors import PermissionDeniedError
from core.model.clinical import Criteria
from core.model.reading import MeasurementKind

PLUS_TWO = dt.timezone(dt.timedelta(hours=2))


def _summary(reported, code):
    return case_summary_data(reported.store, reported.coordinator, code, tz=PLUS_TWO)


def test_an_adjudicated_subject_is_final_at_every_timepoint(reported):
    summary = _summary(reported, "HCC-001")
    assert (summary.trial, summary.subject, summary.criteria) == ("DEMO-HCC-P2", "HCC-001",
                                                                  Criteria.MRECIST)
    assert summary.options.confirmation_days == 28
    assert [tp.label for tp in summary.timepoints] == ["Baseline", "Week 6", "Week 12"]
    assert all(tp.is_final for tp in summary.timepoints)
    assert not summary.has_not_final
    assert (summary.final_source, summary.final_through) == ("adjudicated", "Week 12")
    assert (summary.best_response.category, summary.confirmed_best_response.category) == (
        "CR", "PR")
    assert summary.progression == "none"
    week6 = summary.timepoints[1]
    first, second = week6.reads
    assert first.read == "Reader 1 (Rita Reader)"
    assert second.read == "Reader 2 (Rolf Reader)"
    # Reader 2 measured T1's viable part as 40 mm at week 6, reader 1 as the truth, 22 mm.
    assert [line.viable_mm for line in first.lesions if line.label == "T1"] != \
        [line.viable_mm for line in second.lesions if line.label == "T1"]
    assert (first.overall.category, second.overall.category) == ("PR", "SD")
    assert first.overall.reason.startswith("overall PR")
    assert week6.final.read == "Final (Reader 1 (Rita Reader), adjudicated)"
    assert week6.final.change_from_baseline_text == first.change_from_baseline_text
    assert week6.final.sum_mm == first.sum_mm


def test_the_adjudication_and_every_signature(reported):
    summary = _summary(reported, "HCC-001")
    (line,) = summary.adjudications
    assert (line.through_label, line.status, line.rationale) == ("Week 12", "decided",
                                                                 RATIONALE)
    assert line.chosen == reported.adjudicated_choice
    assert line.chosen_read == "Reader 1 (Rita Reader)"
    assert any(trigger.startswith("first_response") for trigger in line.triggers)
    signers = sorted(s.signer for s in summary.signatures)
    assert signers == ["Ann Adjudicator"] + ["Rita Reader"] * 3 + ["Rolf Reader"] * 3
    for signature in summary.signatures:
        assert signature.meaning
        assert signature.local - signature.utc == dt.timedelta(0)  # the same moment
        assert signature.local.utcoffset() == dt.timedelta(hours=2)
        assert signature.utc_text.endswith(" UTC")
        assert signature.local_text.endswith(" +02:00")
    status = trial_status(reported.store, reported.coordinator)
    assert summary.fingerprint.head == status.audit_anchor.head
    assert summary.generated_local.utcoffset() == dt.timedelta(hours=2)


def test_the_clinical_summary(reported):
    summary = _summary(reported, "HCC-003")
    clinical = summary.clinical
    assert clinical.enrolment_date == dt.date(2026, 2, 5)
    assert clinical.baseline.age_years == 68
    assert clinical.child_pugh.child_pugh_class == "A"
    assert len(clinical.tace_sessions) == 2
    assert [e.drug for e in clinical.exposures] == ["anlotinib", "anti-PD-L1"]
    assert clinical.end_of_treatment.startswith("2026-05-02: confirmed progression; then "
                                                "regorafenib")
    assert [(e.term, e.worst_grade, e.is_treatment_related) for e in clinical.adverse_events] \
        == [("Hypertension", 2, True)]
    assert clinical.overall_survival.event
    assert clinical.progression_free_survival is None
    assert "no final read yet" in clinical.endpoint_note


def test_a_subject_read_once_is_not_final_and_shows_nothing_unsigned(reported):
    read_subject(reported.store, reported.reader2, "HCC-003", upto=2, sign_last=False)
    summary = _summary(reported, "HCC-003")
    assert summary.has_not_final
    assert summary.final_source is None
    baseline, week6, week12 = summary.timepoints
    assert not baseline.is_final
    assert baseline.not_final_reason == "the dual read of this timepoint is not decided yet"
    # Reader 2's week 6 is complete but unsigned: its content is not shown.
    assert week6.reads[1].status == "not signed"
    assert (week6.reads[1].lesions, week6.reads[1].sum_mm) == ((), None)
    assert week6.not_final_reason == "Reader 2 (Rolf Reader): not signed"
    assert week12.reads[0].lesions  # reader 1 signed it
    assert summary.best_response is None


def test_an_open_adjudication_is_not_final(reported):
    read_subject(reported.store, reported.reader2, "HCC-003", {("Week 12", "N1", "*"): None})
    summary = _summary(reported, "HCC-003")
    # Reader 1 had signed all three timepoints first: the one cycle is through week 12,
    # and its adjudication holds every timepoint of it.
    assert [tp.is_final for tp in summary.timepoints] == [False, False, False]
    assert {tp.not_final_reason for tp in summary.timepoints} == {
        "awaiting adjudication (through Week 12)"}
    assert summary.final_through is None
    (line,) = summary.adjudications
    assert (line.status, line.chosen, line.signature) == ("open", None, None)


@pytest.mark.parametrize("who", ["reader1", "reader2", "adjudicator", "admin"])
def test_only_the_coordinator_gets_a_case_summary(reported, who):
    with pytest.raises(PermissionDeniedError, match="may not do this"):
        case_summary_data(reported.store, getattr(reported, who), "HCC-001")


def test_an_unknown_subject_is_refused(reported):
    with pytest.raises(PermissionDeniedError, match="not found"):
        case_summary_data(reported.store, reported.coordinator, "HCC-999")


def test_a_current_key_image_is_named_beside_its_lesion(reported):
    store, reader = reported.store, reported.reader1
    task = next(t for t in my_tasks(store, reader) if t.subject == "HCC-002")
    read = get_read(store, reader, task.task_id)
    lesion, baseline = read.lesion("T1"), read.timepoints[0]
    caliper = read.measurement(lesion.lesion_id, baseline.timepoint_id,
                               MeasurementKind.VIABLE).caliper
    saved = save_key_image(store, reader, lesion.lesion_id, baseline.timepoint_id,
                           MeasurementKind.VIABLE, caliper, PNG_SIGNATURE + b"key image")
    summary = _summary(reported, "HCC-002")
    first = summary.timepoints[0]
    (shown,) = [line for line in first.reads[0].lesions if line.label == "T1"]
    assert shown.key_image == saved.path
    assert [line.key_image for line in first.final.lesions if line.label == "T1"] == [saved.path]
    assert all(line.key_image is None for line in first.reads[1].lesions)
