"""Scores computed from entered components: Cockcroft-Gault, Child-Pugh, ALBI.

Each is a pure function of plain values; boundaries are compared on exact ``Decimal``
values (docs/clinical.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from core.clinical.units import normalised_unit
from core.clinical.values import ClinicalDataError, Number, clinical_number

# Creatinine: mg/dL × 88.4 = umol/L (docs/clinical.md §2).
CREATININE_UMOL_PER_MG_DL = Decimal("88.4")
# Cockcroft & Gault 1976: × 0.85 for women.
FEMALE_FACTOR = Decimal("0.85")


def _unit(value: str, field: str, known: tuple[str, ...]) -> str:
    key = normalised_unit(value)
    for spelling in known:
        if normalised_unit(spelling) == key:
            return spelling
    raise ClinicalDataError(field, value, f"must be one of {', '.join(known)}")


def creatinine_mg_dl(creatinine: Number, unit: str) -> Decimal:
    """Serum creatinine in mg/dL, from mg/dL or umol/L (umol/L ÷ 88.4).

    Raises
    ------
    ClinicalDataError
        For another unit or a value that is not a number above 0.
    """
    value = clinical_number(creatinine, "creatinine")
    if value == 0:
        raise ClinicalDataError("creatinine", creatinine, "must be above 0")
    if _unit(unit, "creatinine unit", ("mg/dL", "umol/L")) == "mg/dL":
        return value
    with localcontext() as context:
        context.prec = 50
        return value / CREATININE_UMOL_PER_MG_DL


def cockcroft_gault(age_years: int, weight_kg: Number, sex: str, creatinine: Number,
                    creatinine_unit: str) -> Decimal:
    """Creatinine clearance in mL/min by Cockcroft & Gault (1976), unrounded.

    CrCl = (140 − age) × weight (kg) / (72 × serum creatinine (mg/dL)), × 0.85 for women.
    *sex* is the CDISC SEX code: ``"M"`` or ``"F"``.

    Raises
    ------
    ClinicalDataError
        For an age outside 0-139 years, a weight of 0 or not a number, a sex other than M
        or F (the formula has no other factor), or a creatinine ``creatinine_mg_dl``
        refuses.
    """
    if isinstance(age_years, bool) or not isinstance(age_years, int) \
            or not 0 <= age_years < 140:
        raise ClinicalDataError("age", age_years, "must be whole years from 0 to 139")
    weight = clinical_number(weight_kg, "weight (kg)")
    if weight == 0:
        raise ClinicalDataError("weight (kg)", weight_kg, "must be above 0")
    code = sex.strip().upper()
    if code not in ("M", "F"):
        raise ClinicalDataError("sex", sex, "must be M or F for Cockcroft-Gault")
    scr = creatinine_mg_dl(creatinine, creatinine_unit)
    with localcontext() as context:
        context.prec = 50
        crcl = (140 - age_years) * weight / (72 * scr)
        crcl = crcl * FEMALE_FACTOR if code == "F" else crcl
    # Kept to 28 significant digits (Decimal's default), far past any clinical meaning,
    # so that the result is itself a clinical number (at most 40 digits: crcl_criterion).
    with localcontext() as context:
        context.prec = 28
        return +crcl


class Ascites(StrEnum):
    """Ascites as Child-Pugh scores it (Pugh 1973): 1, 2, 3 points."""

    NONE = "none"
    MILD = "mild"
    MODERATE_SEVERE = "moderate-severe"


class Encephalopathy(StrEnum):
    """Hepatic encephalopathy as Child-Pugh scores it (Pugh 1973): 1, 2, 3 points."""

    NONE = "none"
    GRADE_1_2 = "1-2"
    GRADE_3_4 = "3-4"


@dataclass(frozen=True, slots=True)
class ChildPugh:
    """A Child-Pugh score: the points of each component, their sum and the class."""

    bilirubin_points: int
    albumin_points: int
    inr_points: int
    ascites_points: int
    encephalopathy_points: int
    score: int
    child_pugh_class: str  # "A", "B" or "C"


def _three_bands(value: Decimal, low: Decimal, high: Decimal, rising: bool) -> int:
    """1, 2 or 3 points: inside [low, high] is 2; below low is 1 when the score rises with
    the value (bilirubin, INR), 3 when it falls with it (albumin)."""
    if low <= value <= high:
        return 2
    below = value < low
    return (1 if below else 3) if rising else (3 if below else 1)


def bilirubin_points(bilirubin: Number, unit: str) -> int:
    """Child-Pugh points of total bilirubin: < 2 / 2-3 / > 3 mg/dL, or < 34 / 34-50 / > 50
    umol/L (Pugh 1973), each unit by its own bands.

    Raises
    ------
    ClinicalDataError
        For a unit other than mg/dL or umol/L, or a value that is not a number ≥ 0.
    """
    value = clinical_number(bilirubin, "bilirubin")
    if _unit(unit, "bilirubin unit", ("mg/dL", "umol/L")) == "mg/dL":
        return _three_bands(value, Decimal(2), Decimal(3), rising=True)
    return _three_bands(value, Decimal(34), Decimal(50), rising=True)


def albumin_points(albumin: Number, unit: str) -> int:
    """Child-Pugh points of albumin: > 3.5 / 2.8-3.5 / < 2.8 g/dL (> 35 / 28-35 / < 28 g/L)
    (Pugh 1973).

    Raises
    ------
    ClinicalDataError
        For a unit other than g/dL or g/L, or a value that is not a number ≥ 0.
    """
    value = clinical_number(albumin, "albumin")
    if _unit(unit, "albumin unit", ("g/dL", "g/L")) == "g/L":
        return _three_bands(value, Decimal(28), Decimal(35), rising=False)
    return _three_bands(value, Decimal("2.8"), Decimal("3.5"), rising=False)


def inr_points(inr: Number) -> int:
    """Child-Pugh points of the INR: < 1.7 / 1.7-2.3 / > 2.3 (Pugh 1973, INR form)."""
    value = clinical_number(inr, "INR")
    return _three_bands(value, Decimal("1.7"), Decimal("2.3"), rising=True)


def child_pugh(bilirubin: Number, bilirubin_unit: str, albumin: Number, albumin_unit: str,
               inr: Number, ascites: Ascites | str,
               encephalopathy: Encephalopathy | str) -> ChildPugh:
    """The Child-Pugh score and class (Pugh 1973): 5-6 class A, 7-9 B, 10-15 C.

    Raises
    ------
    ClinicalDataError
        For a component that cannot be scored (its unit, its value, an ascites other than
        none / mild / moderate-severe, an encephalopathy other than none / 1-2 / 3-4).
    """
    points = (
        bilirubin_points(bilirubin, bilirubin_unit),
        albumin_points(albumin, albumin_unit),
        inr_points(inr),
        _choice_points(Ascites, ascites, "ascites"),
        _choice_points(Encephalopathy, encephalopathy, "encephalopathy"),
    )
    score = sum(points)
    return ChildPugh(*points, score=score, child_pugh_class=child_pugh_class(score))


def _choice_points(kind: type[Ascites] | type[Encephalopathy], value: str, field: str) -> int:
    members = list(kind)
    try:
        return members.index(kind(value.strip().lower())) + 1
    except ValueError:
        words = " / ".join(member.value for member in members)
        raise ClinicalDataError(field, value, f"must be {words}") from None


def child_pugh_class(score: int) -> str:
    """The Child-Pugh class of a score: 5-6 A, 7-9 B, 10-15 C (Pugh 1973).

    Raises
    ------
    ClinicalDataError
        For a score outside 5-15.
    """
    if isinstance(score, bool) or not isinstance(score, int) or not 5 <= score <= 15:
        raise ClinicalDataError("Child-Pugh score", score, "must be a whole number 5-15")
    return "A" if score <= 6 else "B" if score <= 9 else "C"


@dataclass(frozen=True, slots=True)
class Albi:
    """An ALBI score (unrounded) and its grade 1-3 (Johnson et al. 2015)."""

    score: Decimal
    grade: int


ALBI_GRADE_1_MAX = Decimal("-2.60")
ALBI_GRADE_2_MAX = Decimal("-1.39")


def albi(bilirubin_umol_l: Number, albumin_g_l: Number) -> Albi:
    """The ALBI score and grade (Johnson et al. 2015, J Clin Oncol 33:550).

    ALBI = 0.66 × log10(bilirubin, umol/L) − 0.085 × albumin (g/L); grade 1 ≤ −2.60,
    grade 2 > −2.60 and ≤ −1.39, grade 3 > −1.39. The grade is of the unrounded score.

    Raises
    ------
    ClinicalDataError
        For a bilirubin of 0 (no logarithm) or a value that is not a number ≥ 0.
    """
    bilirubin = clinical_number(bilirubin_umol_l, "bilirubin (umol/L)")
    albumin = clinical_number(albumin_g_l, "albumin (g/L)")
    if bilirubin == 0:
        raise ClinicalDataError("bilirubin (umol/L)", bilirubin_umol_l, "must be above 0")
    with localcontext() as context:
        context.prec = 50
        score = Decimal("0.66") * bilirubin.log10() - Decimal("0.085") * albumin
    return Albi(score, albi_grade(score))


def albi_grade(score: Decimal) -> int:
    """The ALBI grade of a score: 1 if ≤ −2.60, 2 if > −2.60 and ≤ −1.39, 3 if > −1.39
    (Johnson et al. 2015)."""
    return 1 if score <= ALBI_GRADE_1_MAX else 2 if score <= ALBI_GRADE_2_MAX else 3
