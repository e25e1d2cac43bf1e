"""The demo trial: three phantom subjects imaged every six weeks.

Layout written under the chosen folder::

    trial.json                              manifest, written last
    cases/HCC-001.json                      a perfect reader's case file (mrecist-case/1)
    HCC-001/20260105_baseline/dicom/...     one folder of opaque files per study
    HCC-001/20260105_baseline/ground_truth.json

The manifest is written only when every study is complete, so a demo interrupted half-way
(killed process, full disk) is simply written again the next time.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.model.imaging import Modality
from core.phantom.cases import perfect_reader_case
from core.phantom.grid import PhantomSize
from core.phantom.scenarios import TIMEPOINT_LABELS, VISIT_INTERVAL_DAYS, Scenario, demo_scenarios
from core.phantom.study import GROUND_TRUTH_NAME, StudySpec, write_study
from core.progress import Progress

DEMO_TRIAL_NAME = "DEMO-HCC-P2"
MANIFEST_NAME = "trial.json"
MANIFEST_FORMAT = "mrecist-demo-trial/1"
CASES_FOLDER = "cases"


@dataclass(frozen=True)
class DemoStudy:
    """One study of the demo trial and where it goes."""

    spec: StudySpec
    relative_folder: str


def demo_studies(size: PhantomSize = PhantomSize.DEMO) -> list[DemoStudy]:
    """Every study of the demo trial, subject by subject, in date order."""
    studies = []
    for number, scenario in enumerate(demo_scenarios(), start=1):
        studies.extend(_scenario_studies(scenario, number, size))
    return studies


def scenario_study_spec(
    scenario: Scenario,
    number: int,
    index: int,
    size: PhantomSize,
    modality: Modality = Modality.CT,
    *,
    compress: bool,
    mr_single_dynamic_series: bool = False,
) -> StudySpec:
    """The study of demo subject *number* (1-based) at timepoint *index* (0 = baseline)."""
    return StudySpec(
        subject=scenario.subject,
        timepoint_label=TIMEPOINT_LABELS[index],
        study_date=scenario.timepoint_date(index),
        lesions=scenario.lesions[index],
        thrombi=scenario.thrombi,
        modality=modality,
        size=size,
        trial=DEMO_TRIAL_NAME,
        week=index * VISIT_INTERVAL_DAYS // 7,
        seed=number * 100 + index,
        vendor_style=scenario.vendor_style,
        compress=compress,
        mr_single_dynamic_series=mr_single_dynamic_series,
        intended_response=scenario.intended[index],
    )


def _scenario_studies(scenario: Scenario, number: int, size: PhantomSize) -> list[DemoStudy]:
    out = []
    for index, label in enumerate(TIMEPOINT_LABELS):
        # Demo studies are RLE compressed: 2.5x smaller, and it exercises the decoders.
        spec = scenario_study_spec(scenario, number, index, size,
                                   compress=size is not PhantomSize.SMALL)
        slug = label.lower().replace(" ", "")
        out.append(DemoStudy(spec, f"{scenario.subject}/{spec.study_date:%Y%m%d}_{slug}"))
    return out


def _write_one(study: DemoStudy, root: str) -> str:
    write_study(study.spec, Path(root) / study.relative_folder)
    return study.relative_folder


def write_demo_trial(
    folder: Path,
    size: PhantomSize = PhantomSize.DEMO,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Path:
    """Write the demo trial under *folder* and return the manifest's path.

    Studies are independent and seeded on their own, so they are written in parallel
    (one process per core by default) and the files are identical whatever the order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    studies = demo_studies(size)
    workers = workers or min(len(studies), os.cpu_count() or 1)
    if progress:
        progress(0.0, f"Writing {len(studies)} demo studies")
    if workers <= 1:
        for done, study in enumerate(studies, start=1):
            _write_one(study, str(folder))
            if progress:
                progress(done / len(studies), study.relative_folder)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_write_one, s, str(folder)) for s in studies]
            for done, future in enumerate(as_completed(futures), start=1):
                name = future.result()
                if progress:
                    progress(done / len(studies), name)
    manifest = _write_manifest(folder, studies, size)
    _write_cases(folder)
    return manifest


def _write_cases(folder: Path) -> None:
    """A perfect reader's case file per subject, for ``mrecist evaluate`` and ``stats``."""
    cases = folder / CASES_FOLDER
    cases.mkdir(exist_ok=True)
    for scenario in demo_scenarios():
        case = perfect_reader_case(folder, scenario.subject)
        path = cases / f"{scenario.subject}.json"
        path.write_text(json.dumps(case, indent=2) + "\n")


def _write_manifest(folder: Path, studies: list[DemoStudy], size: PhantomSize) -> Path:
    subjects: dict[str, dict[str, Any]] = {}
    for study in studies:
        spec = study.spec
        entry = subjects.setdefault(spec.subject, {"subject": spec.subject, "timepoints": []})
        entry["timepoints"].append({
            "label": spec.timepoint_label,
            "date": spec.study_date.isoformat(),
            "week": spec.week,
            "folder": study.relative_folder,
            "ground_truth": f"{study.relative_folder}/{GROUND_TRUTH_NAME}",
            "intended_response": spec.intended_response,
        })
    for scenario in demo_scenarios():
        subjects[scenario.subject]["scenario"] = scenario.name
    manifest = {
        "format": MANIFEST_FORMAT,
        "trial": DEMO_TRIAL_NAME,
        "size": size.value,
        "subjects": list(subjects.values()),
    }
    path = folder / MANIFEST_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, path)  # atomic: a manifest exists only for a complete trial
    return path


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The demo manifest under *folder*, or None when the demo is absent or incomplete."""
    path = folder / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("format") == MANIFEST_FORMAT else None
