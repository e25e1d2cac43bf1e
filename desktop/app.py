"""Start the workstation: ``mrecist-workstation [--db FILE | --demo | --demo-studies]
[--screenshot FILE] [FOLDER]``, or check the installation: ``--self-test [--report FILE]``."""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from core.actions.self_test import check_report_path
from core.errors import CoreError
from core.progress import Progress, print_progress
from desktop.demo_data import (
    data_dir,
    demo_studies,
    ensure_demo_store,
    ensure_demo_trial,
    first_target_level_mm,
)
from desktop.errors import install_excepthook, reported_errors
from desktop.main_window import MainWindow
from desktop.presets import load_window_presets
from desktop.progress import progress_dialog
from desktop.self_test import prepare_platform, run_gui_self_test
from desktop.trial_session import TrialSession

ORGANISATION = "mRECIST"
APPLICATION = "mrecist-workstation"
SCREENSHOT_SIZE = (1600, 1000)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options of the GUI."""
    parser = argparse.ArgumentParser(prog="mrecist-workstation",
                                     description="mRECIST Workstation: the reading station.")
    parser.add_argument("folder", nargs="?", type=Path,
                        help="a study folder to open, outside any trial")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--db", type=Path, metavar="FILE",
                      help="open a trial store (made by `mrecist db init`) and log in")
    what.add_argument("--demo", action="store_true",
                      help="open the demo trial store (built in the data folder on first "
                           "use) at its log-in screen, which lists the demo log-ins")
    what.add_argument("--demo-studies", action="store_true",
                      help="show the demo's phantom studies in the viewer, outside any trial")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data folder (default: $MRECIST_DATA_DIR or the OS location)")
    parser.add_argument("--screenshot", type=Path, metavar="FILE.png",
                        help="render the window once its images are drawn, save it, exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (every check of `mrecist self-test`, "
                        "then the main window drawn offscreen), print a line per check, exit "
                        "0 only if all passed")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="with --self-test: also write the report to FILE (JSON if it "
                        "ends in .json, else text) for the installation-qualification record")
    args = parser.parse_args(argv)
    if args.report is not None and not args.self_test:
        parser.error("--report goes with --self-test")
    return args


def build_window(args: argparse.Namespace) -> MainWindow:
    """Create the main window and open what the options ask for."""
    interactive = args.screenshot is None
    window = MainWindow(load_window_presets(), interactive=interactive)
    # The demo is written once (about half a minute on two cores): the reader sees a
    # progress bar, a terminal or a CI log the progress on stderr.
    if args.demo or args.db is not None:
        path = args.db
        if args.demo:
            progress = (progress_dialog(None, "Preparing the demo trial") if interactive
                        else terminal_progress())
            path = ensure_demo_store(data_dir(args.data_dir), progress)
        with reported_errors(window, "Open trial", interactive=interactive):
            window.open_trial(TrialSession.open(path, demo=args.demo))
    elif args.demo_studies:
        progress = (progress_dialog(None, "Preparing the demo studies") if interactive
                    else terminal_progress())
        folder = ensure_demo_trial(data_dir(args.data_dir), progress)
        studies = demo_studies(folder)
        window.set_worklist(studies)
        if studies:  # subject 1, baseline, at its first target lesion
            window.open_study(studies[0], at_z_mm=first_target_level_mm(studies[0]))
    elif args.folder is not None:
        window.open_folder(args.folder)
    return window


def terminal_progress() -> Progress:
    """``progress`` on stderr, for work done without a dialog.

    On a terminal, ``core.progress.print_progress`` redraws one line in place. A CI log or
    a file would keep those carriage returns on a single line, shown only when the work
    ends (or never, if it is killed), so there it prints whole lines, one per tenth.
    """
    if sys.stderr.isatty():
        return print_progress
    return LinePerTenth(sys.stderr)


class LinePerTenth:
    """A ``progress`` callback printing a line each time the work passes a tenth (0 % to
    100 %), for output read as lines rather than watched on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._printed = -1  # the last tenth printed

    def __call__(self, fraction: float, message: str) -> None:
        # The epsilon: a fraction that reached a tenth but for rounding counts as there.
        tenth = min(10, math.floor(fraction * 10 + 1e-9))
        if tenth <= self._printed:
            return
        self._printed = tenth
        print(f"{fraction:6.1%}  {message}", file=self._stream, flush=True)


def _save_screenshot(window: MainWindow, path: Path) -> int:
    QApplication.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        print(f"could not write screenshot {path}", file=sys.stderr)
        return 1
    print(f"screenshot saved to {path} ({image.width()}x{image.height()})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the workstation and return its exit status."""
    # Compressed studies are decoded on worker processes (core.dicom.study); in a frozen
    # (installer) build on Windows, a worker starting this executable must stop here.
    multiprocessing.freeze_support()
    args = parse_args(argv)
    if args.self_test:
        return _self_test(args.report)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_excepthook(interactive=args.screenshot is None)
    window = build_window(args)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    if args.screenshot is not None:
        status: list[int] = []
        # Grab once the event loop has laid out and painted the images.
        QTimer.singleShot(200, lambda: (status.append(_save_screenshot(window, args.screenshot)),
                                        app.quit()))
        app.exec()
        return status[0] if status else 1
    return app.exec()


def _self_test(report: Path | None) -> int:
    try:
        check_report_path(report)
    except CoreError as error:
        print(f"mrecist-workstation --self-test: {error}", file=sys.stderr)
        return 2
    prepare_platform()
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    return run_gui_self_test(report)


if __name__ == "__main__":
    sys.exit(main())
