"""Register the demo trial (``mrecist demo``) in a store: subjects, timepoints, series.

The demo's images stay where ``mrecist demo`` wrote them (each series points at its study
folder); their headers are scanned so every image's plane is recorded, as an import does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.actions import setup
from core.actions.importing import image_records
from core.dicom.scan import scan
from core.errors import StoreError
from core.model.imaging import ImageRecord
from core.model.trial import Session
from core.phantom import read_manifest
from core.progress import Progress
from core.store import Store


@dataclass(frozen=True)
class _Study:
    """One demo study as it will be registered: read and scanned before anything is written."""

    subject: str
    label: str
    date: dt.date
    week: int | None
    study_instance_uid: str
    modality: str
    location: str
    series: tuple[tuple[str, str, tuple[ImageRecord, ...]], ...]  # uid, phase, images


def register_demo_trial(store: Store, session: Session, folder: Path | str,
                        progress: Progress | None = None) -> int:
    """Add every subject of the demo trial in *folder* with its timepoints and series.

    Every study is read and scanned first; then everything is registered in one
    transaction, so a damaged demo folder registers nothing rather than half a trial.
    Returns the number of subjects added.

    Raises
    ------
    StoreError
        If *folder* holds no complete demo trial, or a study of it cannot be read.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise StoreError(folder, "no complete demo trial here (write one with `mrecist demo`)")
    entries = [(subject["subject"], timepoint) for subject in manifest["subjects"]
               for timepoint in subject["timepoints"]]
    studies = []
    for done, (code, timepoint) in enumerate(entries):
        if progress:
            progress(done / len(entries), f"Reading {code} {timepoint['label']}")
        studies.append(_read_study(folder, code, timepoint))
    with store.transaction():
        for study in studies:
            _register(store, session, study)
    if progress:
        progress(1.0, f"Registered {len(manifest['subjects'])} subjects")
    return len(manifest["subjects"])


def _read_study(folder: Path, code: str, timepoint: dict[str, Any]) -> _Study:
    truth_file = folder / timepoint["ground_truth"]
    try:
        truth = json.loads(truth_file.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(truth_file, f"cannot read the demo's ground truth: {error}") from None
    location = Path(timepoint["folder"]) / "dicom"
    scanned = {series.series_instance_uid: series
               for series in scan(folder / location).series}
    series = tuple(
        (entry["series_instance_uid"], entry["phase"],
         image_records([scanned[entry["series_instance_uid"]]])
         if entry["series_instance_uid"] in scanned else ())
        for entry in truth["series"])
    return _Study(code, timepoint["label"], dt.date.fromisoformat(timepoint["date"]),
                  timepoint["week"], truth["study_instance_uid"], truth["modality"],
                  str(location), series)


def _register(store: Store, session: Session, study: _Study) -> None:
    # Nested in register_demo_trial's transaction: each action is a savepoint of it.
    if not any(s.code == study.subject for s in setup.list_subjects(store, session)):
        setup.add_subject(store, session, study.subject)
    setup.add_timepoint(store, session, study.subject, study.label, study.date, study.week)
    for uid, phase, images in study.series:
        setup.add_series(store, session, study.subject, study.label, series_instance_uid=uid,
                         study_instance_uid=study.study_instance_uid, modality=study.modality,
                         phase=phase, location=study.location, images=images)
