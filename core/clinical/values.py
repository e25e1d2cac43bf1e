"""What the clinical rules share: their error and the one check of a number they are given.

Every rule of ``core.clinical`` takes plain values (``Decimal``, ``int``, ``str``, ``date``)
so that the clinical store, the actions and ``mrecist labs`` can call it alike; a value it
cannot use is a ``ClinicalDataError`` naming the field and the reason (docs/clinical.md).
"""

from __future__ import annotations

from decimal import Decimal

from core.errors import InvalidValueError
from core.model.clinical import to_decimal

Number = Decimal | int | float | str


class ClinicalDataError(InvalidValueError):
    """A clinical value cannot be graded or scored: an unknown test or unit, a value that is
    not a number ≥ 0, a limit that contradicts another; ``str()`` is ``FIELD: REASON, not
    VALUE``."""


def clinical_number(value: Number, field: str) -> Decimal:
    """*value* as an exact ``Decimal`` ≥ 0 (``core.model.clinical.to_decimal``'s limits).

    Raises
    ------
    ClinicalDataError
        Naming *field*: not a number, not finite, negative, or past the input limits.
    """
    try:
        return to_decimal(value, field)
    except InvalidValueError as error:
        raise ClinicalDataError(field, value, error.reason) from None


def optional_number(value: Number | None, field: str) -> Decimal | None:
    """``clinical_number`` of *value*, or ``None`` for ``None``."""
    return None if value is None else clinical_number(value, field)
