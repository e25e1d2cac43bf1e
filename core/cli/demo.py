"""``mrecist demo`` and ``mrecist phantom``: write synthetic studies with ground truth."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from core.cli.common import guarded, integer
from core.errors import CoreError
from core.model.imaging import Modality
from core.phantom import PhantomSize, demo_scenarios, write_demo_trial, write_study
from core.phantom.demo import scenario_study_spec
from core.progress import print_progress

# Each worker process holds a study in memory; more than this is no faster on any
# workstation and, forked all at once, could exhaust its memory.
MAX_WORKERS = 64


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` and ``phantom`` subcommands."""
    demo = subparsers.add_parser(
        "demo",
        help="write the demo trial (3 subjects x 3 timepoints of 4-phase CT)",
        description="Write the demo trial: a responder, a stable subject and a progressor, "
        "each imaged at baseline, week 6 and week 12, with ground truth beside every study.",
    )
    demo.add_argument("folder", type=Path, help="where to write (created if missing)")
    demo.add_argument("--size", choices=[s.value for s in PhantomSize], default="demo",
                      help="image size: demo (512², 2.5 mm, default), full, or small (tests)")
    demo.add_argument("--workers", type=integer(1, MAX_WORKERS), default=None,
                      help=f"processes to write with, 1 to {MAX_WORKERS} (default: one per "
                      "core)")
    demo.set_defaults(handler=guarded(_run_demo))

    phantom = subparsers.add_parser(
        "phantom",
        help="write one 4-phase phantom study (CT or MR)",
        description="Write one multiphase study of a demo subject with its ground truth.",
    )
    phantom.add_argument("folder", type=Path, help="where to write (created if missing)")
    phantom.add_argument("--modality", choices=["CT", "MR"], default="CT")
    phantom.add_argument("--size", choices=[s.value for s in PhantomSize], default="full")
    phantom.add_argument("--subject", type=int, choices=[1, 2, 3], default=1,
                         help="which demo subject (1 responder, 2 stable, 3 progressor)")
    phantom.add_argument("--timepoint", type=int, choices=[0, 1, 2], default=0,
                         help="0 baseline, 1 week 6, 2 week 12")
    phantom.add_argument("--rle", action="store_true", help="RLE Lossless compressed pixels")
    phantom.add_argument("--dynamic", action="store_true",
                         help="MR only: all phases in one dynamic series (temporal positions)")
    phantom.set_defaults(handler=guarded(_run_phantom))


def _written_to(folder: Path, error: OSError, what: str) -> CoreError:
    """A write that failed (a file where the folder should be, no permission, disk full)."""
    where = error.filename or folder
    return CoreError(f"{where}: cannot write the {what} there: {error.strerror or error}")


def _run_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        manifest = write_demo_trial(args.folder, PhantomSize(args.size), print_progress,
                                    workers=args.workers)
    except OSError as error:
        raise _written_to(args.folder, error, "demo trial") from None
    print(f"demo trial written to {args.folder} in {time.perf_counter() - started:.1f} s "
          f"(manifest {manifest.name})")
    return 0


def _run_phantom(args: argparse.Namespace) -> int:
    scenario = demo_scenarios()[args.subject - 1]
    spec = scenario_study_spec(
        scenario, args.subject, args.timepoint, PhantomSize(args.size), Modality(args.modality),
        compress=args.rle, mr_single_dynamic_series=args.dynamic,
    )
    try:
        written = write_study(spec, args.folder, print_progress)
    except OSError as error:
        raise _written_to(args.folder, error, "study") from None
    print(f"{written.n_files} files in {written.dicom_folder}")
    return 0
