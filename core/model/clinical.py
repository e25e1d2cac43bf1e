"""The clinical vocabulary: criteria, lesion categories and states, responses, options, triggers.

One set of words for every layer. The response engine (``core.criteria``) decides with them,
a reader's read (``core.model.reading``) records them, the store persists them and the
screens show them, so nothing translates between two spellings of the same thing. Enum
values are the standards' own strings (``ResponseCategory.PR.value == "PR"``): the case
file, the result file, the database, the PDF and the logs all read the same.

Sources, cited by the short names used throughout the code (docs/criteria.md lists them):
LL2010 (Lencioni & Llovet, Semin Liver Dis 2010;30:52-60, mRECIST), RECIST 1.1 (Eisenhauer
et al., Eur J Cancer 2009;45:228-247), EORTC-FAQ (the RECIST working group's answers,
recist.eortc.org).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Criteria(StrEnum):
    """The response criteria a case is evaluated under."""

    MRECIST = "mRECIST"
    RECIST11 = "RECIST1.1"


class ResponseCategory(StrEnum):
    """Target, non-target and overall response categories (RECIST 1.1 Tables 1-3; LL2010)."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    NON_CR_NON_PD = "NON-CR/NON-PD"
    PD = "PD"
    NE = "NE"
    ND = "ND"


class NewLesionStatus(StrEnum):
    """Whether a timepoint shows new lesions (RECIST 1.1 §4.3.2; LL2010)."""

    NO = "NO"
    EQUIVOCAL = "EQUIVOCAL"
    YES = "YES"


class LesionCategory(StrEnum):
    """How a read classifies a lesion (RECIST 1.1 §3.3, §4.2; LL2010)."""

    TARGET = "target"
    NON_TARGET = "non_target"
    NEW = "new"


# The label prefix each category's lesions carry: T1, NT1, N1 (docs/case-format.md).
LABEL_PREFIX: dict[LesionCategory, str] = {
    LesionCategory.TARGET: "T",
    LesionCategory.NON_TARGET: "NT",
    LesionCategory.NEW: "N",
}


class TargetState(StrEnum):
    """How a target lesion was recorded at one timepoint (RECIST 1.1 §4.1; EORTC-FAQ)."""

    MEASURED = "measured"
    DISAPPEARED = "disappeared"
    TOO_SMALL = "too_small"
    MERGED = "merged"
    NOT_EVALUABLE = "not_evaluable"


class NonTargetState(StrEnum):
    """How a non-target lesion was recorded at one timepoint (RECIST 1.1 §4.3.3; LL2010)."""

    PRESENT = "present"
    ABSENT = "absent"
    PROGRESSED = "progressed"
    NOT_EVALUABLE = "not_evaluable"


# What a finding may record about a lesion at one timepoint, by category. A new lesion has
# no state: what the reader saw (enhancement, washout) decides, in the engine.
LesionState = TargetState | NonTargetState


class Trigger(StrEnum):
    """One reason a dual read goes to adjudication (docs/reading.md §3)."""

    BEST_OVERALL_RESPONSE = "best_overall_response"
    PROGRESSION_DATE = "progression_date"
    FIRST_RESPONSE = "first_response"
    ANY_TIMEPOINT_RESPONSE = "any_timepoint_response"


# The three differences that change a trial's endpoints are on by default; a charter may add
# any timepoint's overall response (docs/reading.md §3).
DEFAULT_TRIGGERS: tuple[Trigger, ...] = (
    Trigger.BEST_OVERALL_RESPONSE,
    Trigger.PROGRESSION_DATE,
    Trigger.FIRST_RESPONSE,
)


def to_decimal(value: Decimal | int | float | str, name: str) -> Decimal:
    """Return *value* as an exact ``Decimal``; floats go through their shortest repr.

    ``Decimal(str(25.2))`` is ``Decimal("25.2")`` whereas ``Decimal(25.2)`` is the binary
    approximation 25.199999999999999289..., which would move a +20 % boundary. The one
    check of a length, wherever a length enters (case files, calipers, options).

    Raises
    ------
    ValueError
        If *value* is a bool, not a finite number, or negative.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{name}: must be a number, not {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{name}: must be a number, not {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name}: must be a finite number, not {value!r}")
    if number < 0:
        raise ValueError(f"{name}: must be a number ≥ 0, not {value!r}")
    return number


def optional_decimal(value: Decimal | int | float | str | None, name: str) -> Decimal | None:
    """``to_decimal`` of *value*, or ``None`` for ``None``."""
    return None if value is None else to_decimal(value, name)


@dataclass(frozen=True, slots=True)
class CaseOptions:
    """A trial's engine options as recorded; ``None`` means the criteria's default.

    The effective values are ``core.criteria.options.Options`` (docs/criteria.md §7).
    """

    confirmation_days: int | None = None
    sd_min_days: int | None = None
    pd_min_increase_mm: Decimal | None = None
    max_targets: int | None = None
    max_targets_per_organ: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "pd_min_increase_mm",
            optional_decimal(self.pd_min_increase_mm, "pd_min_increase_mm"),
        )
        for name, minimum in (
            ("confirmation_days", 0),
            ("sd_min_days", 0),
            ("max_targets", 1),
            ("max_targets_per_organ", 1),
        ):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < minimum
            ):
                raise ValueError(f"{name}: must be an integer ≥ {minimum}, not {value!r}")

    def recorded(self) -> dict[str, int | Decimal]:
        """The options that are set, by name (what a case file or the trial row records)."""
        return {name: value for name in CaseOptions.__slots__
                if (value := getattr(self, name)) is not None}
