"""Two readers and an adjudicator through the store API on the demo trial (issue 4)."""

from __future__ import annotations

import json

import pytest
from store_demo_reading import PASSWORD, read_subject

from core.actions import (
    adjudicate,
    earlier_decisions,
    export_case,
    final_results,
    get_adjudication,
    get_read,
    open_adjudications,
    trial_status,
)
from core.criteria import evaluate, parse_case, result_to_data
from core.model.reading import LesionCategory
from core.reading import build_case
from core.store import trial_info, verify

# Reader 2 on HCC-001 calls T1's viable tumour at week 6 unchanged (40 mm for the true
# 22 mm): SD at week 6 instead of PR, CR at week 12 as reader 1 → the subjects' best
# responses agree (CR) but the first response differs (week 6 vs week 12).
MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}
# Reader 2 on HCC-003 misses the new nodule at week 12: SD instead of PD.
MISSED_NEW_LESION = {("Week 12", "N1", "*"): None}


def _engine_result(store, reader, task_id, through):
    read = get_read(store, reader, task_id)
    info = trial_info(store)
    return result_to_data(evaluate(build_case(read, info.criteria, through=through)))


def test_two_readers_and_an_adjudicator_reach_the_chosen_reads_results(demo):
    store = demo.store
    tasks = {}
    for subject, perturb in (("HCC-001", MISSED_RESPONSE), ("HCC-002", None),
                             ("HCC-003", MISSED_NEW_LESION)):
        tasks[subject, 1] = read_subject(store, demo.reader1, subject)
        tasks[subject, 2] = read_subject(store, demo.reader2, subject, perturb)

    worklist = {item.subject: item for item in open_adjudications(store, demo.adjudicator)}
    assert sorted(worklist) == ["HCC-001", "HCC-003"]
    assert {item.through_label for item in worklist.values()} == {"Week 12"}

    view_001 = get_adjudication(store, demo.adjudicator, worklist["HCC-001"].adjudication_id)
    first_a = "2026-02-16" if view_001.result_a["timepoints"][1]["overall_response"] == "PR" \
        else "2026-03-30"
    first_b = ({"2026-02-16", "2026-03-30"} - {first_a}).pop()
    assert view_001.triggers == (f"first_response: {first_a} vs {first_b}",)
    # The queue says why and since when, without the readers (docs/reading.md §3).
    assert worklist["HCC-001"].triggers == view_001.triggers
    assert worklist["HCC-001"].opened_utc.endswith("Z")
    assert earlier_decisions(store, demo.adjudicator, view_001.adjudication_id) == ()
    # HCC-003: SD then PD against SD, SD. The best response is SD for both (PD comes
    # after the SD), so only the progression date fires.
    view_003 = get_adjudication(store, demo.adjudicator, worklist["HCC-003"].adjudication_id)
    assert [t.split(":")[0] for t in view_003.triggers] == ["progression_date"]

    # The adjudicator chooses the read that follows the images: a PR at week 6 for
    # HCC-001, the PD for HCC-003; A/B are random, so find it by its results.
    def pick(view, wanted):
        return "A" if wanted(view.result_a) else "B"

    choice_001 = pick(view_001, lambda result: result["timepoints"][1]["overall_response"] == "PR")
    choice_003 = pick(view_003, lambda result: result["progression"] is not None)
    final_001 = adjudicate(store, demo.adjudicator, view_001.adjudication_id, choice_001,
                           "Week 6 arterial phase: the viable part of T1 measures 22 mm.",
                           PASSWORD)
    final_003 = adjudicate(store, demo.adjudicator, view_003.adjudication_id, choice_003,
                           "Week 12: typical 15 mm HCC in segment 3, arterial enhancement "
                           "and washout.", PASSWORD)
    assert final_001.reader_slot == 0  # the adjudicator stays blind to reader identity
    assert open_adjudications(store, demo.adjudicator) == ()

    finals = {final.subject: final for final in final_results(store, demo.coordinator)}
    assert {s: (f.source, f.reader_slot) for s, f in finals.items()} == {
        "HCC-001": ("adjudicated", 1), "HCC-002": ("concordant", 1),
        "HCC-003": ("adjudicated", 1)}
    for subject in finals:
        expected = _engine_result(store, demo.reader1, tasks[subject, 1], 3)
        assert finals[subject].result == expected
    assert finals["HCC-001"].result == final_001.result
    assert finals["HCC-003"].result == final_003.result
    assert finals["HCC-001"].result["best_overall_response"] == "CR"
    assert finals["HCC-002"].result["best_overall_response"] == "SD"
    assert finals["HCC-003"].result["progression"]["label"] == "Week 12"

    # The exported final read reproduces the final result outside the application.
    for subject, final in finals.items():
        case = parse_case(json.dumps(export_case(store, demo.coordinator, subject, "final")))
        assert result_to_data(evaluate(case)) == final.result

    status = trial_status(store, demo.coordinator)
    assert (status.subjects, status.open_adjudications, status.adjudicated,
            status.concordant) == (3, 0, 2, 1)
    assert [(r.login, r.timepoints_signed, r.timepoints_total) for r in status.readers] == [
        ("reader1", 9, 9), ("reader2", 9, 9)]
    assert status.adjudication_rate == pytest.approx(2 / 3)
    assert [(r.adjudications, r.chosen, r.agreement_with_adjudicator)
            for r in status.readers] == [(2, 2, 1.0), (2, 0, 0.0)]
    assert verify(store).is_intact


def test_reads_carry_lesion_identity_and_caliper_geometry(demo):
    task_id = read_subject(demo.store, demo.reader1, "HCC-003")
    read = get_read(demo.store, demo.reader1, task_id)
    assert [(lesion.label, lesion.category) for lesion in read.lesions] == [
        ("T1", LesionCategory.TARGET), ("NT1", LesionCategory.NON_TARGET),
        ("N1", LesionCategory.NEW)]
    assert read.lesion("NT1").is_node
    week12 = read.timepoint("Week 12").timepoint_id
    n1 = [m for m in read.measurements if m.lesion_id == read.lesion("N1").lesion_id]
    assert {m.timepoint_id for m in n1} == {week12}
    viable = next(m for m in n1 if m.kind == "viable")
    assert str(viable.length_mm) == "14.85"
    assert viable.caliper.sop_instance_uid.startswith("2.25.")
    assert len(viable.caliper.start_rc) == 2
    assert len(viable.caliper.end_xyz) == 3
    assert all(tp.status == "signed" for tp in read.timepoints)
