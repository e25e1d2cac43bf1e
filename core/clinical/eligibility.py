"""The trial's lab inclusion criteria, computed from the entered values (docs/clinical.md §4).

Each criterion answers met, not met or not evaluable (a value or limit not given) with one
sentence saying why; the other inclusion and exclusion criteria are the coordinator's to
check. Thresholds are inclusive as the protocol words them ("≥ 75", "≤ 1.5 × ULN").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from core.clinical.units import to_grading_unit
from core.clinical.values import Number, optional_number


class Status(StrEnum):
    """The outcome of one criterion."""

    MET = "met"
    NOT_MET = "not met"
    NOT_EVALUABLE = "not evaluable"


@dataclass(frozen=True, slots=True)
class Criterion:
    """One inclusion criterion as computed: its name, status and the sentence why."""

    name: str
    status: Status
    reason: str


ANC_MIN = Decimal("1.5")  # × 10^9/L
PLATELETS_MIN = Decimal(75)  # × 10^9/L
BILIRUBIN_MAX_ULN = Decimal("1.5")
AMINOTRANSFERASE_MAX_ULN = Decimal("2.5")
CRCL_MIN = Decimal(60)  # mL/min
INR_MAX_ULN = Decimal("1.5")
CHILD_PUGH_MAX = 7
AGE_MIN, AGE_MAX = 18, 75


def _not_given(name: str, what: str) -> Criterion:
    return Criterion(name, Status.NOT_EVALUABLE, f"no {what} given")


def _minimum(name: str, value: Decimal | None, minimum: Decimal, unit: str,
             what: str) -> Criterion:
    if value is None:
        return _not_given(name, what)
    met = value >= minimum
    sign = "≥" if met else "<"
    return Criterion(name, Status.MET if met else Status.NOT_MET,
                     f"{what} {_shown(value)} {unit} {sign} {minimum} {unit}")


def _shown(value: Decimal) -> str:
    """*value* for the sentence: plain digits, cut (not rounded) to 0.01, so a value just
    under a minimum never reads as the minimum (59.996 is "59.99 < 60"); the decision is
    made on the exact value."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    cut = value.quantize(Decimal("0.01"), rounding=ROUND_FLOOR).normalize()
    return f"{cut:f}"


def _count(test: str, value: Number | None, unit: str) -> Decimal | None:
    number = optional_number(value, test)
    return None if number is None else to_grading_unit(test, number, unit)


def anc_criterion(anc: Number | None, unit: str = "10^9/L") -> Criterion:
    """ANC ≥ 1.5 × 10^9/L (the trial's inclusion criteria)."""
    return _minimum("ANC ≥ 1.5 × 10^9/L", _count("NEUT", anc, unit), ANC_MIN, "× 10^9/L",
                    "ANC")


def platelets_criterion(platelets: Number | None, unit: str = "10^9/L") -> Criterion:
    """Platelets ≥ 75 × 10^9/L (the trial's inclusion criteria)."""
    return _minimum("platelets ≥ 75 × 10^9/L", _count("PLAT", platelets, unit),
                    PLATELETS_MIN, "× 10^9/L", "platelet count")


def _times_uln(name: str, what: str, value: Number | None, uln: Number | None,
               maximum: Decimal) -> Criterion:
    number = optional_number(value, what)
    limit = optional_number(uln, f"{what} ULN")
    if number is None:
        return _not_given(name, what)
    if limit is None or limit == 0:
        return Criterion(name, Status.NOT_EVALUABLE, f"no ULN of the {what} given")
    bound = maximum * limit
    met = number <= bound
    sign = "≤" if met else ">"
    return Criterion(name, Status.MET if met else Status.NOT_MET,
                     f"{what} {number} {sign} {maximum} × ULN {limit} = {bound}")


def bilirubin_criterion(bilirubin: Number | None, uln: Number | None) -> Criterion:
    """Total bilirubin ≤ 1.5 × ULN (the trial's inclusion criteria); value and ULN in the
    same unit."""
    return _times_uln("total bilirubin ≤ 1.5 × ULN", "total bilirubin", bilirubin, uln,
                      BILIRUBIN_MAX_ULN)


def alt_criterion(alt: Number | None, uln: Number | None) -> Criterion:
    """ALT ≤ 2.5 × ULN (the trial's inclusion criteria)."""
    return _times_uln("ALT ≤ 2.5 × ULN", "ALT", alt, uln, AMINOTRANSFERASE_MAX_ULN)


def ast_criterion(ast: Number | None, uln: Number | None) -> Criterion:
    """AST ≤ 2.5 × ULN (the trial's inclusion criteria)."""
    return _times_uln("AST ≤ 2.5 × ULN", "AST", ast, uln, AMINOTRANSFERASE_MAX_ULN)


def inr_criterion(inr: Number | None, uln: Number | None) -> Criterion:
    """INR ≤ 1.5 × ULN (the trial's inclusion criteria: INR or PT)."""
    return _times_uln("INR ≤ 1.5 × ULN", "INR", inr, uln, INR_MAX_ULN)


def crcl_criterion(crcl_ml_min: Number | None) -> Criterion:
    """Creatinine clearance ≥ 60 mL/min, by Cockcroft-Gault or measured (the trial's
    inclusion criteria; ``core.clinical.scores.cockcroft_gault``)."""
    value = optional_number(crcl_ml_min, "creatinine clearance")
    return _minimum("creatinine clearance ≥ 60 mL/min", value, CRCL_MIN, "mL/min",
                    "creatinine clearance")


def child_pugh_criterion(score: int | None) -> Criterion:
    """Child-Pugh score ≤ 7 (the trial's inclusion criteria; ``scores.child_pugh``)."""
    name = "Child-Pugh score ≤ 7"
    if score is None:
        return _not_given(name, "Child-Pugh score")
    met = score <= CHILD_PUGH_MAX
    return Criterion(name, Status.MET if met else Status.NOT_MET,
                     f"Child-Pugh score {score} {'≤' if met else '>'} {CHILD_PUGH_MAX}")


def age_criterion(age_years: int | None) -> Criterion:
    """Age 18-75 years, both included (the trial's inclusion criteria)."""
    name = "age 18-75"
    if age_years is None:
        return _not_given(name, "age")
    if age_years < AGE_MIN:
        return Criterion(name, Status.NOT_MET, f"age {age_years} is below {AGE_MIN}")
    if age_years > AGE_MAX:
        return Criterion(name, Status.NOT_MET, f"age {age_years} is above {AGE_MAX}")
    return Criterion(name, Status.MET, f"age {age_years} is within {AGE_MIN}-{AGE_MAX}")


@dataclass(frozen=True, slots=True)
class ScreeningLabs:
    """The values the lab criteria are computed from; ``None`` where not entered.

    Counts in 10^9/L; bilirubin, ALT, AST and INR each with the ULN of its own sample.
    """

    anc: Number | None = None
    platelets: Number | None = None
    bilirubin: Number | None = None
    bilirubin_uln: Number | None = None
    alt: Number | None = None
    alt_uln: Number | None = None
    ast: Number | None = None
    ast_uln: Number | None = None
    crcl_ml_min: Number | None = None
    inr: Number | None = None
    inr_uln: Number | None = None
    child_pugh_score: int | None = None
    age_years: int | None = None


def lab_criteria(labs: ScreeningLabs) -> tuple[Criterion, ...]:
    """Every criterion computed from values, in the protocol's order."""
    return (
        child_pugh_criterion(labs.child_pugh_score),
        age_criterion(labs.age_years),
        anc_criterion(labs.anc),
        platelets_criterion(labs.platelets),
        bilirubin_criterion(labs.bilirubin, labs.bilirubin_uln),
        alt_criterion(labs.alt, labs.alt_uln),
        ast_criterion(labs.ast, labs.ast_uln),
        crcl_criterion(labs.crcl_ml_min),
        inr_criterion(labs.inr, labs.inr_uln),
    )

