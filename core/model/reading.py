"""The vocabulary of one reader's read: lesions, calipers, findings, timepoint states.

Plain frozen values that the store returns and the reading widgets will show. Identity:
``Lesion.label`` (``T1``, ``NT1``, ``N1``) names the same lesion at every timepoint of a
read; ``lesion_id`` is the store's key. Coordinates follow the house rule: ``*_rc`` is
(row, col) in image indices, ``*_xyz`` DICOM patient coordinates (LPS) in mm.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.errors import InvalidValueError
from core.model.clinical import (
    LABEL_PREFIX,
    LesionCategory,
    LesionState,
    to_decimal,
)
from core.model.imaging import Phase


class Role(StrEnum):
    """What a user of the trial store may do."""

    READER = "reader"
    ADJUDICATOR = "adjudicator"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


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


def finite_point(value: Iterable[float], name: str, size: int) -> tuple[float, ...]:
    """*value* as *size* finite floats (a caliper end, a plane's origin or direction).

    Raises
    ------
    InvalidValueError
        Naming *name* and the value, if it is not *size* numbers or one is NaN or infinite.
    """
    try:
        point = tuple(float(v) for v in value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int past 1e308
        raise InvalidValueError(name, value, f"needs {size} coordinates") from None
    if len(point) != size or not all(math.isfinite(v) for v in point):
        raise InvalidValueError(name, value, f"needs {size} finite coordinates")
    return point


@dataclass(frozen=True, slots=True)
class Caliper:
    """A line drawn on one image and measured in the patient: what a caliper tool makes.

    ``length_mm`` is the distance between ``start_xyz`` and ``end_xyz`` rounded to the
    stated precision (``core.geometry.CALIPER_PRECISION_MM``); the points are where the
    reader put the ends, in the image's pixels (row, column, fractional) and in patient
    coordinates. ``frame`` is 0 for a single-frame image, else the 1-based frame number
    of a multi-frame object (DICOM ReferencedFrameNumber). ``on_lossy_image`` is True when
    the image is or was lossy compressed, so the measurement says so wherever it is shown.

    Raises
    ------
    InvalidValueError
        Naming the field and the value: a length that is not a finite number ≥ 0 within
        ``core.model.clinical.number_refusal``'s limits, an end point that is not finite,
        an empty UID, a negative frame.
    """

    start_rc: Point2
    end_rc: Point2
    start_xyz: Point3
    end_xyz: Point3
    length_mm: Decimal
    sop_instance_uid: str
    frame: int = 0
    on_lossy_image: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "length_mm", to_decimal(self.length_mm, "length_mm"))
        for name, size in (("start_rc", 2), ("end_rc", 2), ("start_xyz", 3), ("end_xyz", 3)):
            object.__setattr__(self, name, finite_point(getattr(self, name), name, size))
        if not isinstance(self.sop_instance_uid, str) or not self.sop_instance_uid:
            raise InvalidValueError("sop_instance_uid", self.sop_instance_uid,
                                    "must be a non-empty string")
        if isinstance(self.frame, bool) or not isinstance(self.frame, int) or self.frame < 0:
            raise InvalidValueError("frame", self.frame, "must be an integer ≥ 0")


@dataclass(frozen=True, slots=True)
class Measurement:
    """One caliper of a read: a lesion's length of one kind at one timepoint.

    ``phase`` is the contrast phase of the series the caliper was drawn on, as the store
    knew it at the save (``None`` for calipers saved before it was recorded). mRECIST
    measures on the arterial phase; a caliper drawn on another phase, which the reader
    confirmed, says so wherever it is shown.
    """

    lesion_id: int
    timepoint_id: int
    kind: MeasurementKind
    caliper: Caliper
    phase: Phase | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", MeasurementKind(self.kind))
        except ValueError:
            raise InvalidValueError("kind", self.kind, "must be one of "
                                    + ", ".join(kind.value for kind in MeasurementKind)) from None
        if not isinstance(self.caliper, Caliper):
            raise InvalidValueError("caliper", self.caliper, "must be a Caliper")
        if self.phase is not None:
            try:
                object.__setattr__(self, "phase", Phase(self.phase))
            except ValueError:
                raise InvalidValueError("phase", self.phase, "is not a contrast phase") from None

    @property
    def length_mm(self) -> Decimal:
        """The caliper's length in mm (exact decimal, as recorded)."""
        return self.caliper.length_mm

    @property
    def key(self) -> tuple[int, int, MeasurementKind]:
        """(lesion, timepoint, kind): a read holds at most one measurement per key."""
        return self.lesion_id, self.timepoint_id, self.kind


@dataclass(frozen=True, slots=True)
class KeyImage:
    """The rendered key image of one caliper: a PNG named by its SHA-256, beside the
    store's images, and the digest of the caliper it shows (a moved caliper's old image is
    stale until rendered again)."""

    png_sha256: str
    path: str  # relative to the store's folder
    caliper_sha256: str
    created_utc: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What the reader recorded about a lesion at one timepoint besides its calipers.

    ``state`` is a ``TargetState`` for a target, a ``NonTargetState`` for a non-target and
    ``None`` for a new lesion, which carries what was seen (enhancement, washout,
    equivocal). Both enums spell "not_evaluable" alike, so a plain string is resolved
    against the lesion's category by ``core.reading.finding_state`` and the store; a
    ``Finding`` that came out of either holds the enum.
    """

    lesion_id: int
    timepoint_id: int
    state: LesionState | str | None = None
    arterial_enhancement: bool = False
    washout: bool = False
    is_equivocal: bool = False
    is_cytology_confirmed: bool = False

    @property
    def key(self) -> tuple[int, int]:
        """(lesion, timepoint): a read holds at most one finding per key."""
        return self.lesion_id, self.timepoint_id


@dataclass(frozen=True, slots=True)
class ReadTimepoint:
    """One timepoint of a read as the reader sees it.

    ``resign_reason`` is set on a signed timepoint whose signature an amendment of an
    earlier timepoint made stale ("Baseline was amended on 2026-03-02: T1 re-measured"):
    it stays signed (immutable) but is not a valid signature for a cycle or an export
    until the reader signs it again (docs/signatures.md §4). For the adjudicator,
    ``signed_utc`` holds the date only (docs/reading.md §2).
    """

    timepoint_id: int
    label: str
    date: dt.date
    nominal_week: int | None
    status: TimepointStatus
    is_not_assessed: bool = False
    signed_utc: str | None = None
    resign_reason: str | None = None

    @property
    def needs_resignature(self) -> bool:
        """True when the timepoint is signed but waits for the reader's new signature."""
        return self.status is TimepointStatus.SIGNED and self.resign_reason is not None


@dataclass(frozen=True, slots=True)
class Read:
    """One reader's read of one subject; for the adjudicator it carries no reader identity."""

    task_id: int
    subject: str
    timepoints: tuple[ReadTimepoint, ...]
    lesions: tuple[Lesion, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def statuses(self) -> tuple[TimepointStatus, ...]:
        """Each timepoint's status, in date order (what the workflow rules decide on)."""
        return tuple(timepoint.status for timepoint in self.timepoints)

    def index_of(self, timepoint_id: int) -> int | None:
        """The position of timepoint *timepoint_id* (0 = baseline), or ``None``."""
        for index, timepoint in enumerate(self.timepoints):
            if timepoint.timepoint_id == timepoint_id:
                return index
        return None

    def lesion_with_id(self, lesion_id: int) -> Lesion | None:
        """The lesion with key *lesion_id*, or ``None``."""
        return next((lesion for lesion in self.lesions if lesion.lesion_id == lesion_id), None)

    def measurement(self, lesion_id: int, timepoint_id: int,
                    kind: MeasurementKind) -> Measurement | None:
        """The lesion's caliper of *kind* at the timepoint, or ``None``."""
        key = (lesion_id, timepoint_id, MeasurementKind(kind))
        return next((m for m in self.measurements if m.key == key), None)

    def finding(self, lesion_id: int, timepoint_id: int) -> Finding | None:
        """What was recorded about the lesion at the timepoint, or ``None``."""
        return next((f for f in self.findings if f.key == (lesion_id, timepoint_id)), None)

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
