"""The main window: worklist on the left, the study's phases side by side in the centre.

Two ways in: a trial store (File ▸ Open trial…, ``--db``, ``--demo``), where the reader logs
in and reads from their worklist, and a study folder outside any trial (File ▸ Open study
folder…), shown in the viewer alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core import actions
from core.actions.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.dicom.headers import ImageHeader
from core.dicom.scan import ScanResult, scan
from core.dicom.study import ArterialPreview, FirstSlice, load_phases, load_study_phases
from core.dicom.volume import preview_volume
from core.dicom.workers import DecodeWorkers
from core.errors import CoreError, DicomImportError
from core.model.display import WindowPreset
from core.model.imaging import DISPLAY_ORDER, StudyRef
from core.model.reading import Role
from core.model.trial import AdjudicationTask, Session
from core.model.volume import Volume
from core.model.worklist import WorklistEntry, WorklistTimepoint
from core.progress import Progress
from core.store import trial_info
from desktop import last_place
from desktop.adjudication_view import AdjudicationScreen
from desktop.admin_screen import AdminScreen
from desktop.background_load import BackgroundLoad, Job, LoadCancelled
from desktop.backup_timer import BackupScheduler, default_backup_folder
from desktop.coordinator_screen import CoordinatorScreen
from desktop.errors import reported_errors
from desktop.import_dialog import ImportDialog
from desktop.login_dialog import ChangePasswordDialog, LoginDialog
from desktop.reading_view import ReadingView
from desktop.trial_session import TrialSession
from widgets.adjudication_queue import AdjudicationQueue
from widgets.phase_grid import PhaseGrid
from widgets.study_browser import StudyBrowser
from widgets.worklist import WorklistView

APP_TITLE = "mRECIST Workstation"

# Slice keys (they act on the viewers only): key, slices moved, the action's name. Every
# key of the window is a QAction; Help ▸ Keyboard shortcuts lists them from the actions.
SLICE_KEYS: tuple[tuple[str, int, str], ...] = (
    ("Up", -1, "Previous slice (phases follow)"), ("Down", 1, "Next slice (phases follow)"),
    ("PgUp", -10, "10 slices back"), ("PgDown", 10, "10 slices forward"),
)

# The viewers' mouse gestures (widgets.slice_viewer's ReadingViewBox binds them). They are
# no actions, so the help lists them from here, after the keys: (gesture, what it does).
MOUSE_GESTURES: tuple[tuple[str, str], ...] = (
    ("Wheel", "Previous / next slice (phases follow)"),
    ("Ctrl+wheel", "Zoom"),
    ("Left drag", "Window / level"),
    ("Middle drag", "Pan"),
    ("Right drag", "Zoom"),
    ("Left drag (caliper tool on)", "Draw the caliper; saved on release"),
    ("Left drag on a caliper's end", "Move that end; saved on release"),
    ("Left click, then A", "Suggest the lesion's diameters at the click"),
)
VIEWERS_SECTION = "Viewers (image area focused)"
READING_SECTION = "Reading a timepoint"


OnVolume = Callable[[Volume], None]
# The grid's caption of a study, given the header of the study's first image shown (None
# when none is, or it belongs to another study than the one loaded).
Caption = Callable[[ImageHeader | None], str]


@dataclass
class _Loading:
    """A background load the window is waiting for."""

    load: BackgroundLoad
    caption: Caption
    title: str
    shown: Callable[[list[Volume]], None]
    at_z_mm: float | None = None  # where to open, once the first phase is there
    arrived: list[Volume] = field(default_factory=list)
    first_image: ImageHeader | None = None  # the preview's header: it dates the study

    @property
    def context(self) -> str:
        """The grid's caption, from what has arrived so far."""
        return _caption_of(self.caption, self.first_image, self.arrived)


class MainWindow(QMainWindow):
    """The reading station's window (no business rules here: it wires widgets and core)."""

    def __init__(self, presets: Sequence[WindowPreset], *, interactive: bool = True) -> None:
        super().__init__()
        self._interactive = interactive
        # Kept for the window's lifetime: the next compressed study decodes at once.
        self._decode_workers = DecodeWorkers()
        self._presets = tuple(presets)
        self._current: StudyRef | None = None
        self.setWindowTitle(APP_TITLE)

        self.grid = PhaseGrid(columns=2)
        self.grid.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # One grid for both ways in: a study outside any trial shows it alone; a trial
        # timepoint shows it inside the reading view, beside the lesion and response panels.
        self._viewer_page = QWidget()
        viewer_layout = QVBoxLayout(self._viewer_page)
        viewer_layout.setContentsMargins(0, 0, 0, 0)
        viewer_layout.addWidget(self.grid)
        self._centre = QStackedWidget()
        self._centre.addWidget(self._viewer_page)
        self.setCentralWidget(self._centre)
        self.reading_view: ReadingView | None = None
        self.adjudication_screen: AdjudicationScreen | None = None
        # The coordinator's board or the admin's screens: one at a time, for the role.
        self.role_screen: CoordinatorScreen | AdminScreen | None = None
        self.backups: BackupScheduler | None = None

        self.browser = StudyBrowser()
        self.browser.study_selected.connect(self.open_study)
        # A trial's worklist (after log-in) or the studies of folders opened outside a trial.
        self.worklist = WorklistView()
        self.worklist.timepoint_chosen.connect(self.open_worklist_timepoint)
        self._lists = QStackedWidget()
        self._lists.addWidget(self.browser)
        self._lists.addWidget(self.worklist)
        # The adjudicator's queue of discordant subjects (#12).
        self.queue = AdjudicationQueue()
        self.queue.adjudication_chosen.connect(self.open_adjudication)
        self._lists.addWidget(self.queue)
        self.trial: TrialSession | None = None
        self.login_dialog: LoginDialog | None = None
        self.password_dialog: ChangePasswordDialog | None = None
        dock = QDockWidget("Worklist", self)
        dock.setObjectName("worklist")
        dock.setWidget(self._lists)
        self._dock = dock
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resizeDocks([dock], [330], Qt.Orientation.Horizontal)

        self._status = QLabel()
        self.statusBar().addWidget(self._status, 1)
        # Who is logged in stays in view whatever the status line says next (a reader at
        # a shared workstation must see whose read they are editing).
        self.user_label = QLabel()
        self.statusBar().addPermanentWidget(self.user_label)
        self._progress = QProgressBar()
        self._progress.setRange(0, 1000)
        self._progress.setMaximumWidth(200)
        self._progress.hide()
        self.statusBar().addPermanentWidget(self._progress)
        self._loading: _Loading | None = None
        self._loads: set[BackgroundLoad] = set()
        self._build_actions()
        self._apply_dark_palette()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the decoding workers with the window (a load still running is cancelled)."""
        if self._loading is not None:
            self._loading.load.cancel()
        self._loading = None
        self._decode_workers.close()
        self.close_trial()
        super().closeEvent(event)

    # -- studies ----------------------------------------------------------------------
    def set_worklist(self, studies: Sequence[StudyRef]) -> None:
        """Show *studies* in the worklist."""
        self.browser.set_studies(studies)

    def open_study(self, ref: StudyRef, at_z_mm: float | None = None) -> bool:
        """Load and show every phase of *ref*, at patient position *at_z_mm* if given.

        Interactive, the study loads in the background (see :meth:`_load`) and this returns
        True once loading has started; otherwise it loads at once and returns whether it
        worked.
        """
        caption = study_caption(ref.subject, ref.timepoint_label, ref.study_date)
        return self._open(ref.folder, ref.subject, ref.timepoint_label,
                          lambda _first_image: caption, at_z_mm, ref)

    def show_preview(self, header: ImageHeader, pixels: np.ndarray, context: str) -> None:
        """Show the first arterial image at once, while the rest of the study loads."""
        self.grid.set_volumes([preview_volume(header, pixels)], context)
        self._status.setText("Loading the study…")

    def open_folder(self, folder: Path) -> bool:
        """Open an arbitrary study folder (not on the worklist), as :meth:`open_study`.

        It is dated by its images' StudyDate, or not at all when they carry none: a date
        the reader sees must be the study's.
        """
        def caption(first_image: ImageHeader | None) -> str:
            date = dicom_date(first_image.study_date) if first_image is not None else None
            return study_caption(folder.name, "Study", date)

        return self._open(folder, folder.name, "Study", caption)

    def _open(self, folder: Path, subject: str, label: str, caption: Caption,
              at_z_mm: float | None = None, ref: StudyRef | None = None) -> bool:
        """Load the study in *folder*; *ref* is its worklist entry, if it has one."""
        self.close_reading()
        def job(progress: Progress, first: FirstSlice, on_volume: OnVolume) -> list[Volume]:
            return load_study_phases(folder, progress, first, on_volume=on_volume,
                                     decode_workers=self._decode_workers)

        def shown(loaded: list[Volume]) -> None:
            self._current = ref
            if ref is not None:
                self.browser.select(ref)
            self.setWindowTitle(f"{APP_TITLE} — {subject} — {label}")
            phases = ", ".join(v.phase.label for v in loaded)
            self._status.setText(f"{subject} {label}: {phases}")

        return self._load(job, caption, "Open study", shown, at_z_mm)

    # -- the trial --------------------------------------------------------------------
    def open_trial(self, trial: TrialSession) -> None:
        """Make *trial* the open store (closing any other) and ask for a log-in."""
        self.close_trial()
        self.trial = trial
        trial.setParent(self)
        trial.locked.connect(self._on_locked)
        trial.ending.connect(self._before_session_ends)
        trial.logged_out.connect(self._on_logged_out)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(trial)  # every input event counts as presence
        self._clear_study()
        self.show_login()

    def close_trial(self) -> None:
        """Log out of the open trial and close its store."""
        if self.trial is None:
            return
        self.close_reading()  # its key images are filed while the store is open
        trial, self.trial = self.trial, None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(trial)
        trial.logged_out.disconnect(self._on_logged_out)
        trial.close()
        self._close_dialogs()
        self.worklist.set_entries(())
        self.queue.set_tasks(())
        self._lists.setCurrentWidget(self.browser)
        self.log_out_action.setEnabled(False)

    def show_login(self) -> None:
        """The log-in dialog of the open trial (the demo's log-ins in demo mode only)."""
        trial = self._trial()
        demo = [(a.login, a.display_name) for a in DEMO_ACCOUNTS] if trial.is_demo else []
        self._close_dialogs()
        self.login_dialog = LoginDialog(
            self._trial_name(), trial.log_in, demo_logins=demo,
            demo_password=DEMO_PASSWORD if trial.is_demo else "", parent=self)
        self.login_dialog.accepted.connect(self._after_login)
        self.login_dialog.rejected.connect(self._status_logged_out)
        self.login_dialog.open()

    def log_out(self) -> None:
        """End the session (File ▸ Log out); the log-in dialog comes back."""
        if self.trial is not None:
            self.close_reading()  # its key images are filed while the session lives
            self.trial.log_out()

    def _after_login(self) -> None:
        trial = self._trial()
        self.login_dialog = None
        if trial.must_change_password():
            assert trial.session is not None
            self.password_dialog = ChangePasswordDialog(trial.session.login,
                                                        trial.change_password, parent=self)
            self.password_dialog.accepted.connect(self._show_home)
            self.password_dialog.rejected.connect(self.log_out)
            self.password_dialog.open()
            return
        self._show_home()

    def _show_home(self) -> None:
        """After the log-in: a reader's worklist; other roles' screens come later."""
        trial = self._trial()
        session = trial.session
        assert session is not None
        self.login_dialog = self.password_dialog = None
        self.activateWindow()  # the keys act here once the log-in dialog has gone
        self.log_out_action.setEnabled(True)
        self._lists.setCurrentWidget(self.worklist)
        self._set_trial_visible(True)
        who = f"{session.display_name} ({session.login}, {session.role.value})"
        self.user_label.setText(who)
        self.setWindowTitle(f"{APP_TITLE} — {self._trial_name()} — {session.login}")
        if session.role in (Role.COORDINATOR, Role.ADMIN):
            self._show_role_screen(session)
            self._status.setText(f"Logged in as {who}")
            return
        self._dock.setWindowTitle("Adjudications" if session.role is Role.ADJUDICATOR
                                  else "Worklist")
        if session.role is Role.ADJUDICATOR:
            self._lists.setCurrentWidget(self.queue)
            self.refresh_queue()
            self._status.setText(f"Logged in as {who}")
            if self.adjudication_screen is not None:
                self.adjudication_screen.set_session(session)  # the idle lock's new log-in
            return
        if session.role is Role.READER:
            self.refresh_worklist()
            self._status.setText(f"Logged in as {who}")
            if self.reading_view is not None:
                self.reading_view.set_session(session)  # the idle lock's new log-in
                self.worklist.select(self.reading_view.reading.task_id,
                                     self.reading_view.timepoint_id)
                self.reading_view.take_focus()
            else:
                self.reopen_last_place()
        else:
            self.worklist.set_entries(())
            self._status.setText(f"Logged in as {who}: this role's screens are not in the "
                                 "application yet; use the mrecist command line")

    def _show_role_screen(self, session: Session) -> None:
        """The coordinator's board or the admin's screens in the centre (no study list);
        rotating backups on a timer while either is logged in (#12 item 4)."""
        trial = self._trial()
        self._dock.setVisible(False)
        if self.role_screen is not None:  # the idle lock's new log-in: continue there
            self.role_screen.set_session(session)
        else:
            self.close_reading()
            screen: CoordinatorScreen | AdminScreen | None = None
            with reported_errors(self, "Open", interactive=self._interactive):
                screen = (CoordinatorScreen(trial.store, session)
                          if session.role is Role.COORDINATOR
                          else AdminScreen(trial.store, session))
            if screen is None:
                return
            self.role_screen = screen
            self._centre.addWidget(screen)
            self._centre.setCurrentWidget(screen)
        self._display_toolbar.setVisible(False)  # no images on these screens
        self.role_screen.refresh()
        if self.backups is None:
            self.backups = BackupScheduler(trial.store, session,
                                           default_backup_folder(trial.path), parent=self)
            self.backups.backed_up.connect(
                lambda path: self._status.setText(f"Backed up: {Path(path).name}"))
            self.backups.failed.connect(
                lambda reason: self._status.setText(f"Backup failed: {reason}"))
        else:
            self.backups.set_session(session)
        self.backups.start()

    def _close_role_screen(self) -> None:
        screen, self.role_screen = self.role_screen, None
        self._display_toolbar.setVisible(True)
        if self.backups is not None:
            self.backups.stop()
            self.backups.wait()
        if screen is None:
            return
        screen.wait()  # an import, a backup or a check still running ends first
        self._centre.setCurrentWidget(self._viewer_page)
        self._centre.removeWidget(screen)
        screen.deleteLater()

    def refresh_queue(self) -> None:
        """Show the adjudicator's open adjudications as the store has them now."""
        with reported_errors(self, "Adjudications", interactive=self._interactive):
            self.queue.set_tasks(actions.open_adjudications(self._trial().store,
                                                            self._trial().live_session()))

    def open_adjudication(self, task: AdjudicationTask) -> bool:
        """Open one discordant subject in the adjudication view (the grid moves in)."""
        trial = self._trial()
        if trial.session is None:
            return False
        self.close_reading()
        screen: AdjudicationScreen | None = None
        with reported_errors(self, "Open adjudication", interactive=self._interactive):
            screen = AdjudicationScreen(trial.store, trial.session, task.adjudication_id,
                                        grid=self.grid,
                                        load_in_background=self._interactive)
        if screen is None:
            self._viewer_page.layout().addWidget(self.grid)
            return False
        self.adjudication_screen = screen
        self._centre.addWidget(screen)
        self._centre.setCurrentWidget(screen)
        screen.decided.connect(lambda _final: self.refresh_queue())
        screen.session_ended.connect(self._on_session_ended)
        self.setWindowTitle(f"{APP_TITLE} — adjudication — {task.subject}")
        self._status.setText(f"Adjudication of {task.subject} through {task.through_label}")
        return True

    def refresh_worklist(self) -> None:
        """Show the reader's worklist as the store has it now."""
        with reported_errors(self, "Worklist", interactive=self._interactive):
            self.worklist.set_entries(self._trial().worklist())

    def open_worklist_timepoint(self, entry: WorklistEntry,
                                timepoint: WorklistTimepoint) -> bool:
        """Read one timepoint of the reader's own task: the reading view, its phases loading.

        The place is remembered for this reader and store, so that after a crash the
        next log-in lands here again (``desktop.last_place``).
        """
        trial = self._trial()
        folders: list[Path] = []
        with reported_errors(self, "Open timepoint", interactive=self._interactive):
            folders = trial.timepoint_folders(entry.task_id, timepoint.timepoint_id)
        if not folders or trial.session is None:
            return False
        view: ReadingView | None = None
        self.close_reading()
        with reported_errors(self, "Open timepoint", interactive=self._interactive):
            view = ReadingView(trial.store, trial.session, entry.task_id,
                               timepoint.timepoint_id, grid=self.grid,
                               load_in_background=self._interactive)
        if view is None:
            self._viewer_page.layout().addWidget(self.grid)
            return False
        self.reading_view = view
        self._centre.addWidget(view)
        self._centre.setCurrentWidget(view)
        view.reading.changed.connect(lambda _update: self._refresh_worklist_keeping_place())
        view.session_ended.connect(self._on_session_ended)
        last_place.remember(trial.path, trial.session.login, entry.task_id,
                            timepoint.timepoint_id)
        self.worklist.select(entry.task_id, timepoint.timepoint_id)
        caption = study_caption(entry.subject, timepoint.label, timepoint.date)

        def job(progress: Progress, first: FirstSlice, on_volume: OnVolume) -> list[Volume]:
            preview = ArterialPreview(first)
            result = scan(folders, on_header=preview)
            if not result.studies:
                raise DicomImportError(folders[0], "no DICOM image series found")
            return load_phases(result, progress, None if preview.is_shown else first,
                               on_volume=on_volume, decode_workers=self._decode_workers)

        placed: list[bool] = []

        def shown(loaded: list[Volume]) -> None:
            self._current = None
            if self.reading_view is view:
                view.activate_arterial()  # mRECIST measures on the arterial phase
                if not placed:  # once: later phases join where the reader is by then
                    placed.append(view.open_at_first_lesion())
            self.setWindowTitle(f"{APP_TITLE} — {entry.subject} — {timepoint.label}")
            phases = ", ".join(v.phase.label for v in loaded)
            self._status.setText(f"{entry.subject} {timepoint.label}: {phases}")

        return self._load(job, lambda _first_image: caption, "Open timepoint", shown)

    def close_reading(self) -> None:
        """Close the reading or adjudication view (edits are saved already); the grid
        comes back to the plain viewer."""
        for view in (self.reading_view, self.adjudication_screen):
            if view is None:
                continue
            view.close()  # a reading view files the key images being rendered first
            self._viewer_page.layout().addWidget(self.grid)
            self._centre.setCurrentWidget(self._viewer_page)
            self._centre.removeWidget(view)
            view.deleteLater()
        self.reading_view = self.adjudication_screen = None

    def _before_session_ends(self) -> None:
        """File the reading view's last key images while the session still lives; no
        scheduled backup runs while the station is locked or logged out."""
        if self.reading_view is not None:
            self.reading_view.key_images.wait()
        if self.backups is not None:
            self.backups.stop()
            self.backups.wait()

    def _on_session_ended(self, reason: str) -> None:
        """The store ended the session (the lock-out): back to the log-in, saying why."""
        self.log_out()
        self._status.setText(reason)

    def _refresh_worklist_keeping_place(self) -> None:
        current = self.worklist.current_timepoint()
        self.refresh_worklist()
        if current is not None:
            self.worklist.select(current[0].task_id, current[1].timepoint_id)

    def reopen_last_place(self) -> bool:
        """Open the timepoint this reader had open in this store last, if it is theirs."""
        trial = self.trial
        if trial is None or trial.session is None:
            return False
        place = last_place.recall(trial.path, trial.session.login)
        found = self.worklist.find(*place) if place is not None else None
        if found is None:
            return False
        return self.open_worklist_timepoint(*found)

    def _on_locked(self, login: str) -> None:
        # Nothing of the trial stays on screen while the station is unattended: not the
        # subject in the title, not a dialog of the reading view.
        self._set_trial_visible(False)
        self._close_dialogs()
        if self.reading_view is not None:
            self.reading_view.close_dialogs()
        self.setWindowTitle(f"{APP_TITLE} — {self._trial_name()} — locked")
        self.login_dialog = LoginDialog(self._trial_name(),
                                        lambda _login, password: self._trial().unlock(password),
                                        locked_login=login, parent=self)
        self.login_dialog.accepted.connect(self._show_home)
        self.login_dialog.finished.connect(self._on_unlock_finished)
        self.login_dialog.open()
        self._status.setText(f"Locked: {login}")
        self.user_label.setText(f"locked: {login}")

    def _on_unlock_finished(self, code: int) -> None:
        if code != QDialog.DialogCode.Accepted:  # Log out, Esc or the window's close box
            self.log_out()

    def _on_logged_out(self) -> None:
        self._close_dialogs()
        self._clear_study()
        self.worklist.set_entries(())
        self.queue.set_tasks(())
        self.log_out_action.setEnabled(False)
        self._set_trial_visible(True)
        self._status_logged_out()
        self.show_login()

    def _status_logged_out(self) -> None:
        self.setWindowTitle(f"{APP_TITLE} — {self._trial_name()}" if self.trial else APP_TITLE)
        self._status.setText("Not logged in")
        self.user_label.setText("")

    def _set_trial_visible(self, visible: bool) -> None:
        self._centre.setVisible(visible)
        self._dock.setVisible(visible)

    def _clear_study(self) -> None:
        self.close_reading()
        self._close_role_screen()
        if self._loading is not None:
            self._loading.load.cancel()
            self._end_load()
        self._current = None
        self.grid.set_volumes([], "")

    def _close_dialogs(self) -> None:
        for dialog in (self.login_dialog, self.password_dialog):
            if dialog is not None:
                dialog.blockSignals(True)
                dialog.close()
                dialog.deleteLater()
        self.login_dialog = self.password_dialog = None

    def _trial(self) -> TrialSession:
        if self.trial is None:
            raise RuntimeError("no trial is open")
        return self.trial

    def _trial_name(self) -> str:
        if self.trial is None:
            return ""
        try:
            return trial_info(self.trial.store).name
        except CoreError:
            return self.trial.path.name

    def _choose_trial(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, "Open trial",
                                                    filter="Trial store (*.sqlite *.db);;"
                                                           "All files (*)")
        if path:
            with reported_errors(self, "Open trial", interactive=self._interactive):
                self.open_trial(TrialSession.open(Path(path)))

    # -- actions ----------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], object], shortcut: str = "",
                context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self._action("Open &trial…", self._choose_trial, "Ctrl+Shift+O"))
        self.log_out_action = self._action("&Log out", self.log_out, "Ctrl+Shift+L")
        self.log_out_action.setEnabled(False)
        file_menu.addAction(self.log_out_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Open study folder…", self._choose_folder, "Ctrl+O"))
        file_menu.addAction(self._action("&Import DICOM…", self._choose_import, "Ctrl+I"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, "Ctrl+Q"))

        view_menu = self.menuBar().addMenu("&View")
        toolbar = QToolBar("Display", self)
        self._display_toolbar = toolbar
        toolbar.setObjectName("display")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        for preset in self._presets:
            action = self._action(f"{preset.name} window",
                                  lambda p=preset: self.grid.apply_window(p.window),
                                  preset.shortcut)
            action.setIconText(f"{preset.name} [{preset.shortcut}]")
            view_menu.addAction(action)
            toolbar.addAction(action)
        view_menu.addSeparator()
        toolbar.addSeparator()

        layouts = QActionGroup(self)
        # The digit is how many viewports the layout shows.
        for text, rows, columns, key in (("Layout 1 × 1", 1, 1, "Ctrl+1"),
                                         ("Layout 1 × 2", 1, 2, "Ctrl+2"),
                                         ("Layout 2 × 2", None, 2, "Ctrl+4"),
                                         ("Layout 1 × 4", None, 4, "Ctrl+Shift+4")):
            action = self._action(text, lambda r=rows, c=columns: self.grid.set_layout(r, c),
                                  key)
            action.setCheckable(True)
            action.setChecked((rows, columns) == self.grid.layout_shape)
            layouts.addAction(action)
            view_menu.addAction(action)
            toolbar.addAction(action)
        reset = self._action("Reset view", self.grid.reset_views, "R")
        view_menu.addAction(reset)
        toolbar.addAction(reset)
        link = self._action("Link scrolling", self._toggle_link, "L")
        link.setCheckable(True)
        link.setChecked(True)
        view_menu.addAction(link)
        toolbar.addAction(link)

        # Slice navigation acts on the viewers only, so the arrow keys still move through
        # the worklist when it has the focus.
        grid_only = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, delta, text in SLICE_KEYS:
            self.grid.addAction(self._action(text, lambda d=delta: self.grid.step_slice(d),
                                             key, grid_only))
        self.grid.addAction(self._action("First slice", lambda: self.grid.go_to_slice(0),
                                         "Home", grid_only))
        self.grid.addAction(self._action("Last slice", lambda: self.grid.go_to_slice(-1),
                                         "End", grid_only))
        self.grid.addAction(self._action("Next viewport", self._next_viewport, "Tab",
                                         grid_only))

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self._show_shortcuts, "F1"))
        help_menu.addAction(self._action("&About", self._show_about))

    def _toggle_link(self) -> None:
        self.grid.link_scroll = not self.grid.link_scroll

    def _next_viewport(self) -> None:
        viewers = self.grid.viewers
        if viewers and self.grid.active_viewer is not None:
            self.grid.set_active((viewers.index(self.grid.active_viewer) + 1) % len(viewers))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open study folder")
        if folder:
            self.open_folder(Path(folder))

    def _choose_import(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import DICOM: folder, CD or export")
        if not folder:
            return
        dialog = ImportDialog([Path(folder)], self)
        dialog.start_scan()
        if dialog.exec() == ImportDialog.DialogCode.Accepted:
            result = dialog.reviewed_result()
            if result is not None:
                self.open_scanned(result, Path(folder).name)

    def open_scanned(self, result: ScanResult, title: str) -> bool:
        """Show the phases of the first study of a reviewed scan (see :meth:`open_study`)."""
        self.close_reading()
        study = result.studies[0] if result.studies else None
        caption = "" if study is None else study_caption(study.patient_id, "",
                                                          dicom_date(study.study_date))

        def job(progress: Progress, first: FirstSlice, on_volume: OnVolume) -> list[Volume]:
            return load_phases(result, progress, first, on_volume=on_volume,
                               decode_workers=self._decode_workers)

        def shown(loaded: list[Volume]) -> None:
            self._current = None
            self.setWindowTitle(f"{APP_TITLE} — {title}")
            self._status.setText(f"{title}: " + ", ".join(v.phase.label for v in loaded))

        return self._load(job, lambda _first_image: caption, "Import DICOM", shown)

    # -- loading ----------------------------------------------------------------------
    def _load(self, job: Job, caption: Caption, title: str,
              shown: Callable[[list[Volume]], None], at_z_mm: float | None = None) -> bool:
        """Run a loading *job*: in the background when interactive, else at once.

        In the background, the first arterial image shows during the scan, each phase
        joins the grid as soon as it is loaded (arterial first, keeping the reader's place)
        and a progress bar runs in the status bar; the window stays usable throughout. A
        newer load (another study chosen meanwhile) makes this one's results ignored.
        """
        if not self._interactive:
            loaded: list[Volume] = []
            first_image: list[ImageHeader] = []
            with reported_errors(self, title, interactive=False):
                loaded = job(lambda _f, _m: None, lambda h, _p: first_image.append(h),
                             lambda _v: None)
            if not loaded:
                return False
            shown_first = first_image[0] if first_image else None
            self.grid.set_volumes(loaded, _caption_of(caption, shown_first, loaded))
            if at_z_mm is not None:
                self.grid.go_to_position(at_z_mm)
            shown(loaded)
            self.grid.setFocus()
            return True
        if self._loading is not None:
            self._loading.load.cancel()  # the reader has moved on: stop decoding it
        load = BackgroundLoad(job)
        self._loads.add(load)  # until its last signal is handled, here in the GUI thread
        self._loading = _Loading(load, caption, title, shown, at_z_mm)
        load.preview.connect(self._on_load_preview)
        load.volume_loaded.connect(self._on_volume_loaded)
        load.progress.connect(self._on_load_progress)
        load.finished.connect(self._on_load_finished)
        load.failed.connect(self._on_load_failed)
        self._progress.setValue(0)
        self._progress.show()
        self._status.setText("Loading the study…")
        load.start()
        return True

    @property
    def is_loading(self) -> bool:
        """True while a study loads in the background."""
        return self._loading is not None

    def _sending_load(self) -> _Loading | None:
        """The load that sent the signal being handled, unless a newer one replaced it."""
        state = self._loading
        return state if state is not None and self.sender() is state.load else None

    def _on_load_preview(self, header: ImageHeader, pixels: np.ndarray) -> None:
        if (state := self._sending_load()) is None:
            return
        if state.first_image is None:
            state.first_image = header
        if not state.arrived:
            self.show_preview(header, pixels, state.context)

    def _on_volume_loaded(self, volume: Volume) -> None:
        if (state := self._sending_load()) is None:
            return
        state.arrived.append(volume)
        shown = sorted(state.arrived, key=lambda v: DISPLAY_ORDER.index(v.phase))
        if len(state.arrived) > 1:
            self.grid.update_volumes(shown, state.context)
            return
        # The first phase replaces the preview (one image, wherever the scan met it): the
        # study opens at its middle slice or where asked, and the window names it now.
        self.grid.set_volumes(shown, state.context)
        if state.at_z_mm is not None:
            self.grid.go_to_position(state.at_z_mm)
        state.shown(shown)
        self.grid.setFocus()

    def _on_load_progress(self, fraction: float, message: str) -> None:
        if self._sending_load() is not None:
            self._progress.setValue(int(fraction * 1000))
            self._status.setText(f"{message}…")

    def _on_load_finished(self, loaded: list[Volume]) -> None:
        state = self._sending_load()
        self._forget(self.sender())
        if state is None:
            return
        self._end_load()
        self.grid.update_volumes(loaded, state.context)
        state.shown(loaded)

    def _on_load_failed(self, exc: BaseException) -> None:
        state = self._sending_load()
        self._forget(self.sender())
        if state is None or isinstance(exc, LoadCancelled):
            return
        self._end_load()
        self._status.setText(f"{state.title} failed")
        with reported_errors(self, state.title, interactive=self._interactive):
            raise exc

    def _forget(self, load: object) -> None:
        """Let a load that has ended go, deleted in the GUI thread it belongs to."""
        if isinstance(load, BackgroundLoad) and load in self._loads:
            self._loads.discard(load)
            load.release()

    def _end_load(self) -> None:
        self._loading = None
        self._progress.hide()

    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """(section, key, what it does) for every action of the window that has a key.

        Help ▸ Keyboard shortcuts is made from this, so it lists exactly the keys that
        work, each with the name its action has in the menus; sections are the menus
        (File, View, Help) and the viewers.
        """
        rows = []
        for action in self.findChildren(QAction):
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText)
                    for k in action.shortcuts()]
            if keys:
                rows.append((_section_of(action), ", ".join(keys), _plain(action.text())))
        return rows

    def _show_shortcuts(self) -> ShortcutsDialog:
        box = ShortcutsDialog(_shortcuts_html(self.shortcut_table()), self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal without blocking: the images keep painting behind it
        return box

    def _show_about(self) -> None:
        QMessageBox.about(self, APP_TITLE, (
            f"<b>{APP_TITLE}</b><br>Blinded dual-read mRECIST / RECIST 1.1 tumour-response "
            "reading for HCC trials.<br>Not for primary diagnosis."))

    # -- progress ---------------------------------------------------------------------
    def _apply_dark_palette(self) -> None:
        # Reading rooms are dim: a dark frame keeps the eye adapted to the images.
        self.setStyleSheet(
            "QMainWindow, QDockWidget, QTreeWidget, QToolBar, QStatusBar, QMenuBar "
            "{ background: #1e1f22; color: #d8d8d8; }"
            "QTreeWidget::item:selected { background: #2d5d7b; }"
            "QHeaderView::section { background: #2a2b2f; color: #bbbbbb; border: 0; "
            "padding: 3px; }"
            "QToolBar { border: 0; spacing: 4px; }"
            "QToolButton { color: #d8d8d8; padding: 3px 6px; }"
            "QToolButton:checked { background: #2d5d7b; border-radius: 3px; }"
            "QDockWidget::title { background: #2a2b2f; padding: 4px; }"
        )


class ShortcutsDialog(QDialog):
    """F1: every key of the window and the viewers' gestures, in two columns.

    A dialog of its own, not a message box: a message box caps its width and wrapped the
    two columns into a list taller than the screen.
    """

    def __init__(self, html: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.label = QLabel(html)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)

    def text(self) -> str:
        """The help's rich text (for tests)."""
        return self.label.text()


def dicom_date(value: str) -> dt.date | None:
    """A DICOM DA value (YYYYMMDD) as a date; None when empty or not a real date."""
    value = value.strip()
    if len(value) != 8 or not value.isdigit():  # strptime alone takes "2026119"
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:  # 20261301
        return None


def study_caption(subject: str, label: str, study_date: dt.date | None) -> str:
    """The grid's caption: the subject, then the timepoint and the date, those known."""
    second = [label] if label else []
    if study_date is not None:
        second.append(study_date.isoformat())
    return f"{subject}\n{' · '.join(second)}"


def _caption_of(caption: Caption, first_image: ImageHeader | None,
                volumes: Sequence[Volume]) -> str:
    # The first image shown can come from another study than the one loaded (a folder of
    # several): its date is then no date of what the grid shows.
    if first_image is not None and volumes and \
            first_image.study_instance_uid != volumes[0].study_instance_uid:
        first_image = None
    return caption(first_image)


def _plain(text: str) -> str:
    """A menu text without its mnemonic marks ("&Quit" → "Quit", "&&" → "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _section_of(action: QAction) -> str:
    """The menu *action* is in, or the viewers for the keys they alone take."""
    menus = [o for o in action.associatedObjects() if isinstance(o, QMenu)]
    if menus:
        return _plain(menus[0].title())
    return READING_SECTION if isinstance(action.parent(), ReadingView) else VIEWERS_SECTION


def _shortcuts_html(rows: Sequence[tuple[str, str, str]]) -> str:
    """The help's table: the keys by section, then the mouse gestures, in two columns.

    One column grew taller than a reading-room screen once the reading keys joined; the
    sections are dealt to two columns of about equal height, each whole.
    """
    sections: dict[str, list[tuple[str, str]]] = {}
    for section, key, text in rows:
        sections.setdefault(section, []).append((key, text))
    sections["Mouse (viewers)"] = list(MOUSE_GESTURES)
    lines: list[list[tuple[str, str] | str]] = [[], []]
    total = sum(len(entries) + 1 for entries in sections.values())
    for section, entries in sections.items():
        column = 0 if len(lines[0]) + (len(entries) + 1) / 2 <= total / 2 else 1
        lines[column].append(section)
        lines[column].extend(entries)

    def cells(line: tuple[str, str] | str | None) -> str:
        if line is None:
            return "<td></td><td></td>"
        if isinstance(line, str):
            return f"<td colspan=2><b>{escape(line)}</b></td>"
        key, text = line
        return f"<td>{escape(key)}</td><td>{escape(text)}</td>"

    left, right = lines
    height = max(len(left), len(right))
    table = ["<table cellspacing=5>"]
    for index in range(height):
        first = left[index] if index < len(left) else None
        second = right[index] if index < len(right) else None
        table.append(f"<tr>{cells(first)}<td width=24></td>{cells(second)}</tr>")
    table.append("</table>")
    return "".join(table)
