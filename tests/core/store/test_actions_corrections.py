"""Corrections a reader makes: what an amendment may undo, stray findings, date order."""

from __future__ import annotations

import dataclasses

import pytest
from store_demo_reading import PASSWORD, caliper, demo_truth, read_subject

from core.actions import (
    add_lesion,
    amend_timepoint,
    clear_finding,
    delete_lesion,
    final_results,
    get_read,
    my_tasks,
    record_finding,
    save_caliper,
    sign_timepoint,
)
from core.errors import PermissionDeniedError, WorkflowError
from core.model.clinical import LesionCategory
from core.model.reading import Finding, MeasurementKind


def _task(trial, reader, subject="HCC-001"):
    return next(t for t in my_tasks(trial.store, reader) if t.subject == subject)


def test_a_new_lesion_added_by_mistake_during_an_amendment_can_be_removed(demo):
    task_id = read_subject(demo.store, demo.reader1, "HCC-001", upto=2)
    read_subject(demo.store, demo.reader2, "HCC-001", upto=2)
    week6 = get_read(demo.store, demo.reader1, task_id).timepoints[1].timepoint_id
    amend_timepoint(demo.store, demo.reader1, task_id, week6, "re-check T1's viable part")
    oops = add_lesion(demo.store, demo.reader1, task_id, week6, LesionCategory.NEW,
                      "liver").value
    record_finding(demo.store, demo.reader1, Finding(oops.lesion_id, week6, None))
    update = delete_lesion(demo.store, demo.reader1, oops.lesion_id)
    assert "N1" not in {lesion.label for lesion in update.read.lesions}
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    (final,) = final_results(demo.store, demo.coordinator)
    assert (final.through_label, final.source) == ("Week 6", "concordant")
    deleted = demo.store._rows("SELECT entity FROM audit WHERE action = 'delete'")
    assert [row["entity"] for row in deleted] == ["finding", "lesion"]


def test_a_new_lesion_recorded_at_a_signed_timepoint_stays(demo):
    truth6 = demo_truth()["HCC-001"][1]
    task_id = read_subject(demo.store, demo.reader1, "HCC-001", upto=2, sign_last=False)
    week6 = get_read(demo.store, demo.reader1, task_id).timepoints[1].timepoint_id
    new = add_lesion(demo.store, demo.reader1, task_id, week6, LesionCategory.NEW,
                     "liver").value
    save_caliper(demo.store, demo.reader1, *caliper(truth6, truth6.truth["lesions"][0],
                                                    MeasurementKind.TOTAL, new.lesion_id,
                                                    week6, 12.0))
    record_finding(demo.store, demo.reader1, Finding(new.lesion_id, week6, None,
                                                     arterial_enhancement=True))
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    with pytest.raises(WorkflowError, match="is recorded at Week 6, which is signed"):
        delete_lesion(demo.store, demo.reader1, new.lesion_id)


def test_a_stray_finding_is_cleared_and_the_timepoint_signs(demo):
    task_id = read_subject(demo.store, demo.reader1, "HCC-001", upto=2, sign_last=False)
    read = get_read(demo.store, demo.reader1, task_id)
    week6 = read.timepoints[1].timepoint_id
    n1 = add_lesion(demo.store, demo.reader1, task_id, week6, LesionCategory.NEW,
                    "liver").value
    record_finding(demo.store, demo.reader1, Finding(n1.lesion_id, week6, None))
    with pytest.raises(WorkflowError, match="missing 'longest_mm'"):
        sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    cleared = clear_finding(demo.store, demo.reader1, n1.lesion_id, week6)
    assert cleared.read.finding(n1.lesion_id, week6) is None
    assert cleared.is_evaluable  # a new lesion with nothing recorded is not in the case
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    (row,) = demo.store._rows("SELECT before_json FROM audit WHERE action = 'delete' "
                             "AND entity = 'finding'")
    assert '"lesion_id":' in row["before_json"]


def test_a_later_timepoint_waits_while_an_earlier_one_is_amended(demo):
    task_id = read_subject(demo.store, demo.reader1, "HCC-001", upto=2)
    read = get_read(demo.store, demo.reader1, task_id)
    baseline, week6 = (tp.timepoint_id for tp in read.timepoints[:2])
    amend_timepoint(demo.store, demo.reader1, task_id, week6, "T2 re-measured")
    amend_timepoint(demo.store, demo.reader1, task_id, baseline, "T1 re-measured")
    with pytest.raises(WorkflowError, match="HCC-001 Week 6: earlier timepoints must be "
                                            "signed first"):
        sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)
    sign_timepoint(demo.store, demo.reader1, task_id, baseline, PASSWORD)
    sign_timepoint(demo.store, demo.reader1, task_id, week6, PASSWORD)


def test_a_redrawn_caliper_keeps_its_place_in_the_returned_read(demo):
    truth = demo_truth()["HCC-001"][0]
    task = _task(demo, demo.reader1)
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0].timepoint_id
    t1 = add_lesion(demo.store, demo.reader1, task.task_id, baseline, LesionCategory.TARGET,
                    "liver").value
    lesion = truth.truth["lesions"][0]
    for kind in (MeasurementKind.TOTAL, MeasurementKind.VIABLE, MeasurementKind.TOTAL):
        update = save_caliper(demo.store, demo.reader1,
                              *caliper(truth, lesion, kind, t1.lesion_id, baseline))
        assert update.read == get_read(demo.store, demo.reader1, task.task_id)


def test_who_acts_is_checked_before_what_they_ask(demo):
    forged = dataclasses.replace(demo.reader1, token="0" * 32)
    task = _task(demo, demo.reader1)
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0].timepoint_id
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        add_lesion(demo.store, forged, task.task_id, baseline, "tumour", "liver")
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        amend_timepoint(demo.store, forged, task.task_id, baseline, "   ")
    with pytest.raises(WorkflowError,
                       match=r"lesion: the lesion's kind is one of target, non_target, new"):
        add_lesion(demo.store, demo.reader1, task.task_id, baseline, "tumour", "liver")
