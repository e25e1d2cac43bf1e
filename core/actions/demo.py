"""Register the demo trial (``mrecist demo``) in a store: subjects, timepoints, series.

The demo's images stay where ``mrecist demo`` wrote them (each series points at its study
folder); their headers are scanned so every image's plane is recorded, as an import does.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from core.actions import setup
from core.actions.importing import image_records
from core.dicom.scan import scan
from core.errors import StoreError
from core.model.trial import Session
from core.phantom import read_manifest
from core.progress import Progress
from core.store import Store


def register_demo_trial(store: Store, session: Session, folder: Path | str,
                        progress: Progress | None = None) -> int:
    """Add every subject of the demo trial in *folder* with its timepoints and series.

    Returns the number of subjects added.

    Raises
    ------
    StoreError
        If *folder* holds no complete demo trial.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        raise StoreError(folder, "no complete demo trial here (write one with `mrecist demo`)")
    total = sum(len(subject["timepoints"]) for subject in manifest["subjects"])
    done = 0
    for subject in manifest["subjects"]:
        code = subject["subject"]
        setup.add_subject(store, session, code)
        for timepoint in subject["timepoints"]:
            if progress:
                progress(done / total, f"Registering {code} {timepoint['label']}")
            setup.add_timepoint(store, session, code, timepoint["label"],
                                dt.date.fromisoformat(timepoint["date"]), timepoint["week"])
            _register_study(store, session, folder, code, timepoint)
            done += 1
    if progress:
        progress(1.0, f"Registered {len(manifest['subjects'])} subjects")
    return len(manifest["subjects"])


def _register_study(store: Store, session: Session, folder: Path, code: str,
                    timepoint: dict[str, Any]) -> None:
    truth = json.loads((folder / timepoint["ground_truth"]).read_text("utf-8"))
    location = Path(timepoint["folder"]) / "dicom"
    scanned = {series.series_instance_uid: series
               for series in scan(folder / location).series}
    for series in truth["series"]:
        uid = series["series_instance_uid"]
        setup.add_series(store, session, code, timepoint["label"], series_instance_uid=uid,
                         study_instance_uid=truth["study_instance_uid"],
                         modality=truth["modality"], phase=series["phase"],
                         location=str(location),
                         images=image_records([scanned[uid]]) if uid in scanned else ())
