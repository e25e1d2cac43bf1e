"""A real trial store for the printed reports: the demo's three subjects read by both
readers (HCC-001 adjudicated, HCC-002 concordant through week 6, then week 12 signed by
reader 1 alone, HCC-003 read by reader 1 only), key images of reader 1's calipers, and the
demo's clinical record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from report_stores import RATIONALE, save_key_images
from store_demo_reading import (
    PASSWORD,
    add_demo_timepoint,
    demo_truth,
    read_subject,
    setup_demo,
)
from store_trial import Trial, make_trial

from core.actions import adjudicate, get_adjudication, open_adjudications
from core.actions.demo_clinical import record_demo_clinical
from core.model.reading import KeyImage
from core.store import open_store
from core.store.integrity import check_store

# After every demo date (the demo's last contact is in August 2026).
TODAY = dt.date(2026, 12, 1)
# Reader 2 measures HCC-001's viable T1 at week 6 as 40 mm: no PR there, so the reads differ.
MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}


@dataclass
class PrintedTrial:
    """The store, its sessions, and what was made in it."""

    trial: Trial
    choice: str
    key_images: dict[str, list[KeyImage]]

    def __getattr__(self, name: str) -> object:
        return getattr(self.trial, name)


@pytest.fixture
def printed(tmp_path: Path) -> Iterator[PrintedTrial]:
    """The store of the module docstring; it must pass ``audit verify`` afterwards."""
    trial = make_trial(tmp_path / "trial.sqlite")
    store = trial.store
    setup_demo(store, trial.admin, ("HCC-001", "HCC-003"))
    # HCC-002's dual read is decided through week 6 before week 12 is registered.
    setup_demo(store, trial.admin, ("HCC-002",), timepoints=2)
    for reader in (trial.reader1, trial.reader2):
        read_subject(store, reader, "HCC-002")
    add_demo_timepoint(store, trial.admin, demo_truth()["HCC-002"][2])
    read_subject(store, trial.reader1, "HCC-002")
    record_demo_clinical(store, trial.coordinator, TODAY)
    read_subject(store, trial.reader1, "HCC-001")
    read_subject(store, trial.reader2, "HCC-001", MISSED_RESPONSE)
    read_subject(store, trial.reader1, "HCC-003")
    choice = ""
    for task in open_adjudications(store, trial.adjudicator):
        view = get_adjudication(store, trial.adjudicator, task.adjudication_id)
        choice = "A" if view.result_a["timepoints"][1]["overall_response"] == "PR" else "B"
        adjudicate(store, trial.adjudicator, task.adjudication_id, choice, RATIONALE, PASSWORD)
    images = {code: save_key_images(store, trial.reader1, code, 6, size=256)
              for code in ("HCC-001", "HCC-002")}
    yield PrintedTrial(trial, choice, images)
    store.close()
    with open_store(trial.path) as reopened:
        found = check_store(reopened)
    assert found.is_intact, [str(d) for d in found.discrepancies] or found.chain
