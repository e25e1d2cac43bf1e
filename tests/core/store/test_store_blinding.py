"""Blinding is enforced by the store's API: every way around it fails with a named error."""

from __future__ import annotations

import dataclasses

import pytest
from store_demo_reading import PASSWORD, caliper, demo_truth, read_subject

from core.actions import (
    add_lesion,
    add_subject,
    adjudicate,
    adjudication_series,
    export_case,
    final_results,
    get_adjudication,
    get_read,
    list_series,
    my_tasks,
    open_adjudications,
    record_finding,
    save_caliper,
    trial_status,
)
from core.errors import PermissionDeniedError
from core.model.reading import Finding, LesionCategory, MeasurementKind
from core.store import login, logout


def _task(demo, reader, subject):
    return next(t for t in my_tasks(demo.store, reader) if t.subject == subject)


def test_a_reader_sees_only_their_own_tasks(demo):
    assert {t.slot for t in my_tasks(demo.store, demo.reader1)} == {1}
    assert {t.slot for t in my_tasks(demo.store, demo.reader2)} == {2}


def test_a_reader_cannot_open_the_other_readers_read(demo):
    other = _task(demo, demo.reader2, "HCC-001")
    with pytest.raises(PermissionDeniedError, match="not found or not yours"):
        get_read(demo.store, demo.reader1, other.task_id)


def test_a_reader_cannot_measure_or_annotate_the_other_readers_lesion(demo):
    read_subject(demo.store, demo.reader2, "HCC-002", upto=1)
    own = get_read(demo.store, demo.reader1, _task(demo, demo.reader1, "HCC-002").task_id)
    other = demo.store._rows("SELECT id FROM lesions")  # a test may look at rows; the API not
    baseline = own.timepoints[0]
    truth = demo_truth()["HCC-002"][0]
    for row in other:
        measurement = caliper(truth, truth.truth["lesions"][0], MeasurementKind.VIABLE,
                              row["id"], baseline.timepoint_id)
        with pytest.raises(PermissionDeniedError, match=f"lesion {row['id']}"):
            save_caliper(demo.store, demo.reader1, *measurement)
        with pytest.raises(PermissionDeniedError):
            record_finding(demo.store, demo.reader1,
                         Finding(row["id"], baseline.timepoint_id, "present"))


def test_a_reader_cannot_use_a_timepoint_of_another_subject(demo):
    own = get_read(demo.store, demo.reader1, _task(demo, demo.reader1, "HCC-001").task_id)
    elsewhere = get_read(demo.store, demo.reader1, _task(demo, demo.reader1, "HCC-002").task_id)
    with pytest.raises(PermissionDeniedError, match="not part of this read"):
        add_lesion(demo.store, demo.reader1, own.task_id,
                   elsewhere.timepoints[0].timepoint_id, LesionCategory.TARGET, "liver")


def test_a_forged_or_ended_session_is_refused(demo):
    forged = dataclasses.replace(demo.reader1, token="0" * 32)
    with pytest.raises(PermissionDeniedError, match="not logged in"):
        my_tasks(demo.store, forged)
    promoted = dataclasses.replace(demo.reader1, role="coordinator")
    with pytest.raises(PermissionDeniedError, match="role reader"):
        final_results(demo.store, promoted)  # the role is the store's, not the session's
    session = login(demo.store, "reader2", PASSWORD)
    logout(demo.store, session)
    with pytest.raises(PermissionDeniedError):
        my_tasks(demo.store, session)


@pytest.mark.parametrize("role", ["coordinator", "adjudicator", "admin"])
def test_only_the_reader_opens_a_read(demo, role):
    task = _task(demo, demo.reader1, "HCC-001")
    with pytest.raises(PermissionDeniedError, match=f"role {role}"):
        get_read(demo.store, getattr(demo, role), task.task_id)


def test_a_coordinator_sees_progress_but_not_unsigned_work(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    status = trial_status(demo.store, demo.coordinator)
    assert status.readers[0].timepoints_signed == 1
    with pytest.raises(PermissionDeniedError, match="nothing signed yet"):
        export_case(demo.store, demo.coordinator, "HCC-001", "2")
    exported = export_case(demo.store, demo.coordinator, "HCC-001", "1")
    assert [tp["label"] for tp in exported["timepoints"]] == ["Baseline"]
    with pytest.raises(PermissionDeniedError, match="no final result"):
        export_case(demo.store, demo.coordinator, "HCC-001", "final")


def test_a_reader_exports_only_their_own_read(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    read_subject(demo.store, demo.reader2, "HCC-001", upto=1)
    assert export_case(demo.store, demo.reader1, "HCC-001", "1")["subject"] == "HCC-001"
    for which in ("2", "final"):
        with pytest.raises(PermissionDeniedError):
            export_case(demo.store, demo.reader1, "HCC-001", which)


def test_readers_and_coordinators_cannot_adjudicate_or_see_adjudications(demo):
    read_subject(demo.store, demo.reader1, "HCC-003")
    read_subject(demo.store, demo.reader2, "HCC-003", {("Week 12", "N1", "*"): None})
    (item,) = open_adjudications(demo.store, demo.adjudicator)
    for session in (demo.reader1, demo.reader2, demo.coordinator, demo.admin):
        with pytest.raises(PermissionDeniedError):
            open_adjudications(demo.store, session)
        with pytest.raises(PermissionDeniedError):
            get_adjudication(demo.store, session, item.adjudication_id)
        with pytest.raises(PermissionDeniedError):
            adjudicate(demo.store, session, item.adjudication_id, "A", "because", PASSWORD)


def test_the_adjudicator_sees_two_anonymous_reads_and_nothing_else(demo):
    read_subject(demo.store, demo.reader1, "HCC-003")
    read_subject(demo.store, demo.reader2, "HCC-003", {("Week 12", "N1", "*"): None})
    read_subject(demo.store, demo.reader1, "HCC-002")  # concordant subjects stay hidden
    (item,) = open_adjudications(demo.store, demo.adjudicator)
    view = get_adjudication(demo.store, demo.adjudicator, item.adjudication_id)
    assert view.subject == "HCC-003"
    assert (view.read_a.task_id, view.read_b.task_id) == (0, 0)
    for read in (view.read_a, view.read_b):  # store keys would tell who read first
        assert [lesion.lesion_id for lesion in read.lesions] == [1, 2, 3][:len(read.lesions)]
        assert {m.lesion_id for m in read.measurements} <= {1, 2, 3}
    text = repr(view)
    for identity in ("reader1", "reader2", "Rita", "Rolf"):
        assert identity not in text
    with pytest.raises(PermissionDeniedError, match="not found or not open"):
        get_adjudication(demo.store, demo.adjudicator, item.adjudication_id + 1)
    adjudicate(demo.store, demo.adjudicator, item.adjudication_id, "A", "Read A is right.",
               PASSWORD)
    with pytest.raises(PermissionDeniedError, match="not found or not open"):
        get_adjudication(demo.store, demo.adjudicator, item.adjudication_id)


def test_series_are_listed_for_the_own_read_and_the_open_adjudication_only(demo):
    own = get_read(demo.store, demo.reader1, _task(demo, demo.reader1, "HCC-001").task_id)
    baseline = own.timepoints[0].timepoint_id
    series = list_series(demo.store, demo.reader1, own.task_id, baseline)
    assert sorted(s.phase for s in series) == ["arterial", "delayed", "portal_venous",
                                               "pre_contrast"]
    other = _task(demo, demo.reader2, "HCC-001")
    with pytest.raises(PermissionDeniedError):
        list_series(demo.store, demo.reader1, other.task_id, baseline)
    elsewhere = get_read(demo.store, demo.reader1, _task(demo, demo.reader1, "HCC-002").task_id)
    with pytest.raises(PermissionDeniedError, match="not part of this read"):
        list_series(demo.store, demo.reader1, own.task_id, elsewhere.timepoints[0].timepoint_id)
    read_subject(demo.store, demo.reader1, "HCC-003")
    read_subject(demo.store, demo.reader2, "HCC-003", {("Week 12", "N1", "*"): None})
    (item,) = open_adjudications(demo.store, demo.adjudicator)
    assert len(adjudication_series(demo.store, demo.adjudicator, item.adjudication_id)) == 12
    with pytest.raises(PermissionDeniedError):
        adjudication_series(demo.store, demo.reader1, item.adjudication_id)


def test_an_open_store_offers_no_raw_entry_point(demo):
    # A script holding a reader's session gets the Store object too: it must not offer the
    # connection, raw queries or the session registry under public names (issue #10).
    public = {name for name in dir(demo.store) if not name.startswith("_")}
    assert public == {"anchor", "anchor_problem", "audit_head", "busy_timeout_s",
                      "foreign_key_problems", "pragma_messages",
                      "close", "path", "snapshot", "transaction", "for_thread"}
    # for_thread gives another Store of the same surface, for the same sessions: no more.
    with demo.store.for_thread() as twin:
        assert {name for name in dir(twin) if not name.startswith("_")} == public
    with demo.store.transaction() as inside, demo.store.snapshot() as read:
        assert (inside, read) == (None, None)


def test_a_reader_asking_for_a_subject_learns_nothing_from_the_refusal(demo):
    # Missing, assigned to nobody, and the other reader's slot: one message each time.
    add_subject(demo.store, demo.admin, "HCC-050")  # exists, nobody assigned
    refusals = set()
    for subject, read in (("HCC-999", "1"), ("HCC-050", "1"), ("HCC-001", "2")):
        with pytest.raises(PermissionDeniedError) as refused:
            export_case(demo.store, demo.reader1, subject, read)
        refusals.add(str(refused.value).replace(subject, "S"))
    assert refusals == {"subject 'S' read 1: not found or not yours",
                        "subject 'S' read 2: not found or not yours"}
