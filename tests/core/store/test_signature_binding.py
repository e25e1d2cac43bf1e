"""Signatures bound to what they sign, tried as an attacker would: direct SQL on a signed
read, a transferred signature, a rewritten adjudication; and the re-signature an amendment
asks for (docs/signatures.md)."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

import pytest
from store_demo_reading import PASSWORD, caliper, demo_truth, read_subject

from core.actions import (
    adjudicate,
    amend_timepoint,
    awaiting_resignature,
    export_case,
    final_results,
    get_adjudication,
    get_read,
    my_tasks,
    open_adjudications,
    save_caliper,
    sign_timepoint,
    trial_status,
)
from core.actions.integrity import SignatureState, verify_signatures
from core.criteria import evaluate
from core.errors import SignatureError, WorkflowError
from core.model.reading import MeasurementKind
from core.reading import RESIGN_MEANING, build_case, content_sha256, legacy_signed_content
from core.store import trial as trial_store

CHANGED = SignatureState.CONTENT_CHANGED
STALE = SignatureState.RESIGNATURE_NEEDED
# Reader 2 sees HCC-002 progress at week 6 (T1 grown), reader 1 sees it stable.
PD_AT_WEEK_6 = {("Week 6", "T1", "total"): 70.0, ("Week 6", "T1", "viable"): 65.0}
# Reader 2 sees HCC-001 stable at week 6 where reader 1 sees a partial response.
SD_AT_WEEK_6 = {("Week 6", "T1", "viable"): 40.0}


def _task(demo, reader, subject):
    return next(t for t in my_tasks(demo.store, reader) if t.subject == subject)


def _read(demo, reader, subject):
    return get_read(demo.store, reader, _task(demo, reader, subject).task_id)


def _tamper(demo, sql, params=()):
    """What someone with the SQLite file can do, bypassing every action."""
    with demo.store.transaction():
        demo.store._execute(sql, params)


def _row(demo, subject, slot, timepoint, table, lesion, kind=None):
    """The id and row of a measurement or finding of one read, found by labels."""
    kind_clause = " AND x.kind = ?" if kind else ""
    return demo.store._row(
        f"SELECT x.* FROM {table} x JOIN lesions l ON l.id = x.lesion_id "
        "JOIN tasks t ON t.id = l.task_id JOIN subjects s ON s.id = t.subject_id "
        "JOIN timepoints tp ON tp.id = x.timepoint_id WHERE s.code = ? AND t.slot = ? "
        f"AND tp.label = ? AND l.label = ?{kind_clause}",
        (subject, slot, timepoint, lesion, *([kind] if kind else [])))


def _checks(demo, state=None):
    found = verify_signatures(demo.store)
    return [check for check in found if state is None or check.state is state]


def _discordant(demo, subject, perturb, upto=2):
    read_subject(demo.store, demo.reader1, subject, upto=upto)
    read_subject(demo.store, demo.reader2, subject, perturb, upto=upto)
    (item,) = [a for a in open_adjudications(demo.store, demo.adjudicator)
               if a.subject == subject]
    return item


def _letter_of_reader_1(demo, subject):
    row = demo.store._row("SELECT a.task_a_id, t.id FROM adjudications a JOIN subjects s "
                         "ON s.id = a.subject_id JOIN tasks t ON t.subject_id = s.id "
                         "AND t.slot = 1 WHERE s.code = ? ORDER BY a.id LIMIT 1", (subject,))
    return "A" if row["task_a_id"] == row["id"] else "B"


# -- the boundary: an untouched store, and the digest from the documented form --------------

def _text(x):
    return format(Decimal(repr(float(x))), "f")


def _fraction(value):
    return None if value is None else str(value)


def _dec(value):
    return None if value is None else format(value, "f")


def _documented_digest(read, through):
    """docs/signatures.md §2-3, written out here again from the page, not from the code."""
    result = evaluate(build_case(read, "mRECIST", through=through))
    kept = read.timepoints[:through]
    label_of = {tp.timepoint_id: tp.label for tp in kept}
    lesion_label = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    timepoints = {tp.label: {"date": tp.date.isoformat(), "not_assessed": tp.is_not_assessed,
                             "lesions": {}, "calipers": {}, "findings": {}} for tp in kept}
    for lesion in read.lesions:
        if lesion.first_timepoint_id in label_of:
            timepoints[label_of[lesion.first_timepoint_id]]["lesions"][lesion.label] = {
                "category": str(lesion.category), "organ": lesion.organ,
                "is_node": lesion.is_node, "is_previously_treated": lesion.is_previously_treated,
                "is_porta_hepatis": lesion.is_porta_hepatis, "kind": lesion.kind,
                "location": lesion.location}
    for m in read.measurements:
        if m.timepoint_id in label_of:
            c = m.caliper
            timepoints[label_of[m.timepoint_id]]["calipers"].setdefault(
                lesion_label[m.lesion_id], {})[str(m.kind)] = {
                "length_mm": format(c.length_mm, "f"),
                "start_rc": [_text(v) for v in c.start_rc],
                "end_rc": [_text(v) for v in c.end_rc],
                "start_xyz": [_text(v) for v in c.start_xyz],
                "end_xyz": [_text(v) for v in c.end_xyz],
                "sop_instance_uid": c.sop_instance_uid, "frame": c.frame,
                "phase": None if m.phase is None else str(m.phase),
                "on_lossy_image": c.on_lossy_image}
    for f in read.findings:
        if f.timepoint_id in label_of:
            timepoints[label_of[f.timepoint_id]]["findings"][lesion_label[f.lesion_id]] = {
                "state": None if f.state is None else str(f.state),
                "arterial_enhancement": f.arterial_enhancement, "washout": f.washout,
                "is_equivocal": f.is_equivocal, "is_cytology_confirmed": f.is_cytology_confirmed}
    o = result.options

    def category(assessment):
        return None if assessment is None else str(assessment.category)

    content = {
        "format": "mrecist-signed/3", "signed": "read_timepoint", "subject": read.subject,
        "timepoint": kept[-1].label, "timepoints": timepoints,
        "result": {
            "criteria": "mRECIST",
            "options": {"confirmation_days": o.confirmation_days, "sd_min_days": o.sd_min_days,
                        "pd_min_increase_mm": format(o.pd_min_increase_mm, "f"),
                        "max_targets": o.max_targets,
                        "max_targets_per_organ": o.max_targets_per_organ},
            "baseline_sum_mm": _dec(result.baseline_sum_mm),
            "timepoints": {row.label: {
                "date": row.date.isoformat(), "not_assessed": row.not_assessed,
                "sum_mm": _dec(row.sum_mm), "nadir_sum_mm": _dec(row.nadir_sum_mm),
                "change_from_baseline_pct": _fraction(row.change_from_baseline_pct),
                "change_from_nadir_pct": _fraction(row.change_from_nadir_pct),
                "target_response": category(row.target),
                "non_target_response": category(row.non_target),
                "new_lesions": category(row.new_lesions),
                "overall_response": category(row.overall)} for row in result.timepoints},
            "best_overall_response": str(result.best_overall_response.category),
            "confirmed_best_overall_response":
                str(result.confirmed_best_overall_response.category),
            "progression": None if result.progression is None else {
                "timepoint": result.progression.label,
                "date": result.progression.date.isoformat(),
                "backdated": result.progression.is_backdated},
            "best_change_from_baseline_pct": _fraction(result.best_change_from_baseline_pct),
        },
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored_digests(demo, subject, slot):
    rows = demo.store._rows(
        "SELECT tp.label, g.content_sha256 FROM read_timepoints rt JOIN tasks t "
        "ON t.id = rt.task_id JOIN subjects s ON s.id = t.subject_id JOIN timepoints tp "
        "ON tp.id = rt.timepoint_id JOIN signatures g ON g.id = rt.signature_id "
        "WHERE s.code = ? AND t.slot = ? ORDER BY tp.date", (subject, slot))
    return {row["label"]: row["content_sha256"] for row in rows}


@pytest.mark.parametrize("subject", ["HCC-002", "HCC-003"])  # a thrombus; a new lesion
def test_each_digest_is_the_documented_canonical_form_of_the_read_through_its_timepoint(
        demo, subject):
    read_subject(demo.store, demo.reader1, subject)
    read = _read(demo, demo.reader1, subject)
    stored = _stored_digests(demo, subject, 1)
    assert list(stored) == ["Baseline", "Week 6", "Week 12"]
    for through, timepoint in enumerate(read.timepoints, start=1):
        assert stored[timepoint.label] == _documented_digest(read, through), timepoint.label


def test_an_untouched_store_verifies_every_signature(demo):
    item = _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    adjudicate(demo.store, demo.adjudicator, item.adjudication_id, "A", "A is right",
               PASSWORD)
    read_subject(demo.store, demo.reader1, "HCC-003", upto=1)
    checks = verify_signatures(demo.store)
    assert [(c.subject, c.slot, c.timepoint, c.state) for c in checks] == [
        ("HCC-001", 1, "Baseline", SignatureState.VALID),
        ("HCC-001", 1, "Week 6", SignatureState.VALID),
        ("HCC-001", 2, "Baseline", SignatureState.VALID),
        ("HCC-001", 2, "Week 6", SignatureState.VALID),
        ("HCC-003", 1, "Baseline", SignatureState.VALID),
        ("HCC-001", None, "Week 6", SignatureState.VALID),
    ]
    assert all(c.ok and c.problem is None for c in checks)
    assert checks[0].meaning.startswith("Author:")
    assert checks[-1].meaning.startswith("Adjudicator:")
    signed = demo.store._row("SELECT signed_utc FROM signatures LIMIT 1")["signed_utc"]
    assert {c.signed_date.isoformat() for c in checks} == {signed[:10]}


# -- direct SQL on a signed read ------------------------------------------------------------

def _moved(demo, row):
    x, y, z = json.loads(row["start_xyz"])
    return json.dumps([x + 10.0, y, z])


def _other_image(demo, row):
    truth = demo_truth()["HCC-002"][0]
    series = next(s for s in truth.truth["series"] if s["phase"] == "arterial")
    images = demo.store._rows("SELECT i.sop_instance_uid FROM images i JOIN series s "
                             "ON s.id = i.series_id WHERE s.series_instance_uid = ? "
                             "AND i.sop_instance_uid != ?",
                             (series["series_instance_uid"], row["sop_instance_uid"]))
    return images[0]["sop_instance_uid"]


ATTACKS = {
    # what is changed: (table, lesion, kind, column, new value from the row, path named)
    "caliper end point moved": ("measurements", "T1", "total", "start_xyz", _moved,
                                "timepoints/Baseline/calipers/T1/total/start_xyz"),
    "length changed": ("measurements", "T1", "total", "length_mm", lambda demo, row: "29.00",
                       "timepoints/Baseline/calipers/T1/total/length_mm"),
    "image swapped": ("measurements", "T1", "total", "sop_instance_uid", _other_image,
                      "timepoints/Baseline/calipers/T1/total/sop_instance_uid"),
    "finding changed": ("findings", "NT1", None, "state", lambda demo, row: "absent",
                        "timepoints/Baseline/findings/NT1/state"),
}


@pytest.mark.tampers
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_direct_sql_on_a_signed_read_is_named_and_stops_export_and_adjudication(demo, attack):
    table, lesion, kind, column, value, path = ATTACKS[attack]
    item = _discordant(demo, "HCC-002", PD_AT_WEEK_6)
    row = _row(demo, "HCC-002", 1, "Baseline", table, lesion, kind)
    _tamper(demo, f"UPDATE {table} SET {column} = ? WHERE id = ?",
            (value(demo, row), row["id"]))

    changed = _checks(demo, CHANGED)
    # The baseline's signature, and week 6's, which covers the baseline too.
    assert [(c.subject, c.slot, c.timepoint) for c in changed] == [
        ("HCC-002", 1, "Baseline"), ("HCC-002", 1, "Week 6")]
    assert all(path in c.problem for c in changed)
    assert str(changed[0]).startswith("HCC-002 read 1 Baseline (signed ")
    assert "content changed since signing" in str(changed[0])
    assert [c.ok for c in _checks(demo) if c.slot == 2] == [True, True]

    with pytest.raises(SignatureError, match=r"subject 'HCC-002' read 1: not exported.*"
                                             r"HCC-002 read 1 Baseline.*" + re.escape(path)):
        export_case(demo.store, demo.coordinator, "HCC-002", "1")
    export_case(demo.store, demo.coordinator, "HCC-002", "2")  # the other read is intact

    letter = _letter_of_reader_1(demo, "HCC-002")
    view = get_adjudication(demo.store, demo.adjudicator, item.adjudication_id)
    assert [p.split(":")[0] for p in view.signature_problems] == [
        f"read {letter} Baseline", f"read {letter} Week 6"]
    with pytest.raises(WorkflowError, match=rf"cannot be decided .*read {letter} Baseline: "
                                            r"content changed since signing"):
        adjudicate(demo.store, demo.adjudicator, item.adjudication_id, letter, "fine",
                   PASSWORD)
    assert open_adjudications(demo.store, demo.adjudicator)  # still open, nothing decided


@pytest.mark.tampers
def test_a_changed_result_is_named_even_when_the_record_is_intact(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=2)
    _tamper(demo, "UPDATE timepoints SET date = '2026-02-20' WHERE label = 'Week 6' AND "
                  "subject_id = (SELECT id FROM subjects WHERE code = 'HCC-002')")
    (check,) = _checks(demo, CHANGED)
    assert check.timepoint == "Week 6"
    assert "timepoints/Week 6/date" in check.problem
    assert "result/timepoints/Week 6/date" in check.problem


@pytest.mark.tampers
def test_a_garbled_signing_time_does_not_stop_the_check(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=1)
    _tamper(demo, "UPDATE signatures SET signed_utc = 'yesterday'")
    (check,) = verify_signatures(demo.store)
    assert (check.ok, check.signed_date) == (True, None)


@pytest.mark.tampers
@pytest.mark.parametrize("attack", ["transferred", "unlinked", "re-hashed"])
def test_a_signature_cannot_be_moved_dropped_or_rewritten_alone(demo, attack):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=1)
    read_subject(demo.store, demo.reader2, "HCC-002", upto=1)
    ids = demo.store._rows("SELECT rt.id, rt.signature_id, t.slot FROM read_timepoints rt "
                          "JOIN tasks t ON t.id = rt.task_id WHERE rt.status = 'signed' "
                          "ORDER BY t.slot")
    mine, theirs = ids[0], ids[1]
    if attack == "transferred":  # reader 2's signature copied onto reader 1's timepoint
        _tamper(demo, "UPDATE read_timepoints SET signature_id = ? WHERE id = ?",
                (theirs["signature_id"], mine["id"]))
        expected = "the signature is another record's"
    elif attack == "unlinked":
        _tamper(demo, "UPDATE read_timepoints SET signature_id = NULL WHERE id = ?",
                (mine["id"],))
        expected = "marked signed, but no signature is recorded"
    else:  # the digest rewritten without its recorded text
        _tamper(demo, "UPDATE signatures SET content_sha256 = ? WHERE id = ?",
                ("0" * 64, mine["signature_id"]))
        expected = "no longer gives its digest"
    (check,) = _checks(demo, CHANGED)
    assert (check.slot, check.timepoint) == (1, "Baseline")
    assert expected in check.problem


@pytest.mark.tampers
def test_a_rewritten_adjudication_is_named_and_its_final_read_is_not_exported(demo):
    item = _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    final = adjudicate(demo.store, demo.adjudicator, item.adjudication_id, "B",
                       "B measured the viable part", PASSWORD)
    export_case(demo.store, demo.coordinator, "HCC-001", "final")
    assert final_results(demo.store, demo.coordinator)[0].signature_problems == ()
    _tamper(demo, "UPDATE adjudications SET rationale = 'A was right' WHERE id = ?",
            (item.adjudication_id,))
    (check,) = _checks(demo, CHANGED)
    assert (check.subject, check.slot, check.timepoint) == ("HCC-001", None, "Week 6")
    assert 'rationale: signed "B measured the viable part", now "A was right"' in check.problem
    assert str(check).startswith("HCC-001 adjudication Week 6")
    with pytest.raises(SignatureError, match=r"not exported.*HCC-001 adjudication Week 6"):
        export_case(demo.store, demo.coordinator, "HCC-001", "final")
    (shown,) = final_results(demo.store, demo.coordinator)
    assert shown.result == final.result
    assert "rationale" in shown.signature_problems[0]


# -- amendments ask for new signatures ------------------------------------------------------

def _remeasure_baseline(demo, subject, length):
    read = _read(demo, demo.reader1, subject)
    truth = demo_truth()[subject][0]
    lesion = next(item for item in truth.truth["lesions"] if item["id"] == "T1")
    save_caliper(demo.store, demo.reader1, *caliper(
        truth, lesion, MeasurementKind.VIABLE, read.lesion("T1").lesion_id,
        read.timepoints[0].timepoint_id, length))


def test_an_amended_baseline_asks_for_new_signatures_of_the_later_timepoints(demo):
    first = _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    adjudicate(demo.store, demo.adjudicator, first.adjudication_id, "A", "A", PASSWORD)
    read_subject(demo.store, demo.reader1, "HCC-001")
    read_subject(demo.store, demo.reader2, "HCC-001", SD_AT_WEEK_6)
    assert open_adjudications(demo.store, demo.adjudicator)[0].through_label == "Week 12"
    task = _task(demo, demo.reader1, "HCC-001")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0]

    amend_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id,
                    "T1 viable part re-measured")
    _remeasure_baseline(demo, "HCC-001", 31.0)
    sign_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id, PASSWORD)
    day = demo.store._row("SELECT created_utc FROM amendments")["created_utc"][:10]
    reason = f"Baseline was amended on {day}: T1 viable part re-measured"

    # The reader: in the read and the worklist.
    read = get_read(demo.store, demo.reader1, task.task_id)
    assert [(tp.label, tp.status, tp.resign_reason) for tp in read.timepoints] == [
        ("Baseline", "signed", None), ("Week 6", "signed", reason),
        ("Week 12", "signed", reason)]
    assert _task(demo, demo.reader1, "HCC-001").resignature_needed == ("Week 6", "Week 12")
    assert _task(demo, demo.reader2, "HCC-001").resignature_needed == ()
    # The coordinator: the list and the counts; nothing final rests on it any more.
    status = trial_status(demo.store, demo.coordinator)
    assert [(s.subject, s.read, s.timepoint, s.reason) for s in status.awaiting_resignature] \
        == [("HCC-001", "1", "Week 6", reason), ("HCC-001", "1", "Week 12", reason)]
    reader_1 = next(r for r in status.readers if r.login == "reader1")
    assert (reader_1.timepoints_signed, reader_1.timepoints_awaiting_resignature) == (1, 2)
    assert final_results(demo.store, demo.coordinator) == ()
    # The adjudicator: the withdrawn cycle waits for read A or B, never for "reader 1".
    letter = _letter_of_reader_1(demo, "HCC-001")
    assert [(w.subject, w.read, w.timepoint, w.reason)
            for w in awaiting_resignature(demo.store, demo.adjudicator)] == [
        ("HCC-001", letter, "Week 6", reason), ("HCC-001", letter, "Week 12", reason)]
    assert open_adjudications(demo.store, demo.adjudicator) == ()
    # Audit verify: expected work, not tampering; the export stops before it.
    checks = {(c.slot, c.timepoint): c for c in verify_signatures(demo.store)}
    assert checks[(1, "Baseline")].ok
    for label in ("Week 6", "Week 12"):
        assert checks[(1, label)].state is STALE
        assert checks[(1, label)].problem.startswith(reason)
        assert "timepoints/Baseline/calipers/T1/viable/length_mm" in checks[(1, label)].problem
    assert [tp["label"] for tp in export_case(demo.store, demo.reader1, "HCC-001",
                                              "1")["timepoints"]] == ["Baseline"]

    # Re-signing goes in date order and clears the mark; then the cycle is decided again.
    week6, week12 = (tp.timepoint_id for tp in read.timepoints[1:])
    with pytest.raises(WorkflowError, match="HCC-001 Week 12: Week 6 must be signed again"):
        sign_timepoint(demo.store, demo.reader1, task.task_id, week12, PASSWORD)
    update = sign_timepoint(demo.store, demo.reader1, task.task_id, week6, PASSWORD)
    assert update.value.meaning == RESIGN_MEANING
    assert update.read.timepoint("Week 6").resign_reason is None
    assert open_adjudications(demo.store, demo.adjudicator) == ()  # reader 2 is at week 12
    sign_timepoint(demo.store, demo.reader1, task.task_id, week12, PASSWORD)
    assert all(c.ok for c in verify_signatures(demo.store))
    assert trial_status(demo.store, demo.coordinator).awaiting_resignature == ()
    assert awaiting_resignature(demo.store, demo.adjudicator) == ()
    assert _task(demo, demo.reader1, "HCC-001").resignature_needed == ()
    (back,) = open_adjudications(demo.store, demo.adjudicator)
    assert back.through_label == "Week 12"


def test_a_timepoint_waiting_for_re_signature_does_not_complete_a_cycle(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=2)
    task = _task(demo, demo.reader1, "HCC-002")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0]
    amend_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id, "check")
    sign_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id, PASSWORD)
    read_subject(demo.store, demo.reader2, "HCC-002", upto=2)
    assert final_results(demo.store, demo.coordinator) == ()  # reader 1's week 6 waits
    week6 = get_read(demo.store, demo.reader1, task.task_id).timepoint("Week 6")
    sign_timepoint(demo.store, demo.reader1, task.task_id, week6.timepoint_id, PASSWORD)
    (final,) = final_results(demo.store, demo.coordinator)
    assert (final.through_label, final.source) == ("Week 6", "concordant")


@pytest.mark.tampers
def test_a_mark_does_not_excuse_a_change_to_the_marked_timepoint_itself(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=2)
    task = _task(demo, demo.reader1, "HCC-002")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0]
    amend_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id, "check")
    row = _row(demo, "HCC-002", 1, "Week 6", "measurements", "T2", "viable")
    _tamper(demo, "UPDATE measurements SET length_mm = '1.00' WHERE id = ?", (row["id"],))
    (check,) = [c for c in verify_signatures(demo.store) if c.timepoint == "Week 6"]
    assert check.state is CHANGED
    assert "timepoints/Week 6/calipers/T2/viable/length_mm" in check.problem


def test_the_adjudicator_hears_of_nothing_beyond_the_withdrawn_cycle(demo):
    _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    read_subject(demo.store, demo.reader1, "HCC-001")  # reader 1 goes on to week 12
    task = _task(demo, demo.reader1, "HCC-001")
    week6 = get_read(demo.store, demo.reader1, task.task_id).timepoint("Week 6")
    amend_timepoint(demo.store, demo.reader1, task.task_id, week6.timepoint_id, "T2 missed")
    assert open_adjudications(demo.store, demo.adjudicator) == ()
    # Week 12 waits, but the withdrawn cycle ended at week 6, which is being amended.
    assert awaiting_resignature(demo.store, demo.adjudicator) == ()
    (stale,) = trial_status(demo.store, demo.coordinator).awaiting_resignature
    assert (stale.read, stale.timepoint) == ("1", "Week 12")
    assert stale.reason.startswith("Week 6 was amended on ")
    # The admin manages the trial and sees no read content: counts, not reasons.
    admin_view = trial_status(demo.store, demo.admin)
    assert admin_view.awaiting_resignature == ()
    assert [r.timepoints_awaiting_resignature for r in admin_view.readers] == [1, 0]


# -- blinding: dates, not times -------------------------------------------------------------

def test_the_adjudicator_sees_signing_dates_not_times(demo):
    item = _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    view = get_adjudication(demo.store, demo.adjudicator, item.adjudication_id)
    shown = [tp.signed_utc for read in (view.read_a, view.read_b) for tp in read.timepoints]
    assert len(shown) == 4
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in shown)
    full = _read(demo, demo.reader1, "HCC-001").timepoints[0].signed_utc
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z", full)  # the reader's own


# -- signatures made before content was recorded --------------------------------------------

@pytest.mark.tampers
def test_a_signature_from_before_m007_is_still_checked(demo):
    read_subject(demo.store, demo.reader1, "HCC-002", upto=1)
    read = _read(demo, demo.reader1, "HCC-002")
    info = trial_store.trial_info(demo.store)
    legacy = content_sha256(legacy_signed_content(read, info.criteria, info.options, 1))
    _tamper(demo, "UPDATE signatures SET content_json = NULL, content_sha256 = ?", (legacy,))
    (check,) = verify_signatures(demo.store)
    assert check.ok
    row = _row(demo, "HCC-002", 1, "Baseline", "measurements", "T1", "total")
    _tamper(demo, "UPDATE measurements SET end_rc = '[1.0, 1.0]' WHERE id = ?", (row["id"],))
    (check,) = verify_signatures(demo.store)
    assert check.state is CHANGED
    assert "mrecist-signed/1" in check.problem


@pytest.mark.tampers
def test_an_adjudication_signed_before_m007_is_still_checked(demo):
    item = _discordant(demo, "HCC-001", SD_AT_WEEK_6)
    adjudicate(demo.store, demo.adjudicator, item.adjudication_id, "B", "B", PASSWORD)
    chosen = json.loads(demo.store._row("SELECT result_b_json FROM adjudications")
                        ["result_b_json"])
    _tamper(demo, "UPDATE signatures SET content_json = NULL, content_sha256 = ? "
                  "WHERE entity = 'adjudication'", (content_sha256(chosen),))
    assert all(check.ok for check in verify_signatures(demo.store))
    _tamper(demo, "UPDATE adjudications SET chosen = 'A'")
    (check,) = _checks(demo, CHANGED)
    assert (check.slot, check.problem) == (
        None, "the chosen result differs from what was signed (mrecist-signed/1)")


def test_a_signature_written_as_mrecist_signed_2_still_verifies(demo, monkeypatch):
    """Stores signed before the phase was covered keep valid signatures: each is compared
    with the content in the format it was written in (docs/signatures.md §3.1)."""
    import core.actions.reading as reading_actions
    from core.actions.integrity import verify_signatures
    from core.reading import PHASELESS_FORMAT, signed_content

    def as_before(read, through, result, content_format=PHASELESS_FORMAT):
        return signed_content(read, through, result, PHASELESS_FORMAT)

    monkeypatch.setattr(reading_actions, "signed_content", as_before)
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    monkeypatch.undo()
    checks = verify_signatures(demo.store)
    assert checks
    assert {check.state.value for check in checks} == {"valid"}
    stored = json.loads(demo.store._rows("SELECT content_json FROM signatures")[0]
                        ["content_json"])
    assert stored["format"] == "mrecist-signed/2"
    caliper = next(iter(next(iter(stored["timepoints"]["Baseline"]["calipers"].values()))
                        .values()))
    assert "phase" not in caliper
