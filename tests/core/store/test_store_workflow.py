"""Workflow rules in the store: date order, signatures, amendments, frozen baseline, cycles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from store_demo_reading import (
    PASSWORD,
    add_demo_timepoint,
    caliper,
    demo_truth,
    read_subject,
    setup_demo,
)

from core.actions import (
    add_lesion,
    add_timepoint,
    amend_timepoint,
    delete_caliper,
    delete_lesion,
    export_case,
    final_results,
    get_read,
    my_tasks,
    open_adjudications,
    record_finding,
    save_caliper,
    set_not_assessed,
    sign_timepoint,
)
from core.errors import SignatureError, WorkflowError
from core.model.reading import Finding, LesionCategory, MeasurementKind


def _read(trial, reader, subject):
    task = next(t for t in my_tasks(trial.store, reader) if t.subject == subject)
    return get_read(trial.store, reader, task.task_id)


def _measure(trial, reader, read, label, timepoint, lesion="T1", length=None,
             kind=MeasurementKind.VIABLE):
    truth = next(tp for tp in demo_truth()[read.subject] if tp.label == timepoint)
    lesion_truth = next(item for item in truth.truth["lesions"] if item["id"] == lesion)
    return save_caliper(trial.store, reader, *caliper(
        truth, lesion_truth, kind, read.lesion(label).lesion_id,
        read.timepoint(timepoint).timepoint_id, length)).value


def test_timepoints_are_read_in_date_order(demo):
    read = _read(demo, demo.reader1, "HCC-001")
    week6 = read.timepoint("Week 6").timepoint_id
    with pytest.raises(WorkflowError, match="earlier timepoints must be signed first"):
        add_lesion(demo.store, demo.reader1, read.task_id, week6, LesionCategory.NEW, "liver")
    with pytest.raises(WorkflowError, match="earlier timepoints must be signed first"):
        sign_timepoint(demo.store, demo.reader1, read.task_id, week6, PASSWORD)


def test_signing_needs_the_password_again_and_records_name_time_and_meaning(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=0)
    read = _read(demo, demo.reader1, "HCC-001")
    add_lesion(demo.store, demo.reader1, read.task_id, read.timepoints[0].timepoint_id,
               LesionCategory.TARGET, "liver")
    read = _read(demo, demo.reader1, "HCC-001")
    _measure(demo, demo.reader1, read, "T1", "Baseline")
    baseline = read.timepoints[0].timepoint_id
    with pytest.raises(SignatureError, match="HCC-001 Baseline: password does not match"):
        sign_timepoint(demo.store, demo.reader1, read.task_id, baseline, "wrong password")
    assert _read(demo, demo.reader1, "HCC-001").timepoints[0].status == "open"
    signature = sign_timepoint(demo.store, demo.reader1, read.task_id, baseline, PASSWORD).value
    assert signature.signer == "Rita Reader"
    assert signature.meaning.startswith("Author:")
    assert signature.signed_utc.endswith("Z")
    assert len(signature.content_sha256) == 64


def test_an_incomplete_read_cannot_be_signed(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    read = _read(demo, demo.reader1, "HCC-001")
    # T1 is measured at week 6 but T2 is not: every baseline target must be re-measured.
    _measure(demo, demo.reader1, read, "T1", "Week 6")
    problem = "HCC-001 Week 6: cannot be signed: /timepoints/1/target/1: missing 'viable_mm'"
    with pytest.raises(WorkflowError, match=problem):
        sign_timepoint(demo.store, demo.reader1, read.task_id,
                       read.timepoint("Week 6").timepoint_id, PASSWORD)


def test_a_signed_timepoint_is_immutable_until_amended_with_a_reason(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=2)
    read = _read(demo, demo.reader1, "HCC-001")
    week6 = read.timepoint("Week 6").timepoint_id
    with pytest.raises(WorkflowError, match="is signed; a correction needs an amendment"):
        _measure(demo, demo.reader1, read, "T1", "Week 6", length=23.0)
    with pytest.raises(WorkflowError, match="needs a reason"):
        amend_timepoint(demo.store, demo.reader1, read.task_id, week6, "  ")
    amend_timepoint(demo.store, demo.reader1, read.task_id, week6,
                    "T1 viable part re-measured on the late arterial series")
    assert _read(demo, demo.reader1, "HCC-001").timepoint("Week 6").status == "amending"
    _measure(demo, demo.reader1, read, "T1", "Week 6", length=23.0)
    signature = sign_timepoint(demo.store, demo.reader1, read.task_id, week6, PASSWORD).value
    assert "amendment" in signature.meaning
    amended = _read(demo, demo.reader1, "HCC-001")
    assert amended.timepoint("Week 6").status == "signed"
    lengths = {m.length_mm for m in amended.measurements
               if m.timepoint_id == week6 and m.lesion_id == amended.lesion("T1").lesion_id}
    assert Decimal("23.0") in lengths
    rows = demo.store._rows("SELECT reason, signature_id FROM amendments")
    assert rows == [{"reason": "T1 viable part re-measured on the late arterial series",
                     "signature_id": rows[0]["signature_id"]}]
    assert rows[0]["signature_id"] is not None


def test_baseline_selection_is_fixed_once_baseline_is_signed(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    read = _read(demo, demo.reader1, "HCC-001")
    baseline = read.timepoints[0].timepoint_id
    with pytest.raises(WorkflowError, match="is signed"):
        add_lesion(demo.store, demo.reader1, read.task_id, baseline, LesionCategory.TARGET,
                   "liver")
    with pytest.raises(WorkflowError, match="selected at baseline only"):
        add_lesion(demo.store, demo.reader1, read.task_id,
                   read.timepoint("Week 6").timepoint_id, LesionCategory.TARGET, "liver")
    amend_timepoint(demo.store, demo.reader1, read.task_id, baseline, "typo in T2")
    with pytest.raises(WorkflowError, match="fixed once the baseline is signed"):
        add_lesion(demo.store, demo.reader1, read.task_id, baseline,
                   LesionCategory.NON_TARGET, "lung")
    with pytest.raises(WorkflowError, match="stays in the read"):
        delete_lesion(demo.store, demo.reader1, read.lesion("T2").lesion_id)
    # Measurements of the selected lesions may be corrected in the amendment.
    _measure(demo, demo.reader1, read, "T2", "Baseline", lesion="T2", length=26.5)


def test_a_lesion_added_by_mistake_is_removed_before_signing(demo):
    read = _read(demo, demo.reader1, "HCC-001")
    lesion = add_lesion(demo.store, demo.reader1, read.task_id,
                        read.timepoints[0].timepoint_id, LesionCategory.TARGET, "liver").value
    read = _read(demo, demo.reader1, "HCC-001")
    _measure(demo, demo.reader1, read, "T1", "Baseline")
    delete_lesion(demo.store, demo.reader1, lesion.lesion_id)
    assert _read(demo, demo.reader1, "HCC-001").lesions == ()
    deleted = demo.store._rows("SELECT entity FROM audit WHERE action = 'delete'")
    assert [row["entity"] for row in deleted] == ["measurement", "lesion"]


def test_timepoints_arrive_in_date_order(demo):
    with pytest.raises(WorkflowError, match="not after the last timepoint"):
        add_timepoint(demo.store, demo.admin, "HCC-001", "Unscheduled", dt.date(2026, 1, 1))


def test_a_new_timepoint_reopens_the_cycle_and_an_amendment_supersedes_it(trial):
    setup_demo(trial.store, trial.admin, subjects=("HCC-002",), timepoints=2)
    read_subject(trial.store, trial.reader1, "HCC-002")
    read_subject(trial.store, trial.reader2, "HCC-002")
    (final,) = final_results(trial.store, trial.coordinator)
    assert (final.through_label, final.source) == ("Week 6", "concordant")

    add_demo_timepoint(trial.store, trial.admin, demo_truth()["HCC-002"][2])
    read_subject(trial.store, trial.reader1, "HCC-002", upto=3)
    (final,) = final_results(trial.store, trial.coordinator)
    assert final.through_label == "Week 6"  # reader 2 has not signed week 12 yet
    read_subject(trial.store, trial.reader2, "HCC-002", upto=3)
    (final,) = final_results(trial.store, trial.coordinator)
    assert final.through_label == "Week 12"

    # Reader 2 amends week 12 into a PD: the concordant final is superseded, and the new
    # signature opens an adjudication.
    read = _read(trial, trial.reader2, "HCC-002")
    week12 = read.timepoint("Week 12").timepoint_id
    amend_timepoint(trial.store, trial.reader2, read.task_id, week12, "T1 re-measured")
    assert final_results(trial.store, trial.coordinator)[0].through_label == "Week 6"
    # Re-measured whole: a viable diameter never exceeds the lesion's total one.
    _measure(trial, trial.reader2, read, "T1", "Week 12", length=50.0,
             kind=MeasurementKind.TOTAL)
    _measure(trial, trial.reader2, read, "T1", "Week 12", length=45.0)
    sign_timepoint(trial.store, trial.reader2, read.task_id, week12, PASSWORD)
    (item,) = open_adjudications(trial.store, trial.adjudicator)
    assert item.through_label == "Week 12"


def test_a_finding_must_fit_its_lesion(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=0)
    read = _read(demo, demo.reader1, "HCC-002")
    baseline = read.timepoints[0].timepoint_id
    target = add_lesion(demo.store, demo.reader1, read.task_id, baseline,
                        LesionCategory.TARGET, "liver").value
    non_target = add_lesion(demo.store, demo.reader1, read.task_id, baseline,
                            LesionCategory.NON_TARGET, "portal_vein",
                            kind="tumour_thrombus").value
    with pytest.raises(WorkflowError, match="HCC-002 lesion T1: a target lesion's state"):
        record_finding(demo.store, demo.reader1, Finding(target.lesion_id, baseline, "present"))
    with pytest.raises(WorkflowError, match="HCC-002 lesion NT1: a non_target lesion's state"):
        record_finding(demo.store, demo.reader1, Finding(non_target.lesion_id, baseline, None))
    record_finding(demo.store, demo.reader1, Finding(non_target.lesion_id, baseline, "present"))


def test_a_missed_assessment_and_a_removed_caliper(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=1)
    read = _read(demo, demo.reader1, "HCC-002")
    week6 = read.timepoint("Week 6").timepoint_id
    caliper_t1 = _measure(demo, demo.reader1, read, "T1", "Week 6")
    delete_caliper(demo.store, demo.reader1, caliper_t1.lesion_id, week6, "viable")
    assert [m for m in _read(demo, demo.reader1, "HCC-002").measurements
            if m.timepoint_id == week6] == []
    set_not_assessed(demo.store, demo.reader1, read.task_id, week6, True)
    sign_timepoint(demo.store, demo.reader1, read.task_id, week6, PASSWORD)
    exported = export_case(demo.store, demo.reader1, "HCC-002", "1")
    assert exported["timepoints"][1] == {"label": "Week 6", "date": "2026-03-02",
                                         "not_assessed": True}
    amend_timepoint(demo.store, demo.reader1, read.task_id, read.timepoints[0].timepoint_id,
                    "check")
    with pytest.raises(WorkflowError, match="the baseline must be assessed"):
        set_not_assessed(demo.store, demo.reader1, read.task_id,
                         read.timepoints[0].timepoint_id, True)


def test_each_cycle_is_decided_and_a_b_labels_stay_with_the_subject(demo, monkeypatch):
    from core.actions import get_adjudication

    draws = iter([0, 1])  # a fresh draw would swap A and B for the second cycle
    monkeypatch.setattr("core.actions.cycles.secrets.randbelow", lambda _n: next(draws))
    perturb = {("Week 6", "T1", "viable"): 40.0}  # reader 2: SD where reader 1 sees PR
    read_subject(demo.store, demo.reader1, "HCC-001", upto=2)
    read_subject(demo.store, demo.reader2, "HCC-001", perturb, upto=2)
    (first,) = open_adjudications(demo.store, demo.adjudicator)
    read_subject(demo.store, demo.reader1, "HCC-001")
    read_subject(demo.store, demo.reader2, "HCC-001", perturb)
    second = open_adjudications(demo.store, demo.adjudicator)[-1]
    assert (first.through_label, second.through_label) == ("Week 6", "Week 12")
    view_1 = get_adjudication(demo.store, demo.adjudicator, first.adjudication_id)
    view_2 = get_adjudication(demo.store, demo.adjudicator, second.adjudication_id)
    week6 = [view.result_a["timepoints"][1]["overall_response"] for view in (view_1, view_2)]
    assert week6[0] == week6[1]
