"""Clinical overviews for the record view's tests: the demo's, through the actions on a copy
of the demo store, and hand-built records with what the demo lacks (a grade-3 lab, a data
cut-off, a creatinine for the CrCl, a criterion not met)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from core.actions import subject_overview
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.clinical.overview import ClinicalOverview, clinical_overview
from core.model.clinical_record import (
    AdverseEvent,
    AeAction,
    AeOutcome,
    Ascites,
    BaselineCharacteristics,
    ClinicalEntry,
    ClinicalLock,
    ClinicalRecord,
    CriterionStatus,
    DismissedLabEvent,
    DoseRecord,
    Eligibility,
    Encephalopathy,
    Etiology,
    LabResult,
    Pvtt,
    Relatedness,
    Route,
    Screening,
    ScreeningOutcome,
    Sex,
)
from core.model.trial import Session
from core.store import Store, login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER

D = Decimal
SUBJECT = "HCC-101"
ENROLLED = dt.date(2026, 1, 8)
CUT_OFF = dt.date(2026, 2, 1)
# A "today" after every demo date, for the actions' future-date check.
TODAY = dt.date(2026, 12, 1)


@contextmanager
def demo_store(data_dir: Path) -> Iterator[tuple[Store, Session]]:
    """The demo store of a test's own data folder, and the coordinator's session."""
    store = open_store(data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME)
    try:
        yield store, login(store, "coordinator", DEMO_PASSWORD)
    finally:
        store.close()


def demo_overviews(data_dir: Path) -> dict[str, ClinicalOverview]:
    """Each demo subject's overview, as the coordinator's screen gets it."""
    with demo_store(data_dir) as (store, session):
        return {code: subject_overview(store, session, code)
                for code in ("HCC-001", "HCC-002", "HCC-003")}


def _entry(entry_id: int, value: object, locked: bool = False) -> ClinicalEntry:
    return ClinicalEntry(entry_id, SUBJECT, value, locked)  # type: ignore[arg-type]


BASELINE = BaselineCharacteristics(
    50, Sex.MALE, Etiology.HBV, 0, D("17"), D("40"), D("1.1"), Ascites.NONE,
    Encephalopathy.NONE, D("12"), D("80"), D("175"), 1, D("30"), D("30"), Pvtt.ABSENT,
    False, False)
# Every lab criterion evaluable and met (CrCl: 90 × 80 / 72 = 100 mL/min).
BASELINE_LABS = (
    LabResult(dt.date(2026, 1, 5), "NEUT", D("3.1"), "10^9/L", D("1.8"), D("7.5"), True),
    LabResult(dt.date(2026, 1, 5), "PLAT", D("160"), "10^9/L", D("150"), D("400"), True),
    LabResult(dt.date(2026, 1, 5), "BILI", D("17"), "umol/L", D("3"), D("21"), True),
    LabResult(dt.date(2026, 1, 5), "ALT", D("35"), "U/L", D("5"), D("40"), True),
    LabResult(dt.date(2026, 1, 5), "AST", D("38"), "U/L", D("5"), D("40"), True),
    LabResult(dt.date(2026, 1, 5), "CREAT", D("1.0"), "mg/dL", D("0.6"), D("1.2"), True),
    LabResult(dt.date(2026, 1, 5), "INR", D("1.1"), "ratio", D("0.8"), D("1.2"), True),
)
# After the cut-off: a platelet count of 48 (grade 3) and, before it, a locked AST rise.
LATER_LABS = (
    LabResult(dt.date(2026, 2, 20), "PLAT", D("48"), "10^9/L", D("150"), D("400")),
    LabResult(dt.date(2026, 1, 25), "AST", D("132"), "U/L", D("5"), D("40")),
)
LOCKED_LAB_ID = 102  # the AST of 2026-01-25, behind the cut-off
GRADE_3_LAB_ID = 101
PRESCRIBED = D("1176")


def _lab_id(index: int, lab: LabResult) -> int:
    if lab == LATER_LABS[0]:
        return GRADE_3_LAB_ID
    if lab == LATER_LABS[1]:
        return LOCKED_LAB_ID
    return 70 + index


def hand_built(*, criteria: tuple[tuple[str, CriterionStatus], ...] = (
        ("IN01", CriterionStatus.MET), ("EX07", CriterionStatus.MET)),
        labs: tuple[LabResult, ...] = BASELINE_LABS + LATER_LABS,
        locked: bool = True, dismissal: bool = False,
        taken: Decimal = PRESCRIBED) -> ClinicalOverview:
    """A subject with every lab criterion computable, a grade-3 platelet count after a data
    cut-off of 2026-02-01 (everything before it locked), one adverse event and a dose."""
    def lock(day: dt.date | None) -> bool:
        return locked and (day is None or day <= CUT_OFF)

    eligibility = tuple(_entry(index, Eligibility(code, status, f"note on {code}"),
                               lock(None))
                        for index, (code, status) in enumerate(criteria, start=1))
    lab_entries = tuple(_entry(_lab_id(index, lab), lab, lock(lab.visit_date))
                        for index, lab in enumerate(labs))
    event = AdverseEvent(
        "Aspartate aminotransferase increased", 2, dt.date(2026, 1, 25), False,
        (("anlotinib", Relatedness.UNLIKELY), ("DEB-TACE", Relatedness.PROBABLE)),
        AeAction.NOT_APPLICABLE, AeOutcome.RECOVERED, dt.date(2026, 2, 10))
    dose = DoseRecord("anlotinib", dt.date(2026, 1, 11), PRESCRIBED, taken, "mg",
                      Route.ORAL, dt.date(2026, 1, 31))
    record = ClinicalRecord(
        SUBJECT,
        eligibility=eligibility,
        screening=_entry(20, Screening(ScreeningOutcome.ENROLLED, ENROLLED), lock(None)),
        baseline=_entry(30, BASELINE, lock(None)),
        doses=(_entry(40, dose, lock(dose.start_date)),),
        labs=lab_entries,
        adverse_events=(_entry(50, event, lock(event.onset_date)),),
        locks=(ClinicalLock(CUT_OFF, SUBJECT, "2026-02-02T09:00:00Z", "coordinator"),)
        if locked else (),
        dismissals=(_entry(60, DismissedLabEvent(
            "Platelet count decreased", dt.date(2026, 2, 20), "clumped sample, repeat "
            "normal", 3), False),) if dismissal else ())
    return clinical_overview(record)


def click_row(qtbot, table: QTableWidget, row: int, column: int = 1) -> None:
    """Click a cell of *table* as a user would (the table must be shown)."""
    item = table.item(row, column)
    assert item is not None
    rect = table.visualItemRect(item)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
