"""A real trial store with the demo's subjects, readers' signed reads, an adjudication and
the demo's clinical record (core.actions.demo_clinical), for the report data actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from store_demo_reading import PASSWORD, read_subject, setup_demo
from store_trial import Trial, make_trial

from core.actions import adjudicate, get_adjudication, open_adjudications
from core.actions.demo_clinical import record_demo_clinical
from core.store import open_store
from core.store.integrity import check_store

# After every demo date (the demo's last contact is in August 2026).
TODAY = dt.date(2026, 12, 1)
# Reader 2 measures HCC-001's viable T1 at week 6 as 40 mm: no PR there, so the reads differ.
MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}
RATIONALE = "Week 6: the viable part of T1 measures 22 mm."


@dataclass
class ReportedTrial:
    """The store and its sessions, and what was read."""

    trial: Trial
    adjudicated_choice: str

    def __getattr__(self, name: str) -> object:
        return getattr(self.trial, name)


@pytest.fixture
def trial(tmp_path: Path) -> Iterator[Trial]:
    """A store with one user per role; it must pass ``audit verify`` afterwards."""
    made = make_trial(tmp_path / "trial.sqlite")
    yield made
    made.store.close()
    with open_store(made.path) as store:
        found = check_store(store)
    assert found.is_intact, [str(d) for d in found.discrepancies] or found.chain


@pytest.fixture
def reported(trial: Trial) -> ReportedTrial:
    """HCC-001 discordant at week 12 and adjudicated, HCC-002 concordant, HCC-003 read by
    reader 1 only (no final read); the demo's clinical record for all three."""
    store = trial.store
    setup_demo(store, trial.admin)
    record_demo_clinical(store, trial.coordinator, TODAY)
    read_subject(store, trial.reader1, "HCC-001")
    read_subject(store, trial.reader2, "HCC-001", MISSED_RESPONSE)
    for reader in (trial.reader1, trial.reader2):
        read_subject(store, reader, "HCC-002")
    read_subject(store, trial.reader1, "HCC-003")
    choice = ""
    for task in open_adjudications(store, trial.adjudicator):
        view = get_adjudication(store, trial.adjudicator, task.adjudication_id)
        choice = "A" if view.result_a["timepoints"][1]["overall_response"] == "PR" else "B"
        adjudicate(store, trial.adjudicator, task.adjudication_id, choice, RATIONALE, PASSWORD)
    return ReportedTrial(trial, choice)
