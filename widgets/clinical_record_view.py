"""The coordinator's view of one subject's clinical record, with what is derived from it.

Public API: ``ClinicalRecordView(QWidget)`` with ``show_overview(overview)`` (a
``core.clinical.overview.ClinicalOverview``), ``overview``, ``show_tab(title)``, the
``tabs`` (``TAB_TITLES``), every list's ``EntryTable`` in ``tables`` by kind, the pages
``eligibility``, ``baseline``, ``proposed`` and ``timeline``, and the signals:

- ``add_requested(ClinicalKind)``, ``edit_requested(ClinicalKind, int entry_id)``,
  ``delete_requested(ClinicalKind, int entry_id)``: from every list's buttons and keys
  (Insert, Enter / F2, Delete on the focused table); never for a locked entry;
- ``confirm_requested(ProposedEvent)``, ``dismiss_requested(ProposedEvent)``,
  ``withdraw_requested(int entry_id)``: from the proposed adverse events.

A header line names the subject, the screening outcome (enrolment date), the data cut-off
and the worst lab grade per term; the tabs hold eligibility, baseline, treatment, labs,
adverse events, the proposed events, end of treatment and follow-up, and the timeline
(``widgets.subject_timeline``). The view shows values and asks; whoever owns it opens the
forms, calls the actions and shows the next overview. Light paper with dark ink, as the
coordinator's board.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.clinical.overview import ClinicalOverview
from core.model.clinical_record import ClinicalKind
from widgets.baseline_page import BaselinePage
from widgets.eligibility_page import EligibilityPage
from widgets.proposed_events import ProposedEventsPanel
from widgets.record_rows import (
    AE_COLUMNS,
    DOSE_COLUMNS,
    EOT_COLUMNS,
    FOLLOW_UP_COLUMNS,
    LAB_COLUMNS,
    LAB_DATE_COLUMN,
    SCREENING_COLUMNS,
    SESSION_COLUMNS,
    adverse_event_rows,
    dose_rows,
    end_of_treatment_rows,
    follow_up_rows,
    lab_rows,
    screening_rows,
    session_rows,
)
from widgets.record_table import MUTED_INK, PAPER_STYLE, EntryRow, EntryTable
from widgets.record_text import cut_off_text, screening_text, worst_grades_text
from widgets.subject_timeline import SubjectTimeline

TAB_TITLES = ("Eligibility", "Baseline", "Treatment", "Labs", "Adverse events",
              "Proposed AEs", "End of treatment & follow-up", "Timeline")
# A tab's text takes "&" for a shortcut mark; "&&" shows one "&".
_TAB_TEXT = {title: title.replace("&", "&&") for title in TAB_TITLES}
NO_TIMELINE = ("No timeline: the timeline counts from the enrolment, and this subject has "
               "no enrolment recorded.")


def _boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


def _page(*widgets: tuple[QWidget, int]) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(6, 6, 6, 6)
    for widget, stretch in widgets:
        layout.addWidget(widget, stretch)
    return page


class ClinicalRecordView(QWidget):
    """One subject's clinical record in tabs, under a header line (module docstring)."""

    add_requested = Signal(object)
    edit_requested = Signal(object, int)
    delete_requested = Signal(object, int)
    confirm_requested = Signal(object)
    dismiss_requested = Signal(object)
    withdraw_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clinicalPaper")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(PAPER_STYLE)
        self._overview: ClinicalOverview | None = None
        self.title = QLabel("No subject shown")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.status = QLabel()
        self.worst = QLabel()
        for label in (self.status, self.worst):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.worst.setStyleSheet(f"color: {MUTED_INK};")

        self.eligibility = EligibilityPage()
        self.baseline = BaselinePage()
        self.proposed = ProposedEventsPanel()
        self.timeline = SubjectTimeline()
        self.no_timeline = QLabel(NO_TIMELINE)
        self.no_timeline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_timeline.setWordWrap(True)
        self.timeline_stack = QStackedWidget()
        self.timeline_stack.addWidget(self.no_timeline)
        self.timeline_stack.addWidget(self.timeline)
        self.tables: dict[ClinicalKind, EntryTable] = {
            ClinicalKind.ELIGIBILITY: self.eligibility.checked,
            ClinicalKind.SCREENING: EntryTable(
                ClinicalKind.SCREENING, SCREENING_COLUMNS, single=True, compact=True,
                empty_text="No screening outcome recorded yet."),
            ClinicalKind.BASELINE: self.baseline.entries,
            ClinicalKind.TREATMENT_SESSION: EntryTable(
                ClinicalKind.TREATMENT_SESSION, SESSION_COLUMNS,
                empty_text="No DEB-TACE session recorded yet."),
            ClinicalKind.DOSE: EntryTable(
                ClinicalKind.DOSE, DOSE_COLUMNS, wrap=True,
                empty_text="No study drug dose recorded yet."),
            ClinicalKind.LAB: EntryTable(
                ClinicalKind.LAB, LAB_COLUMNS, sort_column=LAB_DATE_COLUMN,
                empty_text="No lab value recorded yet."),
            ClinicalKind.ADVERSE_EVENT: EntryTable(
                ClinicalKind.ADVERSE_EVENT, AE_COLUMNS, wrap=True,
                empty_text="No adverse event recorded yet."),
            ClinicalKind.END_OF_TREATMENT: EntryTable(
                ClinicalKind.END_OF_TREATMENT, EOT_COLUMNS, single=True, compact=True,
                empty_text="No end of treatment recorded: the subject is on treatment."),
            ClinicalKind.FOLLOW_UP: EntryTable(
                ClinicalKind.FOLLOW_UP, FOLLOW_UP_COLUMNS,
                empty_text="No follow-up contact recorded yet."),
            ClinicalKind.LAB_EVENT_DISMISSAL: self.proposed.dismissals,
        }
        table = self.tables
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.eligibility.add_below_checked(
            _boxed("Screening outcome", table[ClinicalKind.SCREENING]))
        pages = (
            _page((self.eligibility, 1)),
            _page((self.baseline, 1)),
            _page((_boxed("DEB-TACE sessions", table[ClinicalKind.TREATMENT_SESSION]), 1),
                  (_boxed("Study drug doses, with the relative dose intensity (RDI)",
                          table[ClinicalKind.DOSE]), 1)),
            _page((_boxed("Lab values, graded by CTCAE v4.03 (grade 3 or more in red)",
                          table[ClinicalKind.LAB]), 1)),
            _page((_boxed("Adverse events (CTCAE v4.03; grade 3 or more and serious events "
                          "in red)", table[ClinicalKind.ADVERSE_EVENT]), 1)),
            _page((self.proposed, 1)),
            _page((_boxed("End of treatment", table[ClinicalKind.END_OF_TREATMENT]), 0),
                  (_boxed("Follow-up contacts", table[ClinicalKind.FOLLOW_UP]), 1)),
            _page((self.timeline_stack, 1)),
        )
        for page, title in zip(pages, TAB_TITLES, strict=True):
            self.tabs.addTab(page, _TAB_TEXT[title])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(self.worst)
        layout.addWidget(self.tabs, 1)
        for kind, entries in self.tables.items():
            if kind is ClinicalKind.LAB_EVENT_DISMISSAL:
                continue  # its one button is Withdraw…, below
            entries.add_requested.connect(self.add_requested)
            entries.edit_requested.connect(self.edit_requested)
            entries.delete_requested.connect(self.delete_requested)
        self.proposed.confirm_requested.connect(self.confirm_requested)
        self.proposed.dismiss_requested.connect(self.dismiss_requested)
        self.proposed.withdraw_requested.connect(self.withdraw_requested)

    # -- showing -----------------------------------------------------------------------
    @property
    def overview(self) -> ClinicalOverview | None:
        """The overview shown, or None before the first."""
        return self._overview

    def show_overview(self, overview: ClinicalOverview) -> None:
        """Show *overview* in every tab; the tab and each list's selection stay."""
        self._overview = overview
        record = overview.record
        cut_off = record.cut_off_date
        self.title.setText(f"{overview.subject} · clinical record")
        self.status.setText(f"{screening_text(record)} · {cut_off_text(cut_off)}")
        self.worst.setText("Worst lab grade per term (CTCAE v4.03): "
                           f"{worst_grades_text(overview.worst_grades)}")
        self.eligibility.show_overview(overview)
        self.baseline.show_overview(overview)
        self.proposed.show_overview(overview)
        rows: dict[ClinicalKind, list[EntryRow]] = {
            ClinicalKind.SCREENING: screening_rows(overview),
            ClinicalKind.TREATMENT_SESSION: session_rows(overview),
            ClinicalKind.DOSE: dose_rows(overview),
            ClinicalKind.LAB: lab_rows(overview),
            ClinicalKind.ADVERSE_EVENT: adverse_event_rows(overview),
            ClinicalKind.END_OF_TREATMENT: end_of_treatment_rows(overview),
            ClinicalKind.FOLLOW_UP: follow_up_rows(overview),
        }
        for kind, kind_rows in rows.items():
            self.tables[kind].set_rows(kind_rows, cut_off)
        waiting = len(overview.proposals)
        self.tabs.setTabText(TAB_TITLES.index("Proposed AEs"),
                             f"Proposed AEs ({waiting})" if waiting else "Proposed AEs")
        if overview.timeline is not None:
            self.timeline.show_timeline(overview.timeline)
            self.timeline_stack.setCurrentWidget(self.timeline)
        else:
            self.timeline_stack.setCurrentWidget(self.no_timeline)

    def show_tab(self, title: str) -> None:
        """Bring the tab *title* (one of ``TAB_TITLES``) to the front."""
        self.tabs.setCurrentIndex(TAB_TITLES.index(title))

    def header_text(self) -> str:
        """The header's lines, as shown."""
        return "\n".join(label.text() for label in (self.title, self.status, self.worst))
