"""The engine's records: a case's timepoints and lesions in, assessments and results out.

The words (criteria, states, response categories, options) are ``core.model.clinical``'s,
shared with the read, the store and the screens. Lengths are ``decimal.Decimal``
millimetres taken from the recorded text, never binary floats, because the thresholds are
decided on exact decimal values (see ``core.criteria.targets``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from core.model.clinical import (
    CaseOptions,
    Criteria,
    NewLesionStatus,
    NonTargetState,
    ResponseCategory,
    TargetState,
    optional_decimal,
)

# The organ name that makes a lesion a lymph node whatever else is recorded (RECIST 1.1 §3.1.1).
LYMPH_NODE_ORGAN = "lymph_node"
# The only organ whose non-nodal lesions mRECIST measures as viable tumour (LL2010).
LIVER_ORGAN = "liver"


def _require_text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name}: must be a non-empty string, not {value!r}")


@dataclass(frozen=True, slots=True)
class TargetLesion:
    """A target lesion as recorded at one timepoint (docs/case-format.md, ``target``)."""

    id: str
    organ: str
    state: TargetState = TargetState.MEASURED
    longest_mm: Decimal | None = None
    viable_mm: Decimal | None = None
    short_axis_mm: Decimal | None = None
    node: bool | None = None
    porta_hepatis: bool = False
    previously_treated: bool = False
    location: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.id, "id")
        _require_text(self.organ, "organ")
        object.__setattr__(self, "state", TargetState(self.state))
        for name in ("longest_mm", "viable_mm", "short_axis_mm"):
            object.__setattr__(self, name, optional_decimal(getattr(self, name), name))

    @property
    def is_node(self) -> bool:
        """True for a lymph node: organ ``lymph_node`` always is one (docs/criteria.md §2)."""
        return self.organ == LYMPH_NODE_ORGAN or bool(self.node)

    @property
    def is_intrahepatic(self) -> bool:
        """True for a non-nodal liver lesion, the kind mRECIST measures as viable tumour."""
        return self.organ == LIVER_ORGAN and not self.is_node


@dataclass(frozen=True, slots=True)
class NonTargetLesion:
    """A non-target lesion as recorded at one timepoint (docs/case-format.md, ``non_target``)."""

    id: str
    organ: str
    state: NonTargetState
    kind: str | None = None
    cytology_confirmed: bool = False

    def __post_init__(self) -> None:
        _require_text(self.id, "id")
        _require_text(self.organ, "organ")
        object.__setattr__(self, "state", NonTargetState(self.state))


@dataclass(frozen=True, slots=True)
class NewLesion:
    """A new lesion as recorded at one timepoint (docs/case-format.md, ``new``).

    What the reader saw is recorded here; whether the lesion is unequivocal is the engine's
    decision (``core.criteria.new_lesions``).
    """

    id: str
    organ: str
    longest_mm: Decimal | None = None
    arterial_enhancement: bool = False
    washout: bool = False
    kind: str | None = None
    cytology_confirmed: bool = False
    equivocal: bool = False

    def __post_init__(self) -> None:
        _require_text(self.id, "id")
        _require_text(self.organ, "organ")
        object.__setattr__(self, "longest_mm", optional_decimal(self.longest_mm, "longest_mm"))


@dataclass(frozen=True, slots=True)
class Timepoint:
    """One assessment date; the first timepoint of a case is the baseline."""

    label: str
    date: dt.date
    target: tuple[TargetLesion, ...] = ()
    non_target: tuple[NonTargetLesion, ...] = ()
    new: tuple[NewLesion, ...] = ()
    not_assessed: bool = False

    def __post_init__(self) -> None:
        _require_text(self.label, "label")
        if not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime):
            raise ValueError(f"date: must be a datetime.date, not {self.date!r}")
        for name in ("target", "non_target", "new"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.not_assessed and (self.target or self.non_target or self.new):
            raise ValueError("not_assessed: a timepoint that was not assessed has no lesions")


@dataclass(frozen=True, slots=True)
class Options:
    """The effective options a case is evaluated with (``core.criteria.options``)."""

    confirmation_days: int
    sd_min_days: int
    pd_min_increase_mm: Decimal
    max_targets: int
    max_targets_per_organ: int


@dataclass(frozen=True, slots=True)
class Case:
    """One subject's timepoints as one reader recorded them (``mrecist-case/1``)."""

    subject: str
    criteria: Criteria
    timepoints: tuple[Timepoint, ...]
    options: CaseOptions = field(default_factory=CaseOptions)

    def __post_init__(self) -> None:
        _require_text(self.subject, "subject")
        object.__setattr__(self, "criteria", Criteria(self.criteria))
        object.__setattr__(self, "timepoints", tuple(self.timepoints))
        if not self.timepoints:
            raise ValueError("timepoints: a case needs at least its baseline timepoint")

    @property
    def baseline(self) -> Timepoint:
        """The first timepoint."""
        return self.timepoints[0]


@dataclass(frozen=True, slots=True)
class Assessment:
    """One decision of the engine with the sentence that explains it.

    Attributes
    ----------
    category
        The decided category.
    reason
        One sentence a radiologist can check, naming the rule and the numbers.
    rule_refs
        The sources of the rule (``"LL2010"``, ``"RECIST 1.1 Table 1"``, ``"EORTC-FAQ"``, ...).
    """

    category: ResponseCategory | NewLesionStatus
    reason: str
    rule_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TimepointResult:
    """The engine's reading of one timepoint.

    Percentages are exact fractions (``Fraction(-30)`` for exactly −30 %); they are rounded
    only when serialised. ``sum_mm`` is ``None`` when a target is not evaluable or the
    timepoint was not assessed. Baseline rows carry no assessments.
    """

    label: str
    date: dt.date
    days_since_baseline: int
    sum_mm: Decimal | None
    nadir_sum_mm: Decimal | None
    change_from_baseline_pct: Fraction | None
    change_from_nadir_pct: Fraction | None
    target: Assessment | None
    non_target: Assessment | None
    new_lesions: Assessment | None
    overall: Assessment | None
    not_assessed: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        """The sentences of this row's decisions, in the order they were taken."""
        decisions = (self.target, self.non_target, self.new_lesions, self.overall)
        return tuple(decision.reason for decision in decisions if decision is not None)


@dataclass(frozen=True, slots=True)
class Progression:
    """The subject's progression timepoint (docs/criteria.md §5 and §6)."""

    label: str
    date: dt.date
    timepoint_index: int
    is_backdated: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Result:
    """Everything the engine decided for one subject (``mrecist-result/1``)."""

    subject: str
    criteria: Criteria
    options: Options
    baseline_sum_mm: Decimal | None
    timepoints: tuple[TimepointResult, ...]
    best_overall_response: Assessment
    confirmed_best_overall_response: Assessment
    progression: Progression | None
    best_change_from_baseline_pct: Fraction | None
    warnings: tuple[str, ...] = ()
