"""Row ↔ dataclass converters. Rows never leave ``core.store``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from core.model.reading import (
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
                         bool(row["not_assessed"]), row.get("signed_utc"))


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


def measurement_from_row(row: Row) -> Measurement:
    """A ``Measurement``; lengths are stored as decimal text, so they come back exact."""
    return Measurement(row["lesion_id"], row["timepoint_id"], row["kind"],
                       Decimal(row["length_mm"]), tuple(json.loads(row["start_rc"])),
                       tuple(json.loads(row["end_rc"])), tuple(json.loads(row["start_xyz"])),
                       tuple(json.loads(row["end_xyz"])), row["sop_instance_uid"],
                       row["frame"])


def measurement_to_row(measurement: Measurement) -> Row:
    """The insert/audit form of a measurement."""
    return {"lesion_id": measurement.lesion_id, "timepoint_id": measurement.timepoint_id,
            "kind": measurement.kind.value, "length_mm": str(measurement.length_mm),
            "start_rc": json.dumps(list(measurement.start_rc)),
            "end_rc": json.dumps(list(measurement.end_rc)),
            "start_xyz": json.dumps(list(measurement.start_xyz)),
            "end_xyz": json.dumps(list(measurement.end_xyz)),
            "sop_instance_uid": measurement.sop_instance_uid, "frame": measurement.frame}


def finding_from_row(row: Row) -> Finding:
    """A ``Finding``."""
    return Finding(row["lesion_id"], row["timepoint_id"], row["state"],
                   bool(row["arterial_enhancement"]), bool(row["washout"]),
                   bool(row["is_equivocal"]), bool(row["is_cytology_confirmed"]))


def finding_to_row(finding: Finding) -> Row:
    """The insert/audit form of a finding."""
    return {"lesion_id": finding.lesion_id, "timepoint_id": finding.timepoint_id,
            "state": finding.state, "arterial_enhancement": int(finding.arterial_enhancement),
            "washout": int(finding.washout), "is_equivocal": int(finding.is_equivocal),
            "is_cytology_confirmed": int(finding.is_cytology_confirmed)}


def series_from_row(row: Row) -> SeriesRecord:
    """A ``SeriesRecord``."""
    return SeriesRecord(row["id"], row["timepoint_id"], row["series_instance_uid"],
                        row["study_instance_uid"], row["modality"], row["phase"],
                        row["location"])


def signature_from_row(row: Row) -> Signature:
    """A ``Signature``."""
    return Signature(row["id"], row["signer_name"], row["signed_utc"], row["meaning"],
                     row["entity"], row["content_sha256"])
