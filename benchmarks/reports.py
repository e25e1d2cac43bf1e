"""Benchmark the printed reports (issue #14, "Done when"): a case summary and the trial report.

    python benchmarks/reports.py [--subjects 200] [--runs 5] [--folder DIR]

The store is built here, as the 31-subject store of ``tests/trial31`` is, scaled: the seed
trial's design drawn again with further seeds until there are ``--subjects`` subjects
(HCC-001 …), each read and signed by two blinded readers through ``core.actions``, the
discordant ones adjudicated, the whole clinical record imported with ``mrecist clinical
import`` and locked at a data cut-off. Then:

1. ``case_pdf_s``: ``print_case_summary`` of a subject with 8 timepoints and 10 key images
   (512 x 512 PNGs of the readers' viable calipers, 5 per reader), from the call to the PDF
   renamed into place: the store read in one snapshot, the key images read and checked,
   the pages laid out, written, synced. Target ≤ 0.5 s.
2. ``trial_pdf_s``: ``print_trial_report`` of all the subjects the same way. Target ≤ 5 s.

Each is the median of ``--runs`` prints; beside it the data alone (``case_summary_data``,
``trial_report_data``) so the layout's share shows. Building the store is not timed. The
figures go to stdout with their targets; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# After the repo root: the stores' helpers of the tests (readers, trial31's design).
for helper in ("tests/core/store", "tests/trial31", "tests/core/pdf"):
    sys.path.append(str(ROOT / helper))

import trial31_design as design  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from report_stores import save_key_images  # noqa: E402
from store_demo_reading import PASSWORD  # noqa: E402
from store_trial import make_trial  # noqa: E402
from trial31_csv import KINDS, write_clinical_csvs  # noqa: E402
from trial31_generator import COORDINATOR, run_mrecist  # noqa: E402
from trial31_reads import adjudicate_all, read_subject, register_subject  # noqa: E402

from core.actions import (  # noqa: E402
    case_summary_data,
    lock_clinical,
    print_case_summary,
    print_trial_report,
    trial_report_data,
)
from core.model.trial import Session  # noqa: E402
from core.store import Store, login, open_store  # noqa: E402

TARGETS = {"case_pdf_s": 0.5, "trial_pdf_s": 5.0}
CASE_TIMEPOINTS = 8
KEY_IMAGES_PER_READER = 5


def verdict(key: str, value: float) -> str:
    """The figure against its target (the floor the issue sets)."""
    target = TARGETS[key]
    return f"target <= {target:g} s: {'met' if value <= target else 'NOT met'}"


def plans(subjects: int) -> list[design.SubjectPlan]:
    """*subjects* subjects of the seed trial's design, drawn with seed 31, 32, … and
    numbered HCC-001 … in that order."""
    out: list[design.SubjectPlan] = []
    seed = design.SEED
    while len(out) < subjects:
        out += design.design_trial(seed)
        seed += 1
    chosen = out[:subjects]
    for number, plan in enumerate(chosen, start=1):
        plan.code = f"HCC-{number:03d}"
    return chosen


def build_store(path: Path, subjects: int) -> tuple[Path, design.SubjectPlan]:
    """The store of the module docstring at *path*, with 10 key images of the case
    summary's subject (the first with 8 timepoints); the store's path and that plan."""
    chosen = plans(subjects)
    trial = make_trial(path)
    try:
        for plan in chosen:
            register_subject(trial.store, trial.admin, plan)
        for plan in chosen:
            read_subject(trial.store, trial.reader1, 1, plan)
            read_subject(trial.store, trial.reader2, 2, plan)
        adjudicate_all(trial.store, trial.adjudicator, chosen)
        # The first subject with 8 timepoints (in a small smoke store: the longest read).
        case = next((plan for plan in chosen if len(plan.assessments) == CASE_TIMEPOINTS),
                    max(chosen, key=lambda plan: len(plan.assessments)))
        for seed, reader in enumerate((trial.reader1, trial.reader2)):
            save_key_images(trial.store, reader, case.code, KEY_IMAGES_PER_READER,
                            first_seed=seed * KEY_IMAGES_PER_READER)
    finally:
        trial.store.close()
    files = write_clinical_csvs(chosen, path.parent / f"{path.stem}-clinical")
    for kind in KINDS:
        status, _, err = run_mrecist("clinical", "import", "--db", path, "--user",
                                     COORDINATOR, "--password-stdin", kind, files[kind])
        if status != 0:
            raise RuntimeError(f"mrecist clinical import {kind} refused:\n{err}")
    with open_store(path) as store:
        lock_clinical(store, login(store, COORDINATOR, PASSWORD), None, design.CUT_OFF)
    return path, case


def _median(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_prints(store: Store, coordinator: Session, case: str, folder: Path,
                 runs: int) -> dict[str, Any]:
    """Time both prints and their data alone (module docstring)."""
    figures: dict[str, Any] = {}
    summary = case_summary_data(store, coordinator, case)
    figures["case_timepoints"] = len(summary.timepoints)
    figures["case_key_images"] = sum(line.key_image is not None
                                     for timepoint in summary.timepoints
                                     for read in timepoint.reads for line in read.lesions)
    figures["case_data_s"], _ = _median(
        runs, lambda: case_summary_data(store, coordinator, case))
    out = folder / "case.pdf"
    figures["case_pdf_s"], printed = _median(
        runs, lambda: print_case_summary(store, coordinator, case, out))
    figures["case_pages"] = printed.pages  # type: ignore[attr-defined]
    figures["case_pdf_images"] = sum(len(page.images) for page in PdfReader(out).pages)
    figures["case_pdf_kb"] = out.stat().st_size / 1024
    figures["trial_data_s"], report = _median(
        max(1, runs // 2), lambda: trial_report_data(store, coordinator))
    figures["trial_subjects"] = report.analysis_set.n  # type: ignore[attr-defined]
    out = folder / "trial.pdf"
    figures["trial_pdf_s"], printed = _median(
        max(1, runs // 2), lambda: print_trial_report(store, coordinator, out))
    figures["trial_pages"] = printed.pages  # type: ignore[attr-defined]
    figures["trial_pdf_kb"] = out.stat().st_size / 1024
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build the store, time both prints, print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None,
                        help="where to put the store (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.folder) as name:
        folder = Path(name)
        started = time.perf_counter()
        path, case = build_store(folder / "reports.sqlite", args.subjects)
        built = time.perf_counter() - started
        print(f"store of {args.subjects} subjects, read twice, adjudicated, clinical record "
              f"imported and locked: built in {built:.1f} s (not timed below)")
        with open_store(path) as store:
            coordinator = login(store, COORDINATOR, PASSWORD)
            figures = {"subjects": args.subjects, "runs": args.runs,
                       **bench_prints(store, coordinator, case.code, folder, args.runs)}
    print(f"case summary of {case.code} ({figures['case_timepoints']} timepoints, "
          f"{figures['case_key_images']} key images, {figures['case_pages']} pages, "
          f"{figures['case_pdf_kb']:.0f} KB): {figures['case_pdf_s']:.3f} s, of which the "
          f"data {figures['case_data_s']:.3f} s; {verdict('case_pdf_s', figures['case_pdf_s'])}")
    print(f"trial report of {figures['trial_subjects']} subjects ({figures['trial_pages']} "
          f"pages, {figures['trial_pdf_kb']:.0f} KB): {figures['trial_pdf_s']:.3f} s, of "
          f"which the data {figures['trial_data_s']:.3f} s; "
          f"{verdict('trial_pdf_s', figures['trial_pdf_s'])}")
    figures.update({f"{key}_target": target for key, target in TARGETS.items()})
    figures.update({f"{key}_met": figures[key] <= target for key, target in TARGETS.items()})
    out = {key: round(value, 4) if isinstance(value, float) else value
           for key, value in figures.items()}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
