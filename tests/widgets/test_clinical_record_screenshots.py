"""Pictures of the clinical record view on the demo trial, as a coordinator preparing a
monitoring visit sees it: HCC-001 read by both readers (so its timeline has the final
read's responses) and locked at a data cut-off of 2026-02-20, HCC-002 with one lab episode
dismissed and one still proposed. They go to docs/screenshots/ only when asked
(MRECIST_WRITE_SCREENSHOTS=1), else to the test's own folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from clinical_records import TODAY, demo_store

from core.actions import lock_clinical, record_lab_event_dismissal, subject_overview
from core.actions.demo import DEMO_PASSWORD
from core.model.clinical_record import ClinicalKind, DismissedLabEvent
from core.model.timeline import MarkKind
from core.store import login
from widgets.clinical_record_view import ClinicalRecordView

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CUT_OFF = dt.date(2026, 2, 20)


def test_screenshots_of_the_clinical_record(qtbot, demo_data_dir, monkeypatch, tmp_path):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    folder = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    with demo_store(demo_data_dir) as (store, coordinator):
        for reader in ("reader1", "reader2"):
            store_demo_reading.read_subject(store, login(store, reader, DEMO_PASSWORD),
                                            "HCC-001")
        lock_clinical(store, coordinator, "HCC-001", CUT_OFF, today=TODAY)
        platelets = next(p for p in subject_overview(store, coordinator, "HCC-002").proposals
                         if p.term == "Platelet count decreased")
        record_lab_event_dismissal(store, coordinator, "HCC-002", DismissedLabEvent(
            platelets.term, platelets.onset, "known hypersplenism, stable since screening",
            platelets.grade),
            today=TODAY)
        first = subject_overview(store, coordinator, "HCC-001")
        second = subject_overview(store, coordinator, "HCC-002")
    assert first.timeline is not None
    assert [m.label for m in first.timeline.marks if m.kind is MarkKind.ASSESSMENT] == [
        "baseline", "PR", "CR"]

    view = ClinicalRecordView()
    qtbot.addWidget(view)
    view.resize(1180, 660)
    view.show()
    qtbot.waitExposed(view)
    view.show_overview(first)
    labs = view.tables[ClinicalKind.LAB]
    # The screening, baseline and week-6 samples: on or before the cut-off.
    assert sum(row.locked for row in labs.rows) == 9
    # The week-12 AST, after the cut-off, selected: it alone may be edited.
    week_12_ast = next(lab.entry.entry_id for lab in first.labs
                       if lab.entry.value.test_code == "AST" and not lab.entry.is_locked)
    assert labs.select_entry(week_12_ast)
    assert labs.edit_button.isEnabled()
    for title, name in (("Labs", "clinical-record-labs.png"),
                        ("Eligibility", "clinical-eligibility.png"),
                        ("Baseline", "clinical-baseline.png"),
                        ("Timeline", "clinical-timeline.png"),
                        ("Treatment", "treatment.png"), ("Adverse events", "events.png"),
                        ("End of treatment & follow-up", "follow-up.png")):
        view.show_tab(title)
        qtbot.wait(50)
        # Only the five named clinical-* go to the documentation; the others are looked at.
        target = folder if name.startswith("clinical-") else tmp_path
        assert view.grab().save(str(target / name))
    view.show_overview(second)
    view.show_tab("Proposed AEs")
    assert [p.term for p in view.proposed.shown_proposals] == [
        "Aspartate aminotransferase increased"]
    assert len(view.proposed.dismissals.rows) == 1
    qtbot.wait(50)
    assert view.grab().save(str(folder / "clinical-proposed-aes.png"))
