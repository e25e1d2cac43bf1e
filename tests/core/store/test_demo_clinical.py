"""The demo trial's clinical data: every form and derived value has something to show
(#13 item 5), and the readers see none of it."""

from __future__ import annotations

import pytest

from core.actions import clinical_record, get_read, my_tasks
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.actions.endpoints import subject_endpoints
from core.clinical import GradedSample, KnownEvent, grade_lab, proposed_events, worst_grades
from core.errors import PermissionDeniedError
from core.store import login, open_store


@pytest.fixture
def demo_store(demo_data_dir):
    from desktop.demo_data import DEMO_STORE_FOLDER

    with open_store(demo_data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME) as store:
        yield store


def test_each_demo_subject_has_a_clinical_course(demo_store):
    coordinator = login(demo_store, "coordinator", DEMO_PASSWORD)
    for code in ("HCC-001", "HCC-002", "HCC-003"):
        record = clinical_record(demo_store, coordinator, code)
        assert record.screening is not None
        assert record.baseline is not None
        assert len(record.treatment_sessions) == 2
        # AST and platelets at each of three visits, and five more screening labs.
        assert len(record.labs) == 11
        assert record.adverse_events
        assert record.follow_up
    progressor = clinical_record(demo_store, coordinator, "HCC-003")
    assert progressor.end_of_treatment.value.subsequent_therapy == "regorafenib"
    endpoints = {row.subject: row for row in subject_endpoints(demo_store, coordinator)}
    assert endpoints["HCC-003"].overall_survival.event  # died
    assert not endpoints["HCC-001"].overall_survival.event
    assert all(row.progression_free_survival is None for row in endpoints.values())


def test_the_demo_labs_grade_and_propose_what_the_demo_says(demo_store):
    coordinator = login(demo_store, "coordinator", DEMO_PASSWORD)
    record = clinical_record(demo_store, coordinator, "HCC-001")
    samples, grades = [], []
    for entry in record.labs:
        lab = entry.value
        graded = grade_lab(lab.test_code, lab.value, lab.unit, lab.lln, lab.uln)
        grades.append(graded)
        samples.append(GradedSample("HCC-001", lab.visit_date, graded.term, graded.grade))
    assert worst_grades(grades) == {
        "Aspartate aminotransferase increased": 2, "Platelet count decreased": 0,
        "Alanine aminotransferase increased": 0, "Blood bilirubin increased": 0,
        "Creatinine increased": 0, "INR increased": 0, "Neutrophil count decreased": 0}
    # The week-6 AST rise is recorded as an event already: nothing left to propose.
    known_terms = {entry.value.term for entry in record.adverse_events}
    assert "Aspartate aminotransferase increased" in known_terms
    known = [KnownEvent("HCC-001", e.value.term, e.value.onset_date)
             for e in record.adverse_events]
    assert proposed_events(samples, known) == ()


def test_the_demo_readers_see_nothing_clinical(demo_store):
    reader = login(demo_store, "reader1", DEMO_PASSWORD)
    with pytest.raises(PermissionDeniedError):
        clinical_record(demo_store, reader, "HCC-001")
    task = my_tasks(demo_store, reader)[0]
    text = repr(get_read(demo_store, reader, task.task_id))
    for word in ("regorafenib", "Hypertension", "pirarubicin", "anlotinib"):
        assert word not in text
