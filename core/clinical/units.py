"""Lab values in the units CTCAE v4.03 is graded in (docs/clinical.md §2).

Each test (a CDISC LBTESTCD code) has one grading unit; a value in another unit the table
knows is converted exactly (``Decimal``), anything else is refused, never guessed: a
platelet count in the wrong unit would be graded four grades off.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from types import MappingProxyType

from core.clinical.values import ClinicalDataError

# Counts: 10^9/L = 10^3/uL = 1000/mm3 (1 mm3 = 1 uL), so the factor is exactly 1.
_COUNT = {"10^9/L": Decimal(1), "10^3/uL": Decimal(1), "1000/mm3": Decimal(1),
          "10^3/mm3": Decimal(1)}
_ENZYME = {"U/L": Decimal(1), "IU/L": Decimal(1)}
# Sodium and potassium are monovalent: 1 mEq/L = 1 mmol/L.
_ION = {"mmol/L": Decimal(1), "mEq/L": Decimal(1)}

# test → (grading unit, {unit: factor to the grading unit}). The factors are the doc's:
# HGB and ALB g/dL × 10; BILI mg/dL × 17.1; CREAT mg/dL × 88.4; GLUC mg/dL ÷ 18.016 (a
# divisor: see ``_DIVIDED``). An INR has no unit: empty, "ratio" or "INR".
_UNITS: dict[str, tuple[str, dict[str, Decimal]]] = {
    "PLAT": ("10^9/L", _COUNT),
    "WBC": ("10^9/L", _COUNT),
    "NEUT": ("10^9/L", _COUNT),
    "LYM": ("10^9/L", _COUNT),
    "HGB": ("g/L", {"g/L": Decimal(1), "g/dL": Decimal(10)}),
    "ALB": ("g/L", {"g/L": Decimal(1), "g/dL": Decimal(10)}),
    "AST": ("U/L", _ENZYME),
    "ALT": ("U/L", _ENZYME),
    "ALP": ("U/L", _ENZYME),
    "GGT": ("U/L", _ENZYME),
    "BILI": ("umol/L", {"umol/L": Decimal(1), "mg/dL": Decimal("17.1")}),
    "INR": ("ratio", {"": Decimal(1), "ratio": Decimal(1), "INR": Decimal(1)}),
    "CREAT": ("umol/L", {"umol/L": Decimal(1), "mg/dL": Decimal("88.4")}),
    "GLUC": ("mmol/L", {"mmol/L": Decimal(1), "mg/dL": Decimal("18.016")}),
    "SODIUM": ("mmol/L", _ION),
    "K": ("mmol/L", _ION),
}
# Units whose factor divides: glucose mg/dL ÷ 18.016 = mmol/L.
_DIVIDED = frozenset({("GLUC", "mg/dL")})

TESTS: tuple[str, ...] = tuple(_UNITS)
GRADING_UNITS = MappingProxyType({test: unit for test, (unit, _) in _UNITS.items()})

# Spellings of the same unit: µ or μ for u, ³ for 3, "x10^9/L", "10*9/L", "10E9/L".
_POWER = re.compile(r"^(?:x|×)?10(?:\^|\*|e)(\d+)")


def normalised_test(test: str) -> str:
    """The LBTESTCD code *test* names (case and surrounding spaces ignored).

    Raises
    ------
    ClinicalDataError
        If it is not one of ``TESTS``.
    """
    code = test.strip().upper()
    if code not in _UNITS:
        raise ClinicalDataError("test", test, f"not a test graded here (one of "
                                f"{', '.join(TESTS)})")
    return code


def normalised_unit(unit: str) -> str:
    """*unit* lower-cased without spaces, with its usual spellings made one."""
    text = "".join(unit.split()).lower()
    text = text.replace("µ", "u").replace("μ", "u").replace("³", "3")
    return _POWER.sub(r"10^\1", text)


def to_grading_unit(test: str, value: Decimal, unit: str) -> Decimal:
    """*value* of *test* in *unit*, converted to the test's grading unit.

    Raises
    ------
    ClinicalDataError
        If *test* is unknown or *unit* is not one the test is known in.
    """
    code = normalised_test(test)
    grading_unit, factors = _UNITS[code]
    key = normalised_unit(unit)
    spelling = next((known for known in factors if normalised_unit(known) == key), None)
    if spelling is None:
        known = ", ".join(repr(known) for known in factors)
        raise ClinicalDataError(f"{code} unit", unit, f"not a unit of {code} known here "
                                f"(graded in {grading_unit}; known: {known})")
    factor = factors[spelling]
    if factor == 1:
        return value
    with localcontext() as context:
        context.prec = 50  # exact whenever the quotient terminates (8.9 mmol/L from mg/dL)
        if (code, spelling) in _DIVIDED:
            return value / factor
        return value * factor
