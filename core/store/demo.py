"""Register the demo trial (``mrecist demo``) in a store: subjects, timepoints, series."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from core.errors import StoreError
from core.model.trial import Session
from core.phantom import read_manifest
from core.store.db import Store
from core.store.trial import add_series, add_subject, add_timepoint


def register_demo_trial(store: Store, session: Session, folder: Path | str) -> int:
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
    for subject in manifest["subjects"]:
        code = subject["subject"]
        add_subject(store, session, code)
        for timepoint in subject["timepoints"]:
            add_timepoint(store, session, code, timepoint["label"],
                          dt.date.fromisoformat(timepoint["date"]), timepoint["week"])
            truth = json.loads((folder / timepoint["ground_truth"]).read_text("utf-8"))
            for series in truth["series"]:
                add_series(store, session, code, timepoint["label"],
                           series_instance_uid=series["series_instance_uid"],
                           study_instance_uid=truth["study_instance_uid"],
                           modality=truth["modality"], phase=series["phase"],
                           location=str(Path(timepoint["folder"]) / "dicom"))
    return len(manifest["subjects"])
