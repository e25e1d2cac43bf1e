"""Proposed adverse events answered in the store (issue #13 item 4): confirmed by recording
the event, dismissed with a reason (only an episode proposed now), withdrawn with a reason;
the overview is the coordinator's alone."""

from __future__ import annotations

import dataclasses

import pytest
from store_clinical import EMERGENT_LAB, TODAY, sample

from core.actions import (
    add_subject,
    delete_lab_event_dismissal,
    record_adverse_event,
    record_lab,
    record_lab_event_dismissal,
    record_screening,
    subject_overview,
    update_lab_event_dismissal,
)
from core.errors import PermissionDeniedError, WorkflowError
from core.model.clinical_record import AdverseEvent, ClinicalKind, Relatedness

SUBJECT = "HCC-001"
TERM = "Platelet count decreased"
DISMISSAL = sample(ClinicalKind.LAB_EVENT_DISMISSAL)


@pytest.fixture
def proposed(trial):
    """A subject enrolled, with a baseline platelet count (grade 1) and a worse one after
    treatment (grade 2): one proposed episode."""
    store, coordinator = trial.store, trial.coordinator
    add_subject(store, coordinator, SUBJECT)
    record_screening(store, coordinator, SUBJECT, sample(ClinicalKind.SCREENING), today=TODAY)
    record_lab(store, coordinator, SUBJECT, sample(ClinicalKind.LAB), today=TODAY)
    record_lab(store, coordinator, SUBJECT, EMERGENT_LAB, today=TODAY)
    return trial


def _proposals(trial):
    return [(p.term, p.grade, p.onset)
            for p in subject_overview(trial.store, trial.coordinator, SUBJECT).proposals]


def test_an_emergent_episode_is_proposed_and_a_dismissal_answers_it(proposed):
    assert _proposals(proposed) == [(TERM, 2, EMERGENT_LAB.visit_date)]
    entry = record_lab_event_dismissal(proposed.store, proposed.coordinator, SUBJECT,
                                       DISMISSAL, today=TODAY)
    assert _proposals(proposed) == []
    overview = subject_overview(proposed.store, proposed.coordinator, SUBJECT)
    assert [d.value for d in overview.record.dismissals] == [DISMISSAL]
    (row,) = proposed.store._rows(
        "SELECT action, after_json FROM audit WHERE entity = 'lab_event_dismissal'")
    assert row["action"] == "create"
    assert "hypersplenism" in row["after_json"]
    # Once dismissed, it cannot be dismissed again.
    with pytest.raises(WorkflowError, match=r"already recorded|is proposed now"):
        record_lab_event_dismissal(proposed.store, proposed.coordinator, SUBJECT, DISMISSAL,
                                   today=TODAY)
    assert entry.value == DISMISSAL


@pytest.mark.parametrize("change", [
    pytest.param({"term": "Anemia"}, id="a term never abnormal"),
    pytest.param({"onset_date": sample(ClinicalKind.LAB).visit_date},
                 id="the baseline sample, history not an event"),
    pytest.param({"onset_date": TODAY}, id="a date with no sample"),
])
def test_only_an_episode_proposed_now_can_be_dismissed(proposed, change):
    with pytest.raises(WorkflowError, match="is proposed now"):
        record_lab_event_dismissal(proposed.store, proposed.coordinator, SUBJECT,
                                   dataclasses.replace(DISMISSAL, **change), today=TODAY)
    assert _proposals(proposed) == [(TERM, 2, EMERGENT_LAB.visit_date)]


def test_a_confirmed_event_is_no_longer_proposed_nor_dismissable(proposed):
    event = AdverseEvent(TERM, 2, EMERGENT_LAB.visit_date, False,
                         (("anlotinib", Relatedness.POSSIBLE),),
                         *dataclasses.astuple(sample(ClinicalKind.ADVERSE_EVENT))[5:7])
    record_adverse_event(proposed.store, proposed.coordinator, SUBJECT, event, today=TODAY)
    assert _proposals(proposed) == []
    with pytest.raises(WorkflowError, match="is proposed now"):
        record_lab_event_dismissal(proposed.store, proposed.coordinator, SUBJECT, DISMISSAL,
                                   today=TODAY)


def test_a_dismissal_is_changed_or_withdrawn_only_with_a_reason(proposed):
    store, coordinator = proposed.store, proposed.coordinator
    entry = record_lab_event_dismissal(store, coordinator, SUBJECT, DISMISSAL, today=TODAY)
    better = dataclasses.replace(DISMISSAL, reason="platelets 60-70 since 2022 (hypersplenism)")
    update_lab_event_dismissal(store, coordinator, entry.entry_id, better,
                               "reason made precise", today=TODAY)
    with pytest.raises(WorkflowError, match="a reason is required"):
        delete_lab_event_dismissal(store, coordinator, entry.entry_id, " ")
    assert _proposals(proposed) == []
    delete_lab_event_dismissal(store, coordinator, entry.entry_id, "judged again: an AE")
    assert _proposals(proposed) == [(TERM, 2, EMERGENT_LAB.visit_date)]


@pytest.mark.parametrize("role", ["reader1", "reader2", "adjudicator", "admin"])
def test_no_other_role_sees_the_overview(proposed, role):
    with pytest.raises(PermissionDeniedError, match=r"needs coordinator"):
        subject_overview(proposed.store, getattr(proposed, role), SUBJECT)
