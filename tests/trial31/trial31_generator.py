"""A 31-subject trial store with the seed trial's distributions, and what it should say.

``build_trial31_store(path)`` builds, deterministically (``trial31_design.SEED``):

- a real store (``store_trial.make_trial``: users admin, reader1, reader2, adj, coord, all
  with ``PASSWORD``), criteria mRECIST with the default options and triggers;
- 31 subjects HCC-001 … HCC-031 in enrolment order, each read by reader1 and reader2
  through ``core.actions`` on registered image planes (no DICOM files;
  ``trial31_reads``), one liver target per subject, every timepoint signed. Four subjects
  go to adjudication (a reader mis-measures week 6) and the adjudicator chooses the read
  that follows the images; the other 27 are concordant. By the **final** reads the best
  overall responses are 3 CR, 17 PR, 4 SD, 7 PD (confirmed and unconfirmed alike: every
  CR and PR is confirmed at the next assessment, 6 weeks later);
- the whole clinical record of each subject, imported through ``mrecist clinical import``
  (in-process) from the CSV files it writes beside the store
  (``<store stem>-clinical/clinical-<KIND>.csv``, ``trial31_csv``): eligibility,
  screening (all 31 enrolled), baseline, DEB-TACE sessions, doses, labs, adverse events,
  end of treatment and follow-up;
- with ``lock=True`` (the default) a data cut-off on ``CUT_OFF`` (2025-06-30) for every
  subject, as a trial report states one.

It returns ``Trial31Facts``: the intended values every test can compare the store with —
per subject (``SubjectFacts``) the response at each follow-up and the best response, the
final read's diameters, whether it was adjudicated, the intended PFS and OS (days, event),
the baseline and the worst grade of each treatment-related adverse event term; and for the
trial the Table 1 and Table 3 counts (``TABLE1``, ``TABLE3`` of ``trial31_design``, which
says which numbers are the seed's and which were chosen). A build takes about 10-20 s;
tests build it once per session and copy it (the fixtures in ``conftest.py``).

Use from a test elsewhere in ``tests/``: put ``tests/trial31`` on ``sys.path`` (as
``tests/conftest.py`` does for ``tests/core/store``), then ``from trial31_generator import
build_trial31_store``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import shutil
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import trial31_design as design
from store_demo_reading import PASSWORD
from store_trial import make_trial
from trial31_csv import KINDS, write_clinical_csvs
from trial31_design import CUT_OFF, TABLE1, TABLE3, Baseline, SubjectPlan
from trial31_reads import adjudicate_all, read_subject, register_subject

from core.actions import lock_clinical
from core.cli import main
from core.store import login, open_store

COORDINATOR = "coord"
LOGINS = {"admin": "admin", "reader1": "reader1", "reader2": "reader2",
          "adjudicator": "adj", "coordinator": COORDINATOR}


@dataclass(frozen=True)
class SubjectFacts:
    """One subject as intended: what its final read, its record and its endpoints say."""

    code: str
    enrolment: dt.date
    best_response: str                      # CR, PR, SD or PD by the final read
    responses: tuple[str, ...]              # overall response at each follow-up
    labels: tuple[str, ...]                 # timepoint labels, "Baseline" first
    dates: tuple[dt.date, ...]              # timepoint dates
    viable_mm: tuple[int, ...]              # the final read's viable diameter of T1
    total_mm: tuple[int, ...]               # the final read's total diameter of T1
    progression_date: dt.date | None        # the final read's first PD, if any
    best_change_pct: Decimal                # best % change of the viable sum, 1 decimal
    adjudicated: bool
    final_reader: int                       # 1 or 2: whose read is final
    pfs_days: int
    pfs_event: bool
    os_days: int
    os_event: bool
    baseline: Baseline
    deb_tace_sessions: int
    end_of_treatment: tuple[dt.date, str] | None   # date and reason, None: on treatment
    death: dt.date | None
    last_known_alive: dt.date | None
    related_worst_grades: dict[str, int]    # treatment-related AEs: term -> worst grade


@dataclass(frozen=True)
class Trial31Facts:
    """The store built and everything it should say (``build_trial31_store``)."""

    path: Path
    csv_files: dict[str, Path]
    subjects: tuple[SubjectFacts, ...]
    cut_off: dt.date
    password: str
    logins: dict[str, str]
    table1: dict[str, dict[str, int]]
    table3: dict[str, tuple[int, int, int]]  # term -> (all grades, grades 1-2, grade >= 3)

    def subject(self, code: str) -> SubjectFacts:
        """The facts of subject *code*."""
        return next(s for s in self.subjects if s.code == code)

    @property
    def best_response_counts(self) -> dict[str, int]:
        """CR, PR, SD, PD: how many subjects have each best response (3, 17, 4, 7)."""
        return {category: sum(s.best_response == category for s in self.subjects)
                for category in ("CR", "PR", "SD", "PD")}


def build_trial31_store(path: Path, *, lock: bool = True,
                        seed: int = design.SEED) -> Trial31Facts:
    """Build the 31-subject store at *path* (which must not exist) and return its facts.

    Raises
    ------
    RuntimeError
        If a clinical CSV import is refused (its stderr is in the message).
    """
    plans = design.design_trial(seed)
    trial = make_trial(path)
    try:
        for plan in plans:
            register_subject(trial.store, trial.admin, plan)
        for plan in plans:
            read_subject(trial.store, trial.reader1, 1, plan)
            read_subject(trial.store, trial.reader2, 2, plan)
        adjudicated = adjudicate_all(trial.store, trial.adjudicator, plans)
        assert adjudicated == sum(plan.slip is not None for plan in plans)
    finally:
        trial.store.close()
    files = write_clinical_csvs(plans, path.parent / f"{path.stem}-clinical", seed)
    for kind in KINDS:
        status, _, err = run_mrecist("clinical", "import", "--db", path, "--user",
                                     COORDINATOR, "--password-stdin", kind, files[kind])
        if status != 0:
            raise RuntimeError(f"mrecist clinical import {kind} refused:\n{err}")
    if lock:
        with open_store(path) as store:
            lock_clinical(store, login(store, COORDINATOR, PASSWORD), None, CUT_OFF)
    return Trial31Facts(path, files, tuple(_facts(plan) for plan in plans), CUT_OFF,
                        PASSWORD, dict(LOGINS), {k: dict(v) for k, v in TABLE1.items()},
                        {term: (n, n - severe, severe) for term, (n, severe) in
                         TABLE3.items()})


def run_mrecist(*argv: object, stdin: str = PASSWORD + "\n") -> tuple[int, str, str]:
    """Run ``mrecist`` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(arg) for arg in argv])
    finally:
        sys.stdin = saved
    return status, out.getvalue(), err.getvalue()


def _facts(plan: SubjectPlan) -> SubjectFacts:
    assert plan.baseline is not None
    assessments = plan.assessments
    progression = next((a.date for a in assessments[1:] if a.response == "PD"), None)
    worst: dict[str, int] = {}
    for event in plan.events:
        if event.is_treatment_related:
            worst[event.term] = max(event.grade, worst.get(event.term, 0))
    end = plan.end_of_treatment
    return SubjectFacts(
        plan.code, plan.enrolment, plan.best_response, plan.responses,
        tuple(a.label for a in assessments), tuple(a.date for a in assessments),
        tuple(a.viable_mm for a in assessments), tuple(a.total_mm for a in assessments),
        progression, _best_change(assessments), plan.slip is not None,
        (2 if plan.slip.reader == 1 else 1) if plan.slip else 1, plan.pfs_days,
        plan.pfs_event, plan.os_days, plan.os_event, plan.baseline, len(plan.tace_days),
        (end[0], end[1]) if end else None, plan.death, plan.last_known_alive, worst)


def _best_change(assessments: list[design.Assessment]) -> Decimal:
    """The best % change of the viable sum from baseline (the most negative, else the
    smallest rise), rounded half away from zero to one decimal as results print it."""
    baseline = assessments[0].viable_mm
    changes = [Fraction(a.viable_mm - baseline, baseline) * 100 for a in assessments[1:]]
    best = min(changes)
    magnitude = (Decimal(abs(best.numerator)) / Decimal(best.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return -magnitude if best < 0 else magnitude


def copy_trial31(facts: Trial31Facts, path: Path) -> Trial31Facts:
    """A copy of a built store at *path* (with its anchors file and CSV files): the facts
    of the copy, for a test that changes its store."""
    for suffix in ("", ".anchors"):
        source = facts.path.with_name(facts.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    folder = path.parent / f"{path.stem}-clinical"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, source in facts.csv_files.items():
        files[kind] = folder / source.name
        shutil.copyfile(source, files[kind])
    return dataclasses.replace(facts, path=path, csv_files=files)
