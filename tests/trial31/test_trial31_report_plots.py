"""The trial report's figures in the application (issue #14 item 3), drawn from the same
data as the PDF, on the 31-subject store: every subject with an evaluable change a bar in
its response's colour, the -30 % and +20 % lines, both survival curves as steps with their
censoring ticks, one swimmer lane per subject, and the rates with their denominators."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from trial31_generator import COORDINATOR

from core.actions import trial_report_data
from core.store import login, open_store
from widgets.report_plots import RESPONSE_COLOURS, ReportPlots


@pytest.fixture
def report(trial31_template):
    with open_store(trial31_template.path) as store:
        return trial_report_data(store, login(store, COORDINATOR, trial31_template.password))


def test_the_figures_hold_every_subject_and_the_rates_their_denominators(qtbot, report):
    plots = ReportPlots()
    qtbot.addWidget(plots)
    plots.resize(1000, 700)
    plots.show()
    plots.show_report(report)
    assert "ORR 20/31 (64.5 %; 95 % CI 45.4-80.8)" in plots.rates.text()
    assert "DCR 24/31 (77.4 %; 95 % CI 58.9-90.4)" in plots.rates.text()
    drawn = plots.drawn()
    bars = [item for item in drawn["waterfall"] if item[0] != "line"]
    assert len(bars) == len(report.waterfall.bars) == 31
    heights = [height for _, _, height in bars]
    assert heights == sorted(heights, reverse=True)  # largest increase first
    assert sorted(y for what, _, y in drawn["waterfall"] if what == "line") == [-30.0, 20.0]
    assert {what.split()[1] for what, _, _ in bars} == {"CR", "PR", "SD", "PD"}
    assert set(RESPONSE_COLOURS) >= {bar.best for bar in report.waterfall.bars}
    for endpoint, figure in (("PFS", report.pfs), ("OS", report.os)):
        points = [(x, y) for what, x, y in drawn["survival"] if what == endpoint]
        assert points[0] == (0.0, 100.0)
        # A step: each time appears twice, first at the level before it.
        times = [x for x, _ in points[1:]]
        assert times == sorted(times)
        assert len(points) == 1 + 2 * (len(figure.curve) - 1)
        ticks = [what for what, _, _ in drawn["survival"] if what == f"{endpoint} censored"]
        assert len(ticks) == len(figure.censor_ticks)
    assert len(drawn["swimmer"]) == 31


def test_the_reports_page_updates_its_figures_off_the_gui_thread(qtbot, trial31, tmp_path):
    import os
    from pathlib import Path

    from desktop.coordinator_screen import CoordinatorScreen

    with open_store(trial31.path) as store:
        screen = CoordinatorScreen(store, login(store, COORDINATOR, trial31.password))
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.show()
        screen.pages.setCurrentWidget(screen.reports)
        page = screen.reports
        qtbot.mouseClick(page.update_button, Qt.MouseButton.LeftButton)
        assert page.is_busy or page.report is not None
        qtbot.waitUntil(lambda: page.report is not None, timeout=30_000)
        assert page.update_button.isEnabled()
        assert "ORR 20/31" in page.plots.rates.text()
        folder = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
                  if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path)
        for tab in range(page.plots.tabs.count()):
            page.plots.tabs.setCurrentIndex(tab)
            qtbot.wait(50)
            name = page.plots.tabs.tabText(tab).lower().replace("-", "")
            assert screen.grab().save(str(folder / f"reports-{name}.png"))


def _pdf_text(path):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_the_coordinator_prints_a_case_summary_from_the_board_and_the_trial_report(
        qtbot, trial31, tmp_path):
    from desktop.coordinator_screen import CoordinatorScreen

    with open_store(trial31.path) as store:
        screen = CoordinatorScreen(store, login(store, COORDINATOR, trial31.password))
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.show()
        qtbot.waitExposed(screen)
        board = screen.board
        row = board.row_of("HCC-001")
        item = board.grid.item(row, 0)
        qtbot.mouseClick(board.grid.viewport(), Qt.MouseButton.LeftButton,
                         pos=board.grid.visualItemRect(item).center())
        asked: list[str] = []

        def ask(suggested: str):
            asked.append(suggested)
            return tmp_path / suggested

        screen.ask_pdf_path = ask
        qtbot.mouseClick(board.print_button, Qt.MouseButton.LeftButton)
        assert screen.wait(60)
        qtbot.waitUntil(lambda: not screen.is_busy)
        assert asked == ["case-summary-HCC-001.pdf"]
        case = tmp_path / "case-summary-HCC-001.pdf"
        assert "HCC-001" in _pdf_text(case)
        assert screen.message.text().startswith("Printed ")
        assert str(case) in screen.message.text()
        # The trial report, from the Reports page, on Letter paper.
        screen.pages.setCurrentWidget(screen.reports)
        page = screen.reports
        page.ask_pdf_path = ask
        page.paper.setCurrentIndex(page.paper.findText("Letter"))
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.is_busy, timeout=60_000)
        report = tmp_path / "trial-report.pdf"
        text = _pdf_text(report)
        assert "20/31 (64.5 %" in text
        from pypdf import PdfReader

        width = float(PdfReader(report).pages[0].mediabox.width)
        assert round(width) == 612  # US Letter, 8.5 in
        assert "Printed" in page.message.text()
