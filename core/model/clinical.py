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

from core.errors import InvalidValueError


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


# A recorded number has at most this many significant digits and a size within 1E-40 ..
# 1E+40 (docs/input-limits.md): far more than any length a reader draws or a tool writes
# (a float's shortest repr has 17 digits), few enough that exact sums (200 digits,
# core.criteria.targets.exact_sum) stay exact and exact fractions stay cheap: 1E-999999999
# as a fraction would need a billion-digit integer.
MAX_NUMBER_DIGITS = 40
MAX_NUMBER_EXPONENT = 40


def number_refusal(number: Decimal) -> str | None:
    """Why *number* cannot be recorded (not finite, too many digits, too large, too many
    decimal places), or ``None``."""
    if not number.is_finite():
        return "must be a finite number"
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) > MAX_NUMBER_DIGITS:
        return f"must have at most {MAX_NUMBER_DIGITS} significant digits"
    if exponent < -MAX_NUMBER_EXPONENT:
        return f"must have at most {MAX_NUMBER_EXPONENT} decimal places"
    if number.adjusted() >= MAX_NUMBER_EXPONENT:
        return f"must be below 1E+{MAX_NUMBER_EXPONENT}"
    return None


def to_decimal(value: Decimal | int | float | str, name: str) -> Decimal:
    """Return *value* as an exact ``Decimal``; floats go through their shortest repr.

    ``Decimal(str(25.2))`` is ``Decimal("25.2")`` whereas ``Decimal(25.2)`` is the binary
    approximation 25.199999999999999289..., which would move a +20 % boundary. The one
    check of a length, wherever a length enters (case files, calipers, options).

    Raises
    ------
    InvalidValueError
        If *value* is a bool, not a number, not finite, negative, or past the limits of
        ``number_refusal``; a ``ValueError`` too.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise InvalidValueError(name, value, "must be a number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (ArithmeticError, ValueError):  # not a number; an int past str()'s 4,300 digits
        raise InvalidValueError(name, value, "must be a number") from None
    refusal = number_refusal(number)
    if refusal is not None:
        raise InvalidValueError(name, value, refusal)
    if number < 0:
        raise InvalidValueError(name, value, "must be a number ≥ 0")
    return number


def optional_decimal(value: Decimal | int | float | str | None, name: str) -> Decimal | None:
    """``to_decimal`` of *value*, or ``None`` for ``None``."""
    return None if value is None else to_decimal(value, name)


# Bounds of the integer options (the case schema says the same): a century of days and a
# thousand targets are past any charter, and keep the values within SQLite's integers.
MAX_OPTION_DAYS = 36_525
MAX_OPTION_COUNT = 1_000


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
        for name, minimum, maximum in (
            ("confirmation_days", 0, MAX_OPTION_DAYS),
            ("sd_min_days", 0, MAX_OPTION_DAYS),
            ("max_targets", 1, MAX_OPTION_COUNT),
            ("max_targets_per_organ", 1, MAX_OPTION_COUNT),
        ):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int)
                or not minimum <= value <= maximum
            ):
                raise InvalidValueError(name, value,
                                        f"must be an integer from {minimum} to {maximum}")

    def recorded(self) -> dict[str, int | Decimal]:
        """The options that are set, by name (what a case file or the trial row records)."""
        return {name: value for name in CaseOptions.__slots__
                if (value := getattr(self, name)) is not None}
