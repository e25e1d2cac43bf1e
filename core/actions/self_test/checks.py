"""The headless checks of the installation self-test (issue #15).

Each shows, on the machine it runs on, that a part of the installed application works as
the tests showed it working in development: every module imports; every transfer syntax
of ``samples.SAMPLES`` decodes to the reference image, compressed ones on a spawned
worker process as a study loads; a trial store is made, signed in and read back with an
intact audit; a store of every earlier schema is upgraded after its copy, and a newer one
refused; the documented case file evaluates to its documented result; a one-page report
is written and read back. Everything is written in the check's scratch folder only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import logging
import os
import pkgutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from reportlab.platypus import Paragraph
from sqlite_utils import Database

from core.actions.accounts import change_password
from core.actions.reading import add_lesion, get_read, my_tasks, save_caliper, sign_timepoint
from core.actions.safekeeping import verify_store
from core.actions.self_test.pdf_text import read_pdf
from core.actions.self_test.report import Check, CheckFailed
from core.actions.self_test.samples import SAMPLES, Sample, reference_hu
from core.actions.setup import add_series, add_subject, add_timepoint, add_user, assign
from core.criteria import evaluate, parse_case, result_to_data
from core.dicom import load_volume, scan
from core.dicom.volume import decode_process_pool
from core.errors import AuthenticationError, StoreVersionError
from core.geometry import measure_caliper, plane_of_image
from core.model.clinical import LesionCategory
from core.model.imaging import ImageRecord
from core.model.reading import MeasurementKind
from core.pdf.document import PageFrame, write_pdf
from core.pdf.document import styles as pdf_styles
from core.store import db as store_db
from core.store import init_store, login, open_store, open_store_read_only
from core.store.migrations import migrations, step_names

SAMPLE_FOLDER = "selftest"
CASE_FILE = "case-HCC-007.json"  # the example of docs/case-format.md


def _resource(name: str) -> contextlib.AbstractContextManager[Path]:
    return resources.as_file(resources.files("resources") / SAMPLE_FOLDER / name)


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


# -- every module imports ------------------------------------------------------------------
def import_check(packages: Sequence[str]) -> Check:
    """A check importing every module of *packages* (``__main__`` modules would run)."""

    def check(_folder: Path) -> str:
        counts: dict[str, int] = {}
        failures: list[str] = []
        for package in packages:
            root = importlib.import_module(package)
            counts[package] = 1
            for info in pkgutil.walk_packages(root.__path__, f"{package}.",
                                              onerror=lambda name: failures.append(name)):
                if info.name.rsplit(".", 1)[-1] == "__main__":
                    continue
                try:
                    importlib.import_module(info.name)
                except Exception as error:  # noqa: BLE001 - each one is reported
                    failures.append(f"{info.name} ({_reason(error)})")
                else:
                    counts[package] += 1
        if failures:
            raise CheckFailed(f"{len(failures)} modules do not import: "
                              + "; ".join(failures[:5]) + ("; …" if len(failures) > 5 else ""))
        return (f"{sum(counts.values())} modules: "
                + ", ".join(f"{count} of {package}" for package, count in counts.items()))

    return check


# -- every transfer syntax decodes ----------------------------------------------------------
class _CountingPool(Executor):
    """A process pool that counts what it was given, to show the workers were used."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self.submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _decode_sample(sample: Sample, pool: Executor, reference: np.ndarray) -> float:
    """Decode *sample* as a study is loaded; its largest difference from the reference."""
    with _resource(sample.file) as path:
        found = scan(path)
        if found.rejected:
            raise CheckFailed(f"refused: {found.rejected[0].reason}")
        (series,) = found.series
        syntax = series.headers[0].transfer_syntax_uid
        if syntax != sample.syntax:
            raise CheckFailed(f"read as {syntax}, not {sample.syntax.name}")
        if series.is_lossy == sample.is_lossless:
            raise CheckFailed(f"labelled {'lossy' if series.is_lossy else 'lossless'}, "
                              "which it is not")
        voxels = load_volume(series, processes=pool).voxels
    if voxels.shape != (1, *reference.shape):
        raise CheckFailed(f"decoded as {voxels.shape}, not {(1, *reference.shape)}")
    error = float(np.abs(voxels[0].astype(np.float64) - reference).max())
    if error > sample.max_error_hu:
        raise CheckFailed(f"values up to {error:g} HU from the reference "
                          f"(at most {sample.max_error_hu:g} allowed)")
    return error


def decode_check(_folder: Path) -> str:
    """Decode every sample, compressed ones on one spawned worker process."""
    reference = reference_hu().astype(np.float64)
    problems = []
    pool = _CountingPool(decode_process_pool(1))
    with pool:
        for sample in SAMPLES:
            try:
                _decode_sample(sample, pool, reference)
            except Exception as error:  # noqa: BLE001 - each sample is reported
                reason = str(error) if isinstance(error, CheckFailed) else _reason(error)
                problems.append(f"{sample.syntax.name} ({sample.file}): {reason}")
    if problems:
        raise CheckFailed(f"{len(problems)} of {len(SAMPLES)} transfer syntaxes: "
                          + "; ".join(problems))
    lossless = sum(sample.is_lossless for sample in SAMPLES)
    return (f"{len(SAMPLES)} transfer syntaxes: {lossless} lossless to the value, "
            f"{len(SAMPLES) - lossless} lossy within their bounds; {pool.submitted} "
            "compressed files decoded on a worker process")


# -- a trial store: accounts, a signature, the audit --------------------------------------
ADMIN_PASSWORD = "installation check one"
TEMPORARY_PASSWORD = "installation check two"
READER_PASSWORD = "installation check three"
SUBJECT = "ST-001"


def _image() -> ImageRecord:
    return ImageRecord("2.25.1", 0, 512, 512, (-179.65, -179.65, 0.0), (1.0, 0.0, 0.0),
                       (0.0, 1.0, 0.0), (0.7, 0.7))


def store_check(folder: Path) -> str:
    """Make a store, act as its admin and a reader through the actions, sign, read back."""
    path = folder / "self-test-trial.sqlite"
    image = _image()
    with init_store(path, "SELF-TEST", "mRECIST", "admin", "Self-test administrator",
                    ADMIN_PASSWORD) as store:
        admin = login(store, "admin", ADMIN_PASSWORD)
        add_user(store, admin, "reader", "Self-test reader", "reader", TEMPORARY_PASSWORD)
        first = login(store, "reader", TEMPORARY_PASSWORD)
        change_password(store, first, TEMPORARY_PASSWORD, READER_PASSWORD)
        try:
            login(store, "reader", TEMPORARY_PASSWORD)
        except AuthenticationError:
            pass
        else:
            raise CheckFailed("the replaced temporary password still logs in")
        reader = login(store, "reader", READER_PASSWORD)
        add_subject(store, admin, SUBJECT)
        assign(store, admin, SUBJECT, "reader", 1)
        add_timepoint(store, admin, SUBJECT, "Baseline", dt.date(2024, 1, 1), 0)
        add_series(store, admin, SUBJECT, "Baseline", series_instance_uid="2.25.2",
                   study_instance_uid="2.25.3", modality="CT", phase="arterial",
                   location=f"{SUBJECT}/Baseline", images=(image,))
        (task,) = my_tasks(store, reader)
        baseline = get_read(store, reader, task.task_id).timepoint("Baseline").timepoint_id
        lesion = add_lesion(store, reader, task.task_id, baseline, LesionCategory.TARGET,
                            "liver").value
        plane = plane_of_image(image)
        for kind, end_column in ((MeasurementKind.TOTAL, 300.0), (MeasurementKind.VIABLE, 270.0)):
            save_caliper(store, reader, lesion.lesion_id, baseline, kind,
                         measure_caliper(plane, (256.0, 250.0), (256.0, end_column),
                                         image.sop_instance_uid))
        sign_timepoint(store, reader, task.task_id, baseline, READER_PASSWORD)
    # Read back through a new connection, as the next start of the application would.
    with open_store(path) as store:
        reader = login(store, "reader", READER_PASSWORD)
        read = get_read(store, reader, task.task_id)
        status = read.timepoint("Baseline").status
        viable = read.measurement(lesion.lesion_id, baseline, MeasurementKind.VIABLE)
    if status != "signed" or viable is None:
        raise CheckFailed(f"read back: baseline {status}, viable caliper {viable}")
    length = float(viable.caliper.length_mm)
    if abs(length - 14.0) > 1e-6:  # 20 pixels of 0.7 mm
        raise CheckFailed(f"read back: the viable caliper measures {length} mm, not 14 mm")
    with open_store_read_only(path) as store:
        verdict = verify_store(store)
    if not verdict.is_intact:
        found = [str(d) for d in verdict.store.discrepancies] or [str(verdict.store.chain)]
        raise CheckFailed(f"audit verify: {'; '.join(found)}")
    return (f"2 accounts, a password change, a caliper and a signature; read back; audit "
            f"chain of {verdict.store.audit_rows} rows, {len(verdict.signatures)} signature "
            "and the anchors verified")


# -- an older store is upgraded after its copy, a newer one refused ------------------------
def upgrade_check(folder: Path) -> str:
    """A store of every earlier schema opens after a byte-identical copy; a newer one is
    refused without a change."""
    steps = step_names()
    with _upgrades_logged() as logged:
        for stop_before in steps[1:]:
            _upgrade_one(folder, stop_before, steps)
    if len(logged) != len(steps) - 1:
        raise CheckFailed(f"{len(logged)} upgrades logged for {len(steps) - 1} stores")
    _refuse_newer(folder)
    return (f"{len(steps) - 1} earlier schemas upgraded to {steps[-1]}, each after a "
            "byte-identical copy; a later one refused unchanged")


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _upgrades_logged() -> Iterator[list[logging.LogRecord]]:
    """The store's log lines naming each copy, kept here rather than printed ten times."""
    handler = _Kept()
    logger = logging.getLogger(store_db.__name__)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _upgrade_one(folder: Path, stop_before: str, steps: tuple[str, ...]) -> None:
    """A store stopped before *stop_before*, opened: copied as it was, then upgraded."""
    path = folder / f"before-{stop_before}.sqlite"
    with contextlib.closing(Database(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")  # as every release wrote its stores
        migrations.apply(db, stop_before=stop_before)
    old = path.read_bytes()
    with open_store(path) as store:
        backup = store_db.upgrade_backup(store)
    if backup is None or backup.read_bytes() != old:
        raise CheckFailed(f"a store before {stop_before}: " + (
            "no copy made" if backup is None else f"the copy {backup.name} differs from it"))
    with contextlib.closing(sqlite3.connect(path)) as conn:
        applied = tuple(row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations"))
    if applied != steps:
        raise CheckFailed(f"a store before {stop_before}: schema {applied[-1]} after the "
                          "upgrade")


def _refuse_newer(folder: Path) -> None:
    newer = folder / "newer.sqlite"
    open_store(newer, create=True).close()
    with contextlib.closing(Database(newer)) as db:
        db.table(migrations.migrations_table).insert(
            {"migration_set": migrations.name, "name": "m999_from_a_later_version",
             "applied_at": "2999-01-01"})
    before = newer.read_bytes()
    try:
        open_store(newer).close()
    except StoreVersionError:
        pass
    else:
        raise CheckFailed("a store of a later version was opened")
    if newer.read_bytes() != before:
        raise CheckFailed("the store of a later version was changed")


# -- the case file of docs/case-format.md --------------------------------------------------
# Its documented results (docs/case-format.md, "Output"): under mRECIST the viable
# diameters sum 71 + 22 = 93 mm, then 30 + 18 = 48 mm (-48.4 %: PR, unconfirmed); under
# RECIST 1.1 the longest ones 88 + 22 = 110 mm, then 80 + 18 = 98 mm (-10.9 %: SD).
EXPECTED = {"mRECIST": (93.0, 48.0, -48.4, "PR", "PR", "SD"),
            "RECIST1.1": (110.0, 98.0, -10.9, "SD", "SD", "SD")}


def case_check(_folder: Path) -> str:
    """Evaluate the documented case under both criteria; compare with its known result."""
    with _resource(CASE_FILE) as path:
        case = parse_case(path.read_text(encoding="utf-8"))
    found = []
    for criteria, expected in EXPECTED.items():
        data = result_to_data(evaluate(case, criteria))
        week6 = data["timepoints"][1]
        got = (float(data["baseline_sum_mm"]), float(week6["sum_mm"]),
               float(week6["change_from_baseline_pct"]), week6["overall_response"],
               data["best_overall_response"], data["confirmed_best_overall_response"])
        if got != expected:
            raise CheckFailed(f"{case.subject} under {criteria}: {got}, expected {expected}")
        found.append(f"{criteria} {got[3]} ({got[0]:g} → {got[1]:g} mm, {got[2]:+g} %)")
    return f"{case.subject}: " + "; ".join(found)


# -- a one-page report --------------------------------------------------------------------
PDF_PHRASE = "Self-test report: change ≥ −30 % × 1, 5 µm"


def pdf_check(folder: Path) -> str:
    """Write a one-page report in the page frame and read its pages, fonts and text back."""
    path = folder / "self-test.pdf"
    frame = PageFrame(title="Installation self-test", trial="SELF-TEST",
                      generated_utc=dt.datetime.now(dt.UTC), fingerprint="0" * 64)
    write_pdf(path, frame, [Paragraph(PDF_PHRASE, pdf_styles()["body"])])
    content = read_pdf(path.read_bytes())
    if content.page_count != 1:
        raise CheckFailed(f"{content.page_count} pages written, not 1")
    text = content.page_text[0]
    for expected in (PDF_PHRASE, "Installation self-test", "page 1 of 1", "0" * 64):
        if expected not in text:
            raise CheckFailed(f"the text {expected!r} is not on the page read back")
    missing = [font.name for font in content.fonts if not font.embedded]
    if missing or not content.fonts:
        raise CheckFailed(f"fonts not embedded: {', '.join(missing) or 'no font at all'}")
    return (f"1 page of {os.path.getsize(path):,} bytes; its text read back, "
            f"{len(content.fonts)} embedded fonts")


def headless_checks(packages: Sequence[str] = ("core",)) -> list[tuple[str, Check]]:
    """The checks ``mrecist self-test`` runs, in order (imports of *packages* first)."""
    return [("imports", import_check(packages)), ("dicom-decoding", decode_check),
            ("trial-store", store_check), ("store-upgrade", upgrade_check),
            ("case-evaluation", case_check), ("pdf-report", pdf_check)]
