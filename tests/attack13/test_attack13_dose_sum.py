"""A drug's relative dose intensity over the whole treatment (docs/clinical-data.md §3).

The doses of one drug are summed before the 80-120 % rule. A drug name typed once as
"Anlotinib" and once as "anlotinib" (the form, an import) is still one drug: split, each
half is judged alone and a subject at 85.7 % overall is removed from the analysis set.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.model.clinical_record import DoseAdjustment, DoseRecord, Route
from core.report.analysis_set import drug_exposures


def _dose(drug: str, start: dt.date, taken: str) -> DoseRecord:
    return DoseRecord(drug, start, Decimal("168"), Decimal(taken), "mg", Route.ORAL,
                      start + dt.timedelta(days=13), DoseAdjustment.NONE, "")


def test_one_drug_spelt_in_two_cases_is_summed_as_one():
    doses = [_dose("anlotinib", dt.date(2024, 1, 12), "120"),
             _dose("Anlotinib", dt.date(2024, 2, 2), "168")]
    exposures = drug_exposures(doses)
    assert len(exposures) == 1, [(e.drug, e.intensity) for e in exposures]
    (exposure,) = exposures
    assert exposure.taken == Decimal("288")
    assert exposure.intensity is not None
    assert exposure.intensity.in_analysis_set
