"""Row ↔ dataclass converters. Rows never leave ``core.store``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from core.model.clinical import LesionCategory, NonTargetState, TargetState
from core.model.imaging import ImageRecord
from core.model.reading import (
    Caliper,
    Finding,
    Lesion,
    Measurement,
    ReadTimepoint,
    Role,
    TimepointStatus,
)
from core.model.trial import SeriesRecord, Signature, User

Row = dict[str, Any]


def user_from_row(row: Row) -> User:
    """A ``User`` (never its password hash)."""
    return User(row["id"], row["login"], row["display_name"], Role(row["role"]),
                bool(row["is_active"]), bool(row["is_locked"]))


def read_timepoint_from_row(row: Row) -> ReadTimepoint:
    """A read's timepoint; *row* joins ``timepoints`` with ``read_timepoints``."""
    return ReadTimepoint(row["timepoint_id"], row["label"], dt.date.fromisoformat(row["date"]),
                         row["nominal_week"], TimepointStatus(row["status"]),
                         bool(row["not_assessed"]), row.get("signed_utc"),
                         row.get("resign_reason"))


def lesion_from_row(row: Row) -> Lesion:
    """A ``Lesion``."""
    return Lesion(row["id"], row["label"], row["category"], row["organ"],
                  row["first_timepoint_id"], bool(row["is_node"]),
                  bool(row["is_previously_treated"]), bool(row["is_porta_hepatis"]),
                  row["kind"], row["location"])


def lesion_to_row(lesion: Lesion) -> Row:
    """The audit/insert form of a lesion (without its key)."""
    return {"label": lesion.label, "category": lesion.category.value, "organ": lesion.organ,
            "first_timepoint_id": lesion.first_timepoint_id, "is_node": int(lesion.is_node),
            "is_previously_treated": int(lesion.is_previously_treated),
            "is_porta_hepatis": int(lesion.is_porta_hepatis), "kind": lesion.kind,
            "location": lesion.location}


def _pair(text: str) -> tuple[float, float]:
    first, second = (float(value) for value in json.loads(text))
    return first, second


def _triple(text: str) -> tuple[float, float, float]:
    x, y, z = (float(value) for value in json.loads(text))
    return x, y, z


def measurement_from_row(row: Row) -> Measurement:
    """A ``Measurement``; lengths are stored as decimal text, so they come back exact.

    *row* may carry ``is_lossy`` from the image it was drawn on (a join with ``images``).
    """
    caliper = Caliper(_pair(row["start_rc"]), _pair(row["end_rc"]), _triple(row["start_xyz"]),
                      _triple(row["end_xyz"]),
                      Decimal(row["length_mm"]), row["sop_instance_uid"], row["frame"],
                      bool(row.get("is_lossy")))
    return Measurement(row["lesion_id"], row["timepoint_id"], row["kind"], caliper,
                       row.get("phase"))


def measurement_to_row(measurement: Measurement) -> Row:
    """The insert/audit form of a measurement."""
    caliper = measurement.caliper
    return {"lesion_id": measurement.lesion_id, "timepoint_id": measurement.timepoint_id,
            "kind": measurement.kind.value, "length_mm": str(caliper.length_mm),
            "start_rc": json.dumps(list(caliper.start_rc)),
            "end_rc": json.dumps(list(caliper.end_rc)),
            "start_xyz": json.dumps(list(caliper.start_xyz)),
            "end_xyz": json.dumps(list(caliper.end_xyz)),
            "sop_instance_uid": caliper.sop_instance_uid, "frame": caliper.frame,
            "phase": None if measurement.phase is None else measurement.phase.value}


_STATE_ENUMS: dict[str, type[TargetState] | type[NonTargetState]] = {
    LesionCategory.TARGET.value: TargetState,
    LesionCategory.NON_TARGET.value: NonTargetState,
}


def finding_from_row(row: Row) -> Finding:
    """A ``Finding``; *row* joins ``findings`` with its lesion's ``category``.

    Target and non-target states share the spelling "not_evaluable", so the lesion's
    category says which enum a stored state is.
    """
    state = row["state"]
    kind = _STATE_ENUMS.get(row["category"])
    return Finding(row["lesion_id"], row["timepoint_id"],
                   kind(state) if state is not None and kind is not None else state,
                   bool(row["arterial_enhancement"]), bool(row["washout"]),
                   bool(row["is_equivocal"]), bool(row["is_cytology_confirmed"]))


def finding_to_row(finding: Finding) -> Row:
    """The insert/audit form of a finding."""
    state = finding.state
    return {"lesion_id": finding.lesion_id, "timepoint_id": finding.timepoint_id,
            "state": None if state is None else str(state),
            "arterial_enhancement": int(finding.arterial_enhancement),
            "washout": int(finding.washout), "is_equivocal": int(finding.is_equivocal),
            "is_cytology_confirmed": int(finding.is_cytology_confirmed)}


def image_to_row(image: ImageRecord) -> Row:
    """The insert form of an image record (without its series)."""
    return {"sop_instance_uid": image.sop_instance_uid, "frame": image.frame,
            "rows": image.rows, "columns": image.columns,
            "origin_xyz": json.dumps(list(image.origin_xyz)),
            "row_direction": json.dumps(list(image.row_direction)),
            "column_direction": json.dumps(list(image.column_direction)),
            "pixel_spacing_mm": json.dumps(list(image.pixel_spacing_mm)),
            "is_lossy": int(image.is_lossy)}


def image_from_row(row: Row) -> ImageRecord:
    """An ``ImageRecord``."""
    return ImageRecord(row["sop_instance_uid"], row["frame"], row["rows"], row["columns"],
                       _triple(row["origin_xyz"]), _triple(row["row_direction"]),
                       _triple(row["column_direction"]), _pair(row["pixel_spacing_mm"]),
                       bool(row["is_lossy"]))


def series_from_row(row: Row) -> SeriesRecord:
    """A ``SeriesRecord``."""
    return SeriesRecord(row["id"], row["timepoint_id"], row["series_instance_uid"],
                        row["study_instance_uid"], row["modality"], row["phase"],
                        row["location"])


def signature_from_row(row: Row) -> Signature:
    """A ``Signature`` with the record it names, its signer and its signed text."""
    return Signature(row["id"], row["signer_name"], row["signed_utc"], row["meaning"],
                     row["entity"], row["content_sha256"], row["entity_id"], row["user_id"],
                     row.get("content_json"))
