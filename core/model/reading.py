"""The vocabulary of one reader's read: lesions, calipers, findings, timepoint states.

Plain frozen values that the store returns and the reading widgets will show. Identity:
``Lesion.label`` (``T1``, ``NT1``, ``N1``) names the same lesion at every timepoint of a
read; ``lesion_id`` is the store's key. Coordinates follow the house rule: ``*_rc`` is
(row, col) in image indices, ``*_xyz`` DICOM patient coordinates (LPS) in mm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    """What a user of the trial store may do."""

    READER = "reader"
    ADJUDICATOR = "adjudicator"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class LesionCategory(StrEnum):
    """How a read classifies a lesion (RECIST 1.1 / mRECIST vocabulary)."""

    TARGET = "target"
    NON_TARGET = "non_target"
    NEW = "new"


# The label prefix each category's lesions carry: T1, NT1, N1 (case-format.md).
LABEL_PREFIX = {LesionCategory.TARGET: "T", LesionCategory.NON_TARGET: "NT",
                LesionCategory.NEW: "N"}


class MeasurementKind(StrEnum):
    """What a caliper measures: mRECIST viable diameter, total diameter, node short axis."""

    VIABLE = "viable"
    TOTAL = "total"
    SHORT_AXIS = "short_axis"


class TimepointStatus(StrEnum):
    """Where one timepoint of one read is in the workflow.

    ``open`` → ``signed`` by the reader's signature; ``signed`` → ``amending`` by an
    amendment with a reason; ``amending`` → ``signed`` by a new signature.
    """

    OPEN = "open"
    SIGNED = "signed"
    AMENDING = "amending"


Point2 = tuple[float, float]
Point3 = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Lesion:
    """One lesion of a read, the same at every timepoint."""

    lesion_id: int
    label: str
    category: LesionCategory
    organ: str
    first_timepoint_id: int
    is_node: bool = False
    is_previously_treated: bool = False
    is_porta_hepatis: bool = False
    kind: str | None = None
    location: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", LesionCategory(self.category))
        if not self.label.startswith(LABEL_PREFIX[self.category]):
            raise ValueError(f"label: a {self.category} lesion is labelled "
                             f"{LABEL_PREFIX[self.category]}n, not {self.label!r}")
        if not self.organ:
            raise ValueError("organ: must not be empty")


@dataclass(frozen=True, slots=True)
class Measurement:
    """One caliper: a lesion's length at one timepoint, with where it was drawn."""

    lesion_id: int
    timepoint_id: int
    kind: MeasurementKind
    length_mm: Decimal
    start_rc: Point2
    end_rc: Point2
    start_xyz: Point3
    end_xyz: Point3
    sop_instance_uid: str
    frame: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MeasurementKind(self.kind))
        length = self.length_mm
        if isinstance(length, bool) or not isinstance(length, Decimal | int | float | str):
            raise ValueError(f"length_mm: must be a number, not {length!r}")
        number = length if isinstance(length, Decimal) else Decimal(str(length))
        if not number.is_finite() or number < 0:
            raise ValueError(f"length_mm: must be a finite number ≥ 0, not {length!r}")
        object.__setattr__(self, "length_mm", number)
        for name, size in (("start_rc", 2), ("end_rc", 2), ("start_xyz", 3), ("end_xyz", 3)):
            value = tuple(float(v) for v in getattr(self, name))
            if len(value) != size:
                raise ValueError(f"{name}: needs {size} coordinates, not {len(value)}")
            object.__setattr__(self, name, value)
        if not self.sop_instance_uid:
            raise ValueError("sop_instance_uid: must not be empty")
        if self.frame < 0:
            raise ValueError(f"frame: must be ≥ 0, not {self.frame}")


@dataclass(frozen=True, slots=True)
class Finding:
    """What the reader recorded about a lesion at one timepoint besides its calipers.

    ``state`` is a target state (``measured``, ``disappeared``, ``too_small``, ``merged``,
    ``not_evaluable``) or a non-target state (``present``, ``absent``, ``progressed``,
    ``not_evaluable``); new lesions carry what was seen (enhancement, washout, equivocal).
    """

    lesion_id: int
    timepoint_id: int
    state: str | None = None
    arterial_enhancement: bool = False
    washout: bool = False
    is_equivocal: bool = False
    is_cytology_confirmed: bool = False


@dataclass(frozen=True, slots=True)
class ReadTimepoint:
    """One timepoint of a read as the reader sees it."""

    timepoint_id: int
    label: str
    date: dt.date
    nominal_week: int | None
    status: TimepointStatus
    is_not_assessed: bool = False
    signed_utc: str | None = None


@dataclass(frozen=True, slots=True)
class Read:
    """One reader's read of one subject; for the adjudicator it carries no reader identity."""

    task_id: int
    subject: str
    timepoints: tuple[ReadTimepoint, ...]
    lesions: tuple[Lesion, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    findings: tuple[Finding, ...] = ()

    def lesion(self, label: str) -> Lesion:
        """The lesion labelled *label* (``KeyError`` if the read has none)."""
        for lesion in self.lesions:
            if lesion.label == label:
                return lesion
        raise KeyError(label)

    def timepoint(self, label: str) -> ReadTimepoint:
        """The timepoint labelled *label* (``KeyError`` if the subject has none)."""
        for timepoint in self.timepoints:
            if timepoint.label == label:
                return timepoint
        raise KeyError(label)
