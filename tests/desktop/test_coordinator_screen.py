"""The coordinator's screen on the real demo store, driven by clicks and keys (issue #12
item 3): statuses without measurements, set-up through the dialogs, the same reader twice
refused in the store's words, a backup that is a valid store, finals once decided."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from core.actions import get_read, my_tasks
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.store import login, open_store, open_store_read_only
from core.store.integrity import check_store
from desktop.coordinator_screen import CoordinatorScreen, backup_folder
from desktop.demo_data import DEMO_STORE_FOLDER

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def store_path(data_dir: Path) -> Path:
    return data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME


@pytest.fixture
def demo_store(demo_data_dir, monkeypatch):
    import store_demo_reading

    monkeypatch.setattr(store_demo_reading, "PASSWORD", DEMO_PASSWORD)
    store = open_store(store_path(demo_data_dir))
    yield store
    store.close()


@pytest.fixture
def warnings_shown(monkeypatch):
    """What the error boundary would have shown in a message box (it would block)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, title, text: shown.append((title, text)))
    return shown


def _screen(qtbot, store) -> CoordinatorScreen:
    session = login(store, "coordinator", DEMO_PASSWORD)
    screen = CoordinatorScreen(store, session)
    qtbot.addWidget(screen)
    screen.resize(1280, 640)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _cell(screen: CoordinatorScreen, subject: str, label: str) -> str:
    grid = screen.board.grid
    row = screen.board.row_of(subject)
    column = next(c for c in range(grid.columnCount())
                  if grid.horizontalHeaderItem(c).text() == label)
    return grid.item(row, column).text()


def _click_ok(qtbot, buttons: QDialogButtonBox) -> None:
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)


_ORIGINAL_FACTORIES: dict[str, object] = {}


def _with_dialog(qtbot, monkeypatch, factory_name: str, fill) -> None:
    """Let the board's dialog *factory_name* be filled by *fill* (which clicks its buttons)
    when the board opens it; exec() then returns as the click decided."""
    from widgets import coordinator_board

    board_class = coordinator_board.CoordinatorBoard
    original = _ORIGINAL_FACTORIES.setdefault(factory_name, getattr(board_class, factory_name))

    def opened(board):
        dialog = original(board)
        original_exec = dialog.exec

        def run():
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, lambda: fill(dialog))
            return original_exec()
        dialog.exec = run
        return dialog
    monkeypatch.setattr(board_class, factory_name, opened)


def test_statuses_show_and_no_measurement_of_either_read(qtbot, demo_store):
    import store_demo_reading

    reader1 = login(demo_store, "reader1", DEMO_PASSWORD)
    reader2 = login(demo_store, "reader2", DEMO_PASSWORD)
    store_demo_reading.read_subject(demo_store, reader1, "HCC-001", upto=1)
    store_demo_reading.read_subject(demo_store, reader2, "HCC-001", upto=1, sign_last=False)
    screen = _screen(qtbot, demo_store)
    baseline = _cell(screen, "HCC-001", "Baseline")
    assert "R1 signed" in baseline
    assert "R2 in progress" in baseline
    assert "R1 not started" in _cell(screen, "HCC-001", "Week 6")
    texts = screen.board.visible_texts()
    numbers = set()
    for session in (reader1, reader2):
        task_id = next(t.task_id for t in my_tasks(demo_store, session)
                       if t.subject == "HCC-001")
        read = get_read(demo_store, session, task_id)
        assert read.measurements
        for m in read.measurements:
            numbers |= {f"{m.length_mm:.2f}", f"{m.length_mm:.1f}", f"{m.length_mm:g}"}
        numbers |= {str(lesion.lesion_id) for lesion in read.lesions}
    words = {word for text in texts for word in re.split(r"[\s/()·:;,]+", text)}
    assert not [t for t in texts if re.search(r"\bmm\b", t)]
    assert not numbers & words
    assert not [label for label in ("T1", "T2", "NT1", "N1") if label in words]


def test_register_a_subject_and_a_timepoint_through_the_dialogs(qtbot, demo_store,
                                                                  monkeypatch,
                                                                  warnings_shown):
    screen = _screen(qtbot, demo_store)

    def fill_subject(dialog):
        qtbot.keyClicks(dialog.code_field, "HCC-004")
        _click_ok(qtbot, dialog.buttons)
    _with_dialog(qtbot, monkeypatch, "subject_dialog", fill_subject)
    qtbot.mouseClick(screen.board.register_button, Qt.MouseButton.LeftButton)
    assert screen.board.row_of("HCC-004") >= 0
    assert screen.board.selected_subject() == "HCC-004"

    def fill_timepoint(dialog):
        assert dialog.subject() == "HCC-004"
        qtbot.keyClicks(dialog.label_field, "Baseline")
        dialog.date_field.setFocus()
        dialog.date_field.setSelectedSection(dialog.date_field.Section.YearSection)
        qtbot.keyClicks(dialog.date_field, "2026")
        dialog.date_field.setSelectedSection(dialog.date_field.Section.MonthSection)
        qtbot.keyClicks(dialog.date_field, "05")
        dialog.date_field.setSelectedSection(dialog.date_field.Section.DaySection)
        qtbot.keyClicks(dialog.date_field, "04")
        dialog.week_field.setFocus()
        dialog.week_field.selectAll()
        qtbot.keyClicks(dialog.week_field, "0")
        _click_ok(qtbot, dialog.buttons)
    _with_dialog(qtbot, monkeypatch, "timepoint_dialog", fill_timepoint)
    qtbot.mouseClick(screen.board.timepoint_button, Qt.MouseButton.LeftButton)
    assert warnings_shown == []
    subject = screen.board.board.subject("HCC-004")
    assert [(tp.label, tp.date.isoformat(), tp.nominal_week) for tp in subject.timepoints] \
        == [("Baseline", "2026-05-04", 0)]
    cell = _cell(screen, "HCC-004", "Baseline")
    assert "R1 not assigned" in cell
    assert "2026-05-04" in cell
    # A refusal is shown in the store's words: the same code again.
    qtbot.mouseClick(screen.board.register_button, Qt.MouseButton.LeftButton)
    assert warnings_shown == [("Register subject", "subject 'HCC-004': already registered")]


def test_the_same_reader_twice_is_refused_in_the_store_s_words(qtbot, demo_store,
                                                               monkeypatch, warnings_shown):
    screen = _screen(qtbot, demo_store)
    screen.register_subject("HCC-005")
    assert screen.board.selected_subject() == "HCC-005"

    def fill(dialog):
        dialog.choose(1, "reader1")
        dialog.choose(2, "reader1")
        _click_ok(qtbot, dialog.buttons)
    _with_dialog(qtbot, monkeypatch, "assignment_dialog", fill)
    qtbot.mouseClick(screen.board.assign_button, Qt.MouseButton.LeftButton)
    assert warnings_shown == [(
        "Assign readers", "subject 'HCC-005' reader 2: 'reader1' already reads this "
        "subject; the two reads must be independent")]
    subject = screen.board.board.subject("HCC-005")
    assert (subject.reader_1, subject.reader_2) == (None, None)  # nothing changed

    def fill_right(dialog):
        dialog.choose(1, "reader2")
        dialog.choose(2, "reader1")
        _click_ok(qtbot, dialog.buttons)
    _with_dialog(qtbot, monkeypatch, "assignment_dialog", fill_right)
    qtbot.mouseClick(screen.board.assign_button, Qt.MouseButton.LeftButton)
    subject = screen.board.board.subject("HCC-005")
    assert (subject.reader_1, subject.reader_2) == ("reader2", "reader1")
    assert "R1 reader2" in screen.board.grid.item(screen.board.row_of("HCC-005"), 1).text()


def test_back_up_now_writes_a_valid_store(qtbot, demo_store, warnings_shown):
    screen = _screen(qtbot, demo_store)
    qtbot.mouseClick(screen.board.backup_button, Qt.MouseButton.LeftButton)
    assert screen.is_busy
    assert not screen.board.backup_button.isEnabled()
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=30_000)
    assert warnings_shown == []
    (made,) = backup_folder(demo_store).glob("*.sqlite")
    assert screen.message.text() == f"Backup written: {made}"
    with open_store_read_only(made) as copy:
        found = check_store(copy, [made.with_name(made.name + ".anchor")])
    assert found.chain.is_intact
    assert found.anchors_checked == 1
    # The one finding: no checkpoint file beside a backup (it keeps its own .anchor).
    assert [d.what for d in found.discrepancies] == ["anchors"]
    assert screen.board.backup_button.isEnabled()


def test_import_dicom_into_a_chosen_subject_and_timepoint(qtbot, demo_store, small_mr_study,
                                                          warnings_shown):
    screen = _screen(qtbot, demo_store)
    screen.register_subject("HCC-006")
    import datetime as dt

    screen.add_timepoint("HCC-006", "Baseline", dt.date(2026, 6, 1), 0)
    screen.ask_paths = lambda: [small_mr_study.folder]
    screen.board.select_subject("HCC-006")
    qtbot.mouseClick(screen.board.import_button, Qt.MouseButton.LeftButton)
    dialog = screen.import_dialog
    assert dialog is not None
    open_button = dialog._buttons.button(QDialogButtonBox.StandardButton.Open)
    qtbot.waitUntil(open_button.isEnabled, timeout=30_000)
    qtbot.mouseClick(open_button, Qt.MouseButton.LeftButton)
    target = screen.target_dialog
    assert target is not None
    assert target.target() == ("HCC-006", "Baseline")
    _click_ok(qtbot, target.buttons)
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=60_000)
    assert warnings_shown == []
    assert "imported HCC-006 Baseline" in screen.message.text()
    assert "skipped" not in screen.message.text()


def test_final_responses_appear_once_a_cycle_is_decided(qtbot, demo_store):
    import store_demo_reading

    screen = _screen(qtbot, demo_store)
    assert "final" not in _cell(screen, "HCC-002", "Week 6")
    for login_name in ("reader1", "reader2"):
        session = login(demo_store, login_name, DEMO_PASSWORD)
        store_demo_reading.read_subject(demo_store, session, "HCC-002", upto=2)
    qtbot.mouseClick(screen.board.refresh_button, Qt.MouseButton.LeftButton)
    subject = screen.board.board.subject("HCC-002")
    response = subject.timepoints[1].final_response
    assert response
    assert f"final: {response}" in _cell(screen, "HCC-002", "Week 6")
    assert "final (baseline)" in _cell(screen, "HCC-002", "Baseline")
    assert "final" not in _cell(screen, "HCC-002", "Week 12")
    best = screen.board.grid.item(screen.board.row_of("HCC-002"),
                                  screen.board.grid.columnCount() - 1).text()
    assert best == f"{subject.best_response}\nconcordant through Week 6"
    assert "adjudication rate: 0 of 1 subjects with a final result (0 %)" in \
        screen.board.summary.text()


def test_screenshot_of_the_coordinator_board(qtbot, demo_store, tmp_path):
    import store_demo_reading

    screenshots = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    reader1 = login(demo_store, "reader1", DEMO_PASSWORD)
    reader2 = login(demo_store, "reader2", DEMO_PASSWORD)
    # HCC-001 discordant at week 6 (an open adjudication), HCC-002 concordant through week 6,
    # HCC-003 part read: every state shows.
    store_demo_reading.read_subject(demo_store, reader1, "HCC-001", upto=2)
    store_demo_reading.read_subject(demo_store, reader2, "HCC-001",
                                    {("Week 6", "T1", "viable"): 40.0}, upto=2)
    store_demo_reading.read_subject(demo_store, reader1, "HCC-002", upto=2)
    store_demo_reading.read_subject(demo_store, reader2, "HCC-002", upto=2)
    store_demo_reading.read_subject(demo_store, reader1, "HCC-003", upto=1)
    store_demo_reading.read_subject(demo_store, reader2, "HCC-003", upto=1, sign_last=False)
    screen = _screen(qtbot, demo_store)
    screen.register_subject("HCC-004")
    screen.resize(1000, 460)
    screen.board.grid.clearSelection()  # printed as it is, no row highlighted
    qtbot.wait(100)
    assert screen.grab().save(str(screenshots / "coordinator-board.png"))
