"""Physical limits of entered clinical values: what a form refuses as the user types
(docs/clinical.md §9).

The model refuses what cannot be recorded at all (a negative count, a grade 6); these
limits refuse what no living adult has: a platelet count of 150,000 × 10^9/L is a count
per µL typed in 10^9/L, a creatinine of 0.9 µmol/L is mg/dL typed in µmol/L, a weight of
7.5 kg a slipped digit. Each range is wider than the most extreme values reported in
survivors, so a true value is never refused, and each bound says why it is where it is
(``Limit.why``). Lab values are compared in the grading unit of ``core.clinical.units``,
after the same exact conversion as the grades, bounds included.

These limits are the forms'. A CSV import (``mrecist clinical import``) checks the model's
rules only: a file is the source document's transcription, kept as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType

# The units table is units.py's own; known_units lists it for a form's unit choice.
from core.clinical.units import _UNITS, GRADING_UNITS, normalised_test, to_grading_unit
from core.clinical.values import ClinicalDataError, Number, clinical_number


@dataclass(frozen=True, slots=True)
class Limit:
    """A physical range, both ends included, in *unit*; *why* says where the ends come
    from."""

    low: Decimal
    high: Decimal
    unit: str
    why: str

    def __contains__(self, value: Decimal) -> bool:
        return self.low <= value <= self.high

    @property
    def text(self) -> str:
        """ "0-5000 10^9/L" """
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.low}-{self.high}{unit}"


def _limit(low: str, high: str, unit: str, why: str) -> Limit:
    return Limit(Decimal(low), Decimal(high), unit, why)


_COUNTS = ("differential counts are parts of the white count; hyperleukocytosis of "
           "leukaemia rarely exceeds 500 × 10^9/L. A count per µL (4,000-11,000) typed in "
           "10^9/L is past it")

# In the grading units of core.clinical.units (GRADING_UNITS).
LAB_LIMITS: Mapping[str, Limit] = MappingProxyType({
    "PLAT": _limit("0", "5000", "10^9/L", "the highest counts of essential thrombocythaemia "
                   "are a few thousand × 10^9/L; a count per µL (150,000-400,000) typed in "
                   "10^9/L is 30 times past it"),
    "WBC": _limit("0", "1000", "10^9/L", _COUNTS),
    "NEUT": _limit("0", "1000", "10^9/L", _COUNTS),
    "LYM": _limit("0", "1000", "10^9/L", _COUNTS),
    "HGB": _limit("10", "250", "g/L", "haemoglobin below 1 g/dL or above 25 g/dL (severe "
                  "polycythaemia stays near 20-24) has not been survived; a value in mmol/L "
                  "(5-11), or in g/dL below 10, typed in g/L falls below it"),
    "ALB": _limit("5", "80", "g/L", "albumin stays above 5 g/L in the worst nephrotic and "
                  "malnourished states (only congenital analbuminaemia goes lower) and below "
                  "60 g/L in dehydration; g/dL (2-4.9) typed in g/L falls below it"),
    "AST": _limit("0", "50000", "U/L", "ischaemic and toxic hepatitis reach some tens of "
                  "thousands U/L; a value past 50,000 is a slipped digit"),
    "ALT": _limit("0", "50000", "U/L", "ischaemic and toxic hepatitis reach some tens of "
                  "thousands U/L; a value past 50,000 is a slipped digit"),
    "ALP": _limit("0", "20000", "U/L", "the most cholestatic and bone diseases stay within "
                  "a few thousand U/L"),
    "GGT": _limit("0", "20000", "U/L", "the most cholestatic diseases stay within a few "
                  "thousand U/L"),
    "BILI": _limit("0", "1500", "umol/L", "total bilirubin in complete obstruction with "
                   "haemolysis stays below 1,000 µmol/L (58 mg/dL); µmol/L typed as mg/dL "
                   "is 17.1 times the value"),
    "INR": _limit("0.5", "30", "ratio", "a normal INR is 0.8-1.2 and a coagulometer reports "
                  "none far past 20; 0.11 for 1.1 is a slipped digit"),
    "CREAT": _limit("5", "4000", "umol/L", "cachexia leaves creatinine above 10 µmol/L and "
                    "untreated end-stage renal failure below 3,000 µmol/L (34 mg/dL); mg/dL "
                    "(0.5-1.5) typed in µmol/L falls below it"),
    "GLUC": _limit("0.5", "150", "mmol/L", "hypoglycaemia below 0.5 mmol/L and "
                   "hyperosmolar states past 150 mmol/L (2,700 mg/dL) are not survived; "
                   "mg/dL past 150 typed in mmol/L is past it"),
    "SODIUM": _limit("90", "200", "mmol/L", "the most severe hypo- and hypernatraemia "
                     "recorded in survivors lie within 95-200 mmol/L; 14 or 1400 for 140 is a "
                     "slipped digit"),
    "K": _limit("1", "12", "mmol/L", "potassium below 1 or above 12 mmol/L stops the "
                "heart; 45 for 4.5 is a slipped digit"),
})

# Baseline measurements, by the field of core.model.clinical_record.BaselineCharacteristics.
MEASURE_LIMITS: Mapping[str, Limit] = MappingProxyType({
    "age_years": _limit("18", "120", "years", "the trial enrols adults (inclusion: 18-75), "
                        "and no one has lived past 122"),
    "weight_kg": _limit("20", "350", "kg", "an adult under 20 kg or over 350 kg is not "
                        "treated in this trial; pounds typed as kilograms are 2.2 times the "
                        "value"),
    "height_cm": _limit("100", "250", "cm", "adult height lies within 100-250 cm; metres or "
                        "inches typed as centimetres fall below it"),
    "max_tumour_size_mm": _limit("0", "300", "mm", "no tumour is longer than the liver "
                                 "(about 250 mm); centimetres for millimetres are 10 times "
                                 "smaller, a tenth of a millimetre 10 times larger"),
})


def known_units(test: str) -> tuple[str, ...]:
    """The units *test* is accepted in (``core.clinical.units``), its grading unit first;
    an INR's empty unit is left out (a form records "ratio").

    Raises
    ------
    ClinicalDataError
        If *test* is not one of ``TESTS``.
    """
    code = normalised_test(test)
    grading = GRADING_UNITS[code]
    others = [unit for unit in _UNITS[code][1] if unit and unit != grading]
    return (grading, *others)


def limit_refusal(test: str, value: Number, unit: str) -> str | None:
    """Why *value* of *test* in *unit* is past the test's physical range, or ``None``.

    The value is converted to the grading unit first; the reason names the range in it
    ("150000 10^9/L is outside the physical range 0-5000 10^9/L: another unit, or a
    slipped digit?").

    Raises
    ------
    ClinicalDataError
        For an unknown test or unit, or a value that is not a number ≥ 0 (not a question
        of limits: ``to_grading_unit`` refuses them).
    """
    code = normalised_test(test)
    number = clinical_number(value, f"{code} value")
    converted = to_grading_unit(code, number, unit)
    limit = LAB_LIMITS[code]
    if converted in limit:
        return None
    shown = f"{number} {unit}".strip()
    if converted != number:
        shown += f" ({_short(converted)} {limit.unit})"
    return (f"{shown} is outside the physical range {limit.text}: another unit, or a "
            "slipped digit?")


def measure_refusal(name: str, value: Number) -> str | None:
    """Why *value* of the baseline measurement *name* (a key of ``MEASURE_LIMITS``) is past
    its physical range, or ``None``.

    Raises
    ------
    ClinicalDataError
        For a name without a limit, or a value that is not a number ≥ 0.
    """
    limit = MEASURE_LIMITS.get(name)
    if limit is None:
        raise ClinicalDataError("measurement", name, f"has no physical limit (one of "
                                f"{', '.join(MEASURE_LIMITS)})")
    number = clinical_number(value, name)
    if number in limit:
        return None
    return f"{number} {limit.unit} is outside the physical range {limit.text}"


def _short(value: Decimal) -> str:
    # A converted value for the sentence only: two decimals are plenty to see the unit slip
    # (the decision above is on the exact value).
    with localcontext() as context:
        context.prec = 60  # room for the 40 digits a number may have, and two decimals
        return f"{value.quantize(Decimal('0.01')).normalize():f}"
