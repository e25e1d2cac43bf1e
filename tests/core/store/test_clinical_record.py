"""The clinical record in the trial store (issue #13 item 1): entered by the coordinator,
changed only with a reason (21 CFR 11.10(e)), locked at the data cut-off, refused to every
other role, and absent from everything a reader sees."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import sqlite3
from decimal import Decimal

import pytest
from sqlite_utils import Database
from store_clinical import EMERGENT_LAB, ENROLLED, TODAY, sample
from store_demo_reading import PASSWORD, read_subject

import core.actions.clinical as clinical_actions
from core.actions import (
    add_subject,
    audit_trail,
    clinical_record,
    delete_lab,
    export_case,
    get_read,
    lock_clinical,
    my_tasks,
    record_adverse_event,
    record_clinical_entries,
    record_follow_up,
    record_lab,
    record_screening,
    update_adverse_event,
    update_lab,
)
from core.errors import (
    ClinicalEntriesError,
    InvalidValueError,
    PermissionDeniedError,
    WorkflowError,
)
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    ClinicalKind,
    CriterionStatus,
    DoseAdjustment,
    DoseRecord,
    Eligibility,
    FollowUp,
    Relatedness,
    Route,
    Screening,
    ScreeningOutcome,
)
from core.store import clinical as clinical_store
from core.store import login, open_store
from core.store.integrity import check_store
from core.store.migrations import migrations, step_names

SUBJECT = "HCC-001"


def _audit(store, entity):
    return [{**row, "before": json.loads(row["before_json"] or "null"),
             "after": json.loads(row["after_json"] or "null")}
            for row in store._rows("SELECT * FROM audit WHERE entity = ? ORDER BY id",
                                   (entity,))]


def _prepare_dismissal(trial, subject):
    """Record what the dismissal sample needs: the subject enrolled and its emergent lab."""
    record = clinical_record(trial.store, trial.coordinator, subject)
    if record.screening is None:
        _record(trial, ClinicalKind.SCREENING, subject=subject)
    if EMERGENT_LAB not in [entry.value for entry in record.labs]:
        _record(trial, ClinicalKind.LAB, EMERGENT_LAB, subject=subject)


def _record(trial, kind, value=None, subject=SUBJECT):
    if kind is ClinicalKind.LAB_EVENT_DISMISSAL and value is None:
        _prepare_dismissal(trial, subject)
    action = getattr(clinical_actions, f"record_{kind.value}")
    return action(trial.store, trial.coordinator, subject, value or sample(kind), today=TODAY)


@pytest.fixture
def subject(trial):
    add_subject(trial.store, trial.coordinator, SUBJECT)
    return trial


# -- the values -------------------------------------------------------------------------------

LAB = sample(ClinicalKind.LAB)
AE = sample(ClinicalKind.ADVERSE_EVENT)


@pytest.mark.parametrize(("build", "field"), [
    pytest.param(lambda: dataclasses.replace(AE, grade=0), "grade", id="CTCAE grade 0"),
    pytest.param(lambda: dataclasses.replace(AE, grade=6), "grade", id="CTCAE grade 6"),
    pytest.param(lambda: dataclasses.replace(AE, grade=True), "grade", id="grade True"),
    pytest.param(lambda: dataclasses.replace(AE, resolution_date=dt.date(2024, 1, 1)),
                 "resolution_date", id="resolved before onset"),
    pytest.param(lambda: dataclasses.replace(AE, outcome=AeOutcome.FATAL), "outcome",
                 id="fatal outcome of a grade 2 event"),
    pytest.param(lambda: dataclasses.replace(AE, relatedness=()), "relatedness",
                 id="no cause assessed"),
    pytest.param(lambda: dataclasses.replace(AE, relatedness=(
        ("anlotinib", Relatedness.POSSIBLE), ("Anlotinib", Relatedness.PROBABLE))),
        "relatedness", id="a cause twice"),
    pytest.param(lambda: dataclasses.replace(LAB, value=Decimal("NaN")), "value", id="NaN"),
    pytest.param(lambda: dataclasses.replace(LAB, value=Decimal("Infinity")), "value",
                 id="infinite"),
    pytest.param(lambda: dataclasses.replace(LAB, value=Decimal("-1")), "value",
                 id="negative"),
    pytest.param(lambda: dataclasses.replace(LAB, value=92.0), "value", id="a float"),
    pytest.param(lambda: dataclasses.replace(LAB, test_code="plat"), "test_code",
                 id="LBTESTCD in lower case"),
    pytest.param(lambda: dataclasses.replace(LAB, uln=Decimal("100")), "uln",
                 id="ULN below LLN"),
    pytest.param(lambda: Screening(ScreeningOutcome.SCREEN_FAILURE), "failed_criterion",
                 id="screen failure without its criterion"),
    pytest.param(lambda: Screening(ScreeningOutcome.ENROLLED), "enrolment_date",
                 id="enrolled without a date"),
    pytest.param(lambda: Eligibility("IN 01", "met"), "criterion", id="criterion code"),
    pytest.param(lambda: Eligibility("IN01", "met"), "status", id="status as text"),
    pytest.param(lambda: DoseRecord("anlotinib", dt.date(2024, 1, 12), Decimal(12),
                                    Decimal(12), "mg", Route.ORAL,
                                    adjustment=DoseAdjustment.INTERRUPTED),
                 "adjustment_reason", id="interruption without its reason"),
    pytest.param(lambda: FollowUp(), "follow_up", id="a follow-up with no date"),
    pytest.param(lambda: FollowUp(dt.date(2024, 3, 1), dt.date(2024, 2, 1), "HCC"),
                 "death_date", id="death before last known alive"),
    pytest.param(lambda: FollowUp(death_date=dt.date(2024, 3, 1)), "death_cause",
                 id="death without cause"),
])
def test_a_value_that_cannot_be_recorded_is_refused_naming_its_field(build, field):
    with pytest.raises(InvalidValueError, match=f"^{field}"):
        build()


# -- recording and reading back --------------------------------------------------------------

def test_every_kind_is_recorded_and_read_back_as_entered(subject):
    made = {kind: _record(subject, kind) for kind in ClinicalKind}
    record = clinical_record(subject.store, subject.coordinator, SUBJECT)
    assert record.eligibility == (made[ClinicalKind.ELIGIBILITY],)
    assert record.screening == made[ClinicalKind.SCREENING]
    assert record.baseline == made[ClinicalKind.BASELINE]
    assert record.treatment_sessions == (made[ClinicalKind.TREATMENT_SESSION],)
    assert record.doses == (made[ClinicalKind.DOSE],)
    assert record.labs[0] == made[ClinicalKind.LAB]
    assert [entry.value for entry in record.labs[1:]] == [EMERGENT_LAB]
    assert record.adverse_events == (made[ClinicalKind.ADVERSE_EVENT],)
    assert record.end_of_treatment == made[ClinicalKind.END_OF_TREATMENT]
    assert record.follow_up == (made[ClinicalKind.FOLLOW_UP],)
    assert record.dismissals == (made[ClinicalKind.LAB_EVENT_DISMISSAL],)
    assert record.locks == ()
    assert record.cut_off_date is None
    stored = subject.store._rows("SELECT value, lln FROM clinical_labs ORDER BY id")
    assert stored[0] == {"value": "92", "lln": "125"}  # decimals as entered, as text


def test_each_entry_is_audited_whole_with_who_and_when(subject):
    entry = _record(subject, ClinicalKind.LAB)
    (row,) = _audit(subject.store, "lab")
    assert (row["action"], row["entity_id"], row["before"]) == ("create", entry.entry_id, None)
    assert row["user_id"] == subject.coordinator.user_id
    assert row["utc"]
    assert row["after"]["value"] == "92"
    assert row["after"]["test_code"] == "PLAT"


def test_a_second_screening_or_the_same_lab_twice_is_refused(subject):
    _record(subject, ClinicalKind.SCREENING)
    _record(subject, ClinicalKind.LAB)
    with pytest.raises(WorkflowError, match="screening: already recorded for this subject"):
        _record(subject, ClinicalKind.SCREENING)
    with pytest.raises(WorkflowError, match="the same test on the same visit date"):
        _record(subject, ClinicalKind.LAB)
    _record(subject, ClinicalKind.LAB, dataclasses.replace(LAB, test_code="ALB",
                                                           unit="g/L"))


def test_a_date_after_today_is_refused_at_entry(subject):
    with pytest.raises(WorkflowError, match=r"visit_date 2024-07-01 is after today "
                                            r"\(2024-06-30\)"):
        _record(subject, ClinicalKind.LAB, dataclasses.replace(
            LAB, visit_date=dt.date(2024, 7, 1)))


def test_an_unknown_subject_is_refused(subject):
    with pytest.raises(PermissionDeniedError, match="subject 'HCC-999': not found"):
        _record(subject, ClinicalKind.LAB, subject="HCC-999")


# -- changes after entry need a reason --------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_update_without_a_reason_is_refused_and_changes_nothing(subject, reason):
    entry = _record(subject, ClinicalKind.LAB)
    with pytest.raises(WorkflowError, match=r"a reason is required for a change after entry "
                                            r"\(21 CFR 11.10\(e\)\)"):
        update_lab(subject.store, subject.coordinator, entry.entry_id,
                   dataclasses.replace(LAB, value=Decimal("95")), reason, today=TODAY)
    assert clinical_record(subject.store, subject.coordinator, SUBJECT).labs == (entry,)


def test_an_update_records_old_and_new_values_and_the_reason(subject):
    entry = _record(subject, ClinicalKind.LAB)
    changed = update_lab(subject.store, subject.coordinator, entry.entry_id,
                         dataclasses.replace(LAB, value=Decimal("95.0")),
                         "  transcription error, source lab report p.2 ", today=TODAY)
    assert changed.value.value == Decimal("95.0")
    row = _audit(subject.store, "lab")[-1]
    assert row["action"] == "update"
    assert row["user_id"] == subject.coordinator.user_id
    assert row["before"] == {"value": "92"}
    assert row["after"] == {"value": "95.0",
                            "change_reason": "transcription error, source lab report p.2"}


def test_an_update_changing_an_events_relatedness_is_audited_column_by_column(subject):
    entry = _record(subject, ClinicalKind.ADVERSE_EVENT)
    new = dataclasses.replace(AE, grade=3, relatedness=(("anlotinib", Relatedness.DEFINITE),))
    update_adverse_event(subject.store, subject.coordinator, entry.entry_id, new,
                         "investigator's causality review", today=TODAY)
    row = _audit(subject.store, "adverse_event")[-1]
    assert set(row["before"]) == {"grade", "relatedness"}
    assert row["after"]["grade"] == 3
    assert json.loads(row["after"]["relatedness"]) == [["anlotinib", "DEFINITELY RELATED"]]


def test_a_removal_needs_a_reason_and_the_audit_keeps_what_it_held(subject):
    entry = _record(subject, ClinicalKind.LAB)
    with pytest.raises(WorkflowError, match="a reason is required"):
        delete_lab(subject.store, subject.coordinator, entry.entry_id, " ")
    delete_lab(subject.store, subject.coordinator, entry.entry_id, "entered for the wrong "
               "subject")
    row = _audit(subject.store, "lab")[-1]
    assert row["action"] == "delete"
    assert row["before"]["value"] == "92"
    assert row["after"] == {"change_reason": "entered for the wrong subject"}
    assert clinical_record(subject.store, subject.coordinator, SUBJECT).labs == ()
    with pytest.raises(WorkflowError, match=f"lab {entry.entry_id}: no such entry"):
        delete_lab(subject.store, subject.coordinator, entry.entry_id, "again")


def test_an_update_of_one_kind_with_another_kinds_value_is_refused(subject):
    entry = _record(subject, ClinicalKind.LAB)
    with pytest.raises(InvalidValueError, match="is another kind"):
        update_lab(subject.store, subject.coordinator, entry.entry_id, AE, "wrong form")


# -- the data cut-off --------------------------------------------------------------------------

def test_a_data_cut_off_locks_what_it_covers_and_nothing_after_it(subject):
    store, coordinator = subject.store, subject.coordinator
    before = _record(subject, ClinicalKind.LAB)                       # 2024-01-05
    baseline = _record(subject, ClinicalKind.BASELINE)                # undated
    after = _record(subject, ClinicalKind.ADVERSE_EVENT)              # onset 2024-01-20
    assert lock_clinical(store, coordinator, SUBJECT, dt.date(2024, 1, 15), today=TODAY) == 2
    record = clinical_record(store, coordinator, SUBJECT)
    assert [e.is_locked for e in (record.labs[0], record.baseline, record.adverse_events[0])] \
        == [True, True, False]
    assert record.cut_off_date == dt.date(2024, 1, 15)
    assert record.locks[0].locked_by == "coord"
    assert record.locks[0].subject == SUBJECT
    with pytest.raises(WorkflowError, match=r"lab .*: locked at the data cut-off"):
        update_lab(store, coordinator, before.entry_id,
                   dataclasses.replace(LAB, value=Decimal(1)), "late query", today=TODAY)
    with pytest.raises(WorkflowError, match="locked at the data cut-off"):
        delete_lab(store, coordinator, before.entry_id, "late query")
    with pytest.raises(WorkflowError, match="behind the data cut-off of 2024-01-15"):
        _record(subject, ClinicalKind.LAB, dataclasses.replace(LAB, test_code="ALT"))
    with pytest.raises(WorkflowError, match="behind the data cut-off"):
        _record(subject, ClinicalKind.SCREENING)  # undated: before any cut-off
    with pytest.raises(WorkflowError, match="behind the data cut-off"):  # moved behind it
        update_adverse_event(store, coordinator, after.entry_id, dataclasses.replace(
            AE, onset_date=dt.date(2024, 1, 14), resolution_date=None), "date typo",
            today=TODAY)
    update_adverse_event(store, coordinator, after.entry_id, dataclasses.replace(AE, grade=3),
                         "worsened", today=TODAY)
    _record(subject, ClinicalKind.FOLLOW_UP)  # 2024-06-01: after the cut-off
    locks = [row for row in _audit(store, "lab") if row["action"] == "lock"]
    assert locks[0]["before"] == {"is_locked": 0}
    assert locks[0]["after"] == {"is_locked": 1, "cut_off_date": "2024-01-15"}
    assert baseline.entry_id


def test_a_cut_off_is_never_in_the_future_nor_moved_back(subject):
    store, coordinator = subject.store, subject.coordinator
    with pytest.raises(WorkflowError, match="the cut-off 2024-07-01 is after today"):
        lock_clinical(store, coordinator, SUBJECT, dt.date(2024, 7, 1), today=TODAY)
    lock_clinical(store, coordinator, SUBJECT, dt.date(2024, 3, 1), today=TODAY)
    with pytest.raises(WorkflowError, match="already locked up to 2024-03-01"):
        lock_clinical(store, coordinator, SUBJECT, dt.date(2024, 2, 1), today=TODAY)
    lock_clinical(store, coordinator, SUBJECT, dt.date(2024, 4, 1), today=TODAY)


def test_a_cut_off_of_every_subject_covers_subjects_registered_later(subject):
    store, coordinator = subject.store, subject.coordinator
    _record(subject, ClinicalKind.SCREENING)
    assert lock_clinical(store, coordinator, None, dt.date(2024, 3, 1), today=TODAY) == 1
    add_subject(store, coordinator, "HCC-002")
    with pytest.raises(WorkflowError, match="subject 'HCC-002' lab: behind the data cut-off"):
        _record(subject, ClinicalKind.LAB, subject="HCC-002")
    _record(subject, ClinicalKind.FOLLOW_UP, subject="HCC-002")
    assert clinical_record(store, coordinator, "HCC-002").cut_off_date == dt.date(2024, 3, 1)


# -- many entries at once ----------------------------------------------------------------------

def test_many_entries_are_recorded_together_or_not_at_all(subject):
    store, coordinator = subject.store, subject.coordinator
    good = [(SUBJECT, LAB), (SUBJECT, dataclasses.replace(LAB, test_code="ALB", unit="g/L"))]
    bad = [*good, ("HCC-404", LAB), (SUBJECT, LAB),
           (SUBJECT, dataclasses.replace(LAB, visit_date=dt.date(2025, 1, 1)))]
    with pytest.raises(ClinicalEntriesError, match="labs: 3 refused, nothing recorded") as err:
        record_clinical_entries(store, coordinator, bad, what="labs", today=TODAY)
    assert [index for index, _ in err.value.problems] == [3, 4, 5]
    assert "'HCC-404' is not registered" in err.value.problems[0][1]
    assert "already recorded" in err.value.problems[1][1]
    assert "after today" in err.value.problems[2][1]
    assert clinical_record(store, coordinator, SUBJECT).labs == ()
    made = record_clinical_entries(store, coordinator, good, today=TODAY)
    assert [entry.value for entry in made] == [value for _, value in good]


# -- every other role is refused every clinical action ----------------------------------------

PUBLIC_ACTIONS = sorted(name for name, member in vars(clinical_actions).items()
                        if inspect.isfunction(member) and not name.startswith("_")
                        and member.__module__ == clinical_actions.__name__)


def _call(name, trial, session, entry_ids, subject=SUBJECT):
    store = trial.store
    verb, _, kind_name = name.partition("_")
    if name == "clinical_record":
        return clinical_actions.clinical_record(store, session, SUBJECT)
    if name == "clinical_entries":
        return clinical_actions.clinical_entries(store, session, ClinicalKind.LAB)
    if name == "record_clinical_entries":
        return record_clinical_entries(store, session, [(SUBJECT, LAB)], today=TODAY)
    if name == "lock_clinical":
        return lock_clinical(store, session, SUBJECT, dt.date(2024, 1, 1), today=TODAY)
    kind = ClinicalKind(kind_name)
    action = getattr(clinical_actions, name)
    if kind is ClinicalKind.LAB_EVENT_DISMISSAL and verb == "record" and subject != SUBJECT:
        _prepare_dismissal(trial, subject)
    if verb == "record":
        return action(store, session, subject, sample(kind), today=TODAY)
    if verb == "update":
        return action(store, session, entry_ids[kind], sample(kind), "a reason", today=TODAY)
    assert verb == "delete", name
    return action(store, session, entry_ids[kind], "a reason")


def test_every_public_clinical_action_is_in_the_refusal_test():
    expected = {"clinical_record", "clinical_entries", "record_clinical_entries",
                "lock_clinical", *(f"{verb}_{kind.value}" for kind in ClinicalKind
                                   for verb in ("record", "update", "delete"))}
    assert set(PUBLIC_ACTIONS) == expected


@pytest.mark.parametrize("role", ["reader1", "reader2", "adjudicator", "admin"])
@pytest.mark.parametrize("name", PUBLIC_ACTIONS)
def test_no_role_but_the_coordinator_may_call_a_clinical_action(subject, role, name):
    other = sample(ClinicalKind.LAB)
    entry_ids = {kind: _record(subject, kind).entry_id for kind in ClinicalKind
                 if kind is not ClinicalKind.LAB}
    entry_ids[ClinicalKind.LAB] = _record(
        subject, ClinicalKind.LAB, dataclasses.replace(other, test_code="ALB")).entry_id
    audit_rows = subject.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"]
    session = getattr(subject, role)
    with pytest.raises(PermissionDeniedError, match=r"may not do this \(needs coordinator\)"):
        _call(name, subject, session, entry_ids)
    assert subject.store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"] == audit_rows
    add_subject(subject.store, subject.coordinator, "HCC-002")
    _call(name, subject, subject.coordinator, entry_ids, "HCC-002")  # the coordinator may


# -- nothing clinical reaches a reader --------------------------------------------------------

MARKED = AdverseEvent("Zebra-striped rash", 3, dt.date(2024, 1, 20), True,
                      (("anlotinib", Relatedness.DEFINITE),), AeAction.DRUG_WITHDRAWN,
                      AeOutcome.RECOVERING)


def test_a_readers_read_and_case_file_hold_nothing_clinical(demo):
    store = demo.store
    read_subject(store, demo.reader1, SUBJECT, upto=1)
    task = next(t for t in my_tasks(store, demo.reader1) if t.subject == SUBJECT)
    exported = export_case(store, demo.reader1, SUBJECT, "1")
    read = get_read(store, demo.reader1, task.task_id)
    record_adverse_event(store, demo.coordinator, SUBJECT, MARKED, today=TODAY)
    record_lab(store, demo.coordinator, SUBJECT, dataclasses.replace(
        LAB, unit="per-zebra-unit"), today=TODAY)
    record_screening(store, demo.coordinator, SUBJECT, Screening(ScreeningOutcome.ENROLLED,
                                                                 ENROLLED), today=TODAY)
    record_follow_up(store, demo.coordinator, SUBJECT, FollowUp(
        dt.date(2024, 2, 1), dt.date(2024, 2, 3), "zebra-cause"), today=TODAY)
    assert export_case(store, demo.reader1, SUBJECT, "1") == exported
    assert get_read(store, demo.reader1, task.task_id) == read
    text = json.dumps(exported) + repr(read) + repr(my_tasks(store, demo.reader1))
    assert "zebra" not in text.lower()
    assert "2024-02-03" not in text
    coordinator_case = export_case(store, demo.coordinator, SUBJECT, "1")
    assert "zebra" not in json.dumps(coordinator_case).lower()


def test_the_admins_audit_trail_withholds_clinical_values_and_reasons(subject):
    entry = _record(subject, ClinicalKind.ADVERSE_EVENT, MARKED)
    update_adverse_event(subject.store, subject.coordinator, entry.entry_id,
                         dataclasses.replace(MARKED, grade=4, outcome=AeOutcome.UNKNOWN),
                         "zebra review", today=TODAY)
    page = audit_trail(subject.store, subject.admin, subject=SUBJECT)
    summaries = {e.action: e.summary for e in page.entries if e.entity == "adverse_event"}
    assert summaries == {
        "create": "new adverse_event (values withheld: clinical record)",
        "update": "changed grade, outcome (values withheld: clinical record)"}
    assert "zebra" not in repr(page).lower()


# -- integrity and migration -------------------------------------------------------------------

def test_the_audit_replays_to_exactly_the_clinical_tables(subject):
    entry = _record(subject, ClinicalKind.LAB)
    update_lab(subject.store, subject.coordinator, entry.entry_id,
               dataclasses.replace(LAB, value=Decimal(90)), "recheck", today=TODAY)
    for kind in ClinicalKind:
        if kind is not ClinicalKind.LAB:
            _record(subject, kind)
    lock_clinical(subject.store, subject.coordinator, None, dt.date(2024, 2, 1), today=TODAY)
    delete = clinical_record(subject.store, subject.coordinator, SUBJECT).follow_up[0]
    clinical_actions.delete_follow_up(subject.store, subject.coordinator, delete.entry_id,
                                      "duplicate contact")
    assert check_store(subject.store).is_intact


@pytest.mark.tampers
def test_a_clinical_value_changed_behind_the_applications_back_is_found(subject):
    _record(subject, ClinicalKind.LAB)
    subject.store.close()
    conn = sqlite3.connect(subject.path)
    conn.execute("UPDATE clinical_labs SET value = '150'")
    conn.commit()
    conn.close()
    with open_store(subject.path) as store:
        found = [str(d) for d in check_store(store).discrepancies]
    assert any("clinical_labs row" in text and "value changed outside" in text
               for text in found), found
    assert not any("150" in text or "92" in text for text in found)


BEFORE_M010 = [name for name in step_names() if name < "m010"]


@pytest.mark.parametrize("stop_before", [*BEFORE_M010[1:], "m010_clinical"])
def test_a_store_of_every_earlier_step_gains_the_clinical_tables(tmp_path, stop_before):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    migrations.apply(db, stop_before=stop_before)
    db.execute("INSERT INTO subjects (code) VALUES ('HCC-900')")
    db.conn.commit()
    db.close()
    with open_store(path) as store:
        assert store._rows("SELECT id, code FROM subjects") == [{"id": 1, "code": "HCC-900"}]
        assert [m.name for m in migrations.applied(store._db)][-1] == step_names()[-1]
        for kind in ClinicalKind:
            assert store._rows(f"SELECT * FROM {clinical_store.table_of(kind)}") == []
        assert store._rows("SELECT * FROM clinical_locks") == []


def test_a_trial_made_before_the_clinical_record_keeps_its_audit_intact(trial):
    """A working m009 store (users, a subject, an audit): upgraded, the coordinator records
    and the check still holds."""
    add_subject(trial.store, trial.coordinator, SUBJECT)
    trial.store.close()
    conn = sqlite3.connect(trial.path)
    for table in ["clinical_locks", *(clinical_store.table_of(kind) for kind in ClinicalKind)]:
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('m010_clinical', "
                 "'m011_lab_event_dismissals')")
    conn.commit()
    conn.close()
    trial.store = open_store(trial.path)
    trial.coordinator = login(trial.store, "coord", PASSWORD)
    _record(trial, ClinicalKind.LAB)
    assert check_store(trial.store).is_intact


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+2", "@SUM(A1)", "-2+3",
                                  "\tindent", "a\u2028b", "a\x85b"])
def test_text_a_spreadsheet_would_run_or_break_is_refused_at_entry(text):
    with pytest.raises(InvalidValueError, match=r"^note"):
        Eligibility("IN02", CriterionStatus.MET, text)


def test_a_note_beginning_with_a_dash_and_a_space_is_text():
    assert Eligibility("IN02", CriterionStatus.MET, "- see source").note == "- see source"
