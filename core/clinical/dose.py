"""Relative dose intensity and the 80-120 % rule of the analysis set (docs/clinical.md §5).

The rule is the trial's: a subject whose exposure to a study drug is below 80 % or above
120 % of the prescribed dose is removed from the analysis set; exactly 80 % and exactly
120 % stay in. Compared exactly (``Decimal`` cross-multiplication, never a rounded
percentage).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from core.clinical.values import ClinicalDataError, Number, clinical_number

RDI_MIN_PCT = Decimal(80)
RDI_MAX_PCT = Decimal(120)


def relative_dose_intensity_pct(taken: Number, prescribed: Number) -> Decimal:
    """Relative dose intensity in %: dose taken ÷ dose prescribed over the same period × 100.

    Both are totals over the period in the same unit (mg, say).

    Raises
    ------
    ClinicalDataError
        If a dose is not a number ≥ 0, or nothing was prescribed.
    """
    dose_taken = clinical_number(taken, "dose taken")
    dose_prescribed = clinical_number(prescribed, "dose prescribed")
    if dose_prescribed == 0:
        raise ClinicalDataError("dose prescribed", prescribed, "must be above 0")
    with localcontext() as context:
        context.prec = 50
        return dose_taken * 100 / dose_prescribed


@dataclass(frozen=True, slots=True)
class DoseIntensity:
    """A drug's relative dose intensity and whether it keeps the subject in the analysis
    set, with the sentence why."""

    rdi_pct: Decimal
    in_analysis_set: bool
    reason: str


def dose_intensity(taken: Number, prescribed: Number) -> DoseIntensity:
    """The relative dose intensity and the 80-120 % rule (the trial's removal criteria).

    Raises
    ------
    ClinicalDataError
        As ``relative_dose_intensity_pct``.
    """
    rdi = relative_dose_intensity_pct(taken, prescribed)
    dose_taken = clinical_number(taken, "dose taken")
    dose_prescribed = clinical_number(prescribed, "dose prescribed")
    # taken / prescribed ≥ 80 % ⇔ 100 × taken ≥ 80 × prescribed: exact on Decimals.
    with localcontext() as context:
        context.prec = 200
        scaled = dose_taken * 100
        low = scaled < RDI_MIN_PCT * dose_prescribed
        high = scaled > RDI_MAX_PCT * dose_prescribed
    shown = f"{dose_taken} of {dose_prescribed} prescribed ({_pct(rdi)} %)"
    if low:
        return DoseIntensity(rdi, False, f"{shown} is below 80 %: removed from the analysis "
                             "set")
    if high:
        return DoseIntensity(rdi, False, f"{shown} is above 120 %: removed from the analysis "
                             "set")
    return DoseIntensity(rdi, True, f"{shown} is within 80-120 %")


def _pct(value: Decimal) -> str:
    # One decimal for the sentence; the decision above is on the exact values.
    return f"{value.quantize(Decimal('0.1')):f}"
