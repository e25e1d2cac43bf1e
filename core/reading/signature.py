"""What an electronic signature covers, and the meanings a signer affirms (21 CFR 11.50).

A reader's signature of a timepoint covers the read as the engine will decide on it — every
lesion, state and length of the timepoints up to the signed one and any later signed one —
and where each length was measured: both ends of every caliper in pixels and in the
patient, and the image it was drawn on. Changing any of them changes the digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from core.criteria import case_to_data
from core.model.clinical import CaseOptions, Criteria
from core.model.reading import Read
from core.reading.case import build_case

SIGN_MEANING = "Author: I read this timepoint and am responsible for these assessments."
AMEND_MEANING = "Author: I made this amendment and am responsible for it."
ADJUDICATION_MEANING = "Adjudicator: I selected this read as the subject's final read."


def signed_content(read: Read, criteria: Criteria, options: CaseOptions | None,
                   through: int) -> dict[str, Any]:
    """The content a signature of the read's first *through* timepoints covers, as data.

    The case as the engine decides on it, and every caliper's ends and image
    (21 CFR 11.70: a signature is linked to its record; docs/reading.md §4).
    """
    kept = {tp.timepoint_id: tp.label for tp in read.timepoints[:through]}
    labels = {lesion.lesion_id: lesion.label for lesion in read.lesions}
    calipers = sorted(
        (
            {
                "timepoint": kept[m.timepoint_id], "lesion": labels[m.lesion_id],
                "kind": m.kind.value, "length_mm": str(m.length_mm),
                "start_rc": list(m.caliper.start_rc), "end_rc": list(m.caliper.end_rc),
                "start_xyz": list(m.caliper.start_xyz), "end_xyz": list(m.caliper.end_xyz),
                "sop_instance_uid": m.caliper.sop_instance_uid, "frame": m.caliper.frame,
            }
            for m in read.measurements if m.timepoint_id in kept
        ),
        key=lambda item: (item["timepoint"], item["lesion"], item["kind"]),
    )
    return {"case": case_to_data(build_case(read, criteria, options, through)),
            "calipers": calipers}


def content_sha256(content: dict[str, Any]) -> str:
    """SHA-256 of *content*'s canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
