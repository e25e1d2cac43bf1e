"""A perfect reader's case file for a demo subject, from the studies' ground truth.

This is what a reader who measured every lesion exactly would record, in the
``mrecist-case/1`` format of ``mrecist evaluate``. It closes the loop from phantom to
response engine: the engine's response at each timepoint must be the response the scenario
was designed to give (``intended_response`` in the ground truth).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CASE_FORMAT = "mrecist-case/1"

# Readers record calipers to a tenth of a millimetre.
RECORDED_DECIMALS = 1


def _mm(value: float) -> float:
    return round(float(value), RECORDED_DECIMALS)


def _target(lesion: dict[str, Any]) -> dict[str, Any]:
    if lesion["organ"] == "lymph_node":
        return {"id": lesion["id"], "organ": "lymph_node", "node": True,
                "short_axis_mm": _mm(lesion["short_axis_mm"])}
    return {"id": lesion["id"], "organ": lesion["organ"],
            "longest_mm": _mm(lesion["total_longest_diameter_mm"]),
            "viable_mm": _mm(lesion["viable_longest_diameter_mm"])}


def _non_target(lesion: dict[str, Any]) -> dict[str, Any]:
    kind = "tumour_thrombus" if lesion["pattern"] == "tumour_thrombus" else "node"
    return {"id": lesion["id"], "organ": lesion["organ"], "kind": kind, "state": "present"}


def _new(lesion: dict[str, Any]) -> dict[str, Any]:
    typical = lesion["pattern"] == "typical_hcc"
    return {"id": lesion["id"], "organ": lesion["organ"],
            "longest_mm": _mm(lesion["total_longest_diameter_mm"]),
            "arterial_enhancement": typical, "washout": typical}


def timepoint_from_truth(truth: dict[str, Any]) -> dict[str, Any]:
    """One ``timepoints[]`` entry of a case file from a study's ground truth."""
    lesions = truth["lesions"]
    return {
        "label": truth["timepoint"],
        "date": truth["study_date"],
        "target": [_target(les) for les in lesions if les["role"] == "target"],
        "non_target": [_non_target(les) for les in lesions if les["role"] == "non_target"],
        "new": [_new(les) for les in lesions if les["role"] == "new"],
    }


def perfect_reader_case(trial_folder: Path, subject: str,
                        criteria: str = "mRECIST") -> dict[str, Any]:
    """The case file of *subject* in the demo trial at *trial_folder*, measured exactly."""
    manifest = json.loads((trial_folder / "trial.json").read_text())
    entry = next(s for s in manifest["subjects"] if s["subject"] == subject)
    truths = [json.loads((trial_folder / tp["ground_truth"]).read_text())
              for tp in entry["timepoints"]]
    return {
        "format": CASE_FORMAT,
        "subject": subject,
        "criteria": criteria,
        "timepoints": [timepoint_from_truth(t) for t in truths],
    }
