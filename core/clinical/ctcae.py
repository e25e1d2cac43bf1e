"""Lab values graded by NCI CTCAE v4.03 (2010), as admiral encodes it (docs/clinical.md §2).

Every threshold is strict and compared on exact ``Decimal`` values: "< 75" means a platelet
count of exactly 75 × 10^9/L is grade 1, "> 3 × ULN" means an AST of exactly 3 × ULN is
grade 1. A grade is given only when the sample's values decide it: a count below 75 is
grade 2 whatever the LLN, but whether 150 is grade 0 or 1 needs the LLN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from core.clinical.units import normalised_test, to_grading_unit
from core.clinical.values import ClinicalDataError, Number, clinical_number, optional_number


class Direction(Enum):
    """Whether the adverse event is a value below (LOW) or above (HIGH) normal."""

    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Threshold:
    """One side of a grade: an absolute value, or a multiple of the LLN, ULN or baseline."""

    factor: Decimal
    of: str  # "value" (an absolute threshold), "LLN", "ULN" or "baseline"


@dataclass(frozen=True, slots=True)
class TermRule:
    """A CTCAE term graded from one test: each grade 1-4 holds when the value is past any
    of its thresholds (none: the grade is not given from a lab value)."""

    term: str
    direction: Direction
    grades: tuple[tuple[Threshold, ...], ...]  # grade 1, 2, 3, 4


def _abs(value: str) -> Threshold:
    return Threshold(Decimal(value), "value")


def _lln(factor: str = "1") -> Threshold:
    return Threshold(Decimal(factor), "LLN")


def _uln(factor: str = "1") -> Threshold:
    return Threshold(Decimal(factor), "ULN")


def _base(factor: str = "1") -> Threshold:
    return Threshold(Decimal(factor), "baseline")


def _low(term: str, g2: str | None, g3: str, g4: str | None) -> TermRule:
    grades = ((_lln(),), (_abs(g2),) if g2 else (), (_abs(g3),), (_abs(g4),) if g4 else ())
    return TermRule(term, Direction.LOW, grades)


def _times_uln(term: str, g2: str, g3: str, g4: str | None) -> TermRule:
    grades = ((_uln(),), (_uln(g2),), (_uln(g3),), (_uln(g4),) if g4 else ())
    return TermRule(term, Direction.HIGH, grades)


def _high(term: str, g2: str, g3: str, g4: str) -> TermRule:
    return TermRule(term, Direction.HIGH, ((_uln(),), (_abs(g2),), (_abs(g3),), (_abs(g4),)))


# CTCAE v4.03, in the grading units of core.clinical.units (10^9/L, g/L, umol/L, mmol/L).
# Anemia and hypoalbuminemia grade 4 are "life-threatening consequences": not a lab value,
# so a value alone is at most grade 3. Hyponatremia has no grade 2, INR no grade 4.
RULES: Mapping[str, TermRule] = {
    "PLAT": _low("Platelet count decreased", "75", "50", "25"),
    "WBC": _low("White blood cell decreased", "3.0", "2.0", "1.0"),
    "NEUT": _low("Neutrophil count decreased", "1.5", "1.0", "0.5"),
    "LYM": _low("Lymphocyte count decreased", "0.8", "0.5", "0.2"),
    "HGB": _low("Anemia", "100", "80", None),
    "ALB": _low("Hypoalbuminemia", "30", "20", None),
    "AST": _times_uln("Aspartate aminotransferase increased", "3", "5", "20"),
    "ALT": _times_uln("Alanine aminotransferase increased", "3", "5", "20"),
    "BILI": _times_uln("Blood bilirubin increased", "1.5", "3", "10"),
    "ALP": _times_uln("Alkaline phosphatase increased", "2.5", "5", "20"),
    "GGT": _times_uln("GGT increased", "2.5", "5", "20"),
    "INR": _times_uln("INR increased", "1.5", "2.5", None),
    # "> ULN or > baseline" up to grade 3; grade 4 on the ULN alone (> 6 × ULN).
    "CREAT": TermRule("Creatinine increased", Direction.HIGH, (
        (_uln(), _base()), (_uln("1.5"), _base("1.5")), (_uln("3"), _base("3")), (_uln("6"),),
    )),
    # Fasting glucose (CTCAE "Hyperglycemia", fasting values; admiral's "Hyperglycemia
    # (Fasting)"): > ULN, > 8.9, > 13.9, > 27.8 mmol/L.
    "GLUC": _high("Hyperglycemia", "8.9", "13.9", "27.8"),
    "SODIUM": _low("Hyponatremia", None, "130", "120"),
    "K": _high("Hyperkalemia", "5.5", "6.0", "7.0"),
}


@dataclass(frozen=True, slots=True)
class LabGrade:
    """A lab value's CTCAE term and grade 0-4, or ``grade=None`` with the reason it cannot
    be graded."""

    term: str
    grade: int | None
    reason: str | None = None


def term_of(test: str) -> str:
    """The CTCAE v4.03 term *test* (an LBTESTCD code) is graded as.

    Raises
    ------
    ClinicalDataError
        If the test is not one graded here.
    """
    return RULES[normalised_test(test)].term


def grade_lab(test: str, value: Number, unit: str, lln: Number | None, uln: Number | None,
              baseline: Number | None = None) -> LabGrade:
    """Grade one lab value by CTCAE v4.03 (the table of docs/clinical.md §2).

    *value*, *lln*, *uln* and *baseline* are in *unit* (the sample's own) and converted to
    the grading unit first. The highest grade whose threshold the value is strictly past
    is the grade; within the limits it is grade 0. Where a grade needs a limit that is not
    given (the LLN for a "< LLN" grade, the ULN for "> ULN", "× ULN"), the result is
    ``grade=None`` with the reason, unless a higher grade is already decided by values
    that are given. The creatinine's "× baseline" clause applies when *baseline* is given.

    Raises
    ------
    ClinicalDataError
        For an unknown test or unit, a value or limit that is not a number ≥ 0, an LLN
        above the ULN, or a ULN of 0.
    """
    code = normalised_test(test)
    rule = RULES[code]
    given = {
        "value": clinical_number(value, f"{code} value"),
        "LLN": optional_number(lln, f"{code} LLN"),
        "ULN": optional_number(uln, f"{code} ULN"),
        "baseline": optional_number(baseline, f"{code} baseline"),
    }
    limits = {name: None if number is None else to_grading_unit(code, number, unit)
              for name, number in given.items()}
    _check_limits(code, limits["LLN"], limits["ULN"], lln, uln)
    measured = limits.pop("value")
    assert measured is not None
    for grade in (4, 3, 2, 1):
        thresholds = rule.grades[grade - 1]
        if not thresholds:
            continue
        past = _past_any(measured, thresholds, rule.direction, limits)
        if past is None:
            missing = [t.of for t in thresholds if limits.get(t.of) is None]
            return LabGrade(rule.term, None, f"no {missing[0]} given: grade {grade} "
                            f"({_wording(rule, grade)}) cannot be decided")
        if past:
            return LabGrade(rule.term, grade)
    return LabGrade(rule.term, 0)


def _check_limits(code: str, lln: Decimal | None, uln: Decimal | None, raw_lln: object,
                  raw_uln: object) -> None:
    if uln is not None and uln == 0:
        raise ClinicalDataError(f"{code} ULN", raw_uln, "must be above 0")
    if lln is not None and uln is not None and lln > uln:
        raise ClinicalDataError(f"{code} LLN", raw_lln, f"is above the ULN {raw_uln}")


def _past_any(value: Decimal, thresholds: Iterable[Threshold], direction: Direction,
              limits: Mapping[str, Decimal | None]) -> bool | None:
    """Whether *value* is strictly past any of *thresholds*: ``True`` as soon as one is
    (whatever the others), ``None`` when none is and one cannot be evaluated.

    The creatinine's baseline clause is an option of the grade: a missing baseline is not
    a reason to withhold a grade the ULN decides.
    """
    undecided = False
    for threshold in thresholds:
        if threshold.of == "value":
            bound: Decimal | None = threshold.factor
        else:
            reference = limits.get(threshold.of)
            bound = None if reference is None else threshold.factor * reference
        if bound is None:
            undecided = undecided or threshold.of != "baseline"
            continue
        if (value < bound) if direction is Direction.LOW else (value > bound):
            return True
    return None if undecided else False


def _wording(rule: TermRule, grade: int) -> str:
    sign = "<" if rule.direction is Direction.LOW else ">"
    parts = []
    for threshold in rule.grades[grade - 1]:
        if threshold.of == "value":
            parts.append(f"{sign} {threshold.factor}")
        elif threshold.factor == 1:
            parts.append(f"{sign} {threshold.of}")
        else:
            parts.append(f"{sign} {threshold.factor} × {threshold.of}")
    return " or ".join(parts)


def worst_grades(graded: Iterable[LabGrade]) -> dict[str, int]:
    """Each term's worst grade among *graded* (one subject's values): a subject counts once
    per term at their worst grade (CTCAE v4.03; docs/clinical.md §2). Values that could not
    be graded (``grade=None``) count for nothing; a term with only those is left out.
    """
    worst: dict[str, int] = {}
    for lab in graded:
        if lab.grade is not None:
            worst[lab.term] = max(lab.grade, worst.get(lab.term, lab.grade))
    return worst
