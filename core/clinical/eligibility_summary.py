"""A subject's overall eligibility from every criterion (docs/clinical.md §4a).

Public API: ``Verdict``, ``EligibilitySummary`` and ``eligibility_summary(checked,
computed)``. *checked* are the protocol's criteria as the coordinator entered them
(``core.model.clinical_record.Eligibility``), *computed* the lab criteria of
``core.clinical.eligibility.lab_criteria``. The rule, in this order [Protocol]:

1. any criterion not met, checked or computed: **not eligible**, naming every one of them
   (one failed criterion excludes the subject whatever else is missing);
2. otherwise, no criterion checked yet or a computed criterion not evaluable: **incomplete**,
   saying what is missing (each not-evaluable criterion's own reason, "no ANC given");
3. otherwise: **eligible**. A checked criterion marked not applicable counts as no obstacle.

"Met" is read as the coordinator records it: the subject satisfies the criterion as the
protocol requires it (an exclusion criterion is met when the exclusion does not apply, as
the demo records EX07 "HBV DNA below 500 IU/mL"). The application does not hold the
protocol's list of criteria, so a criterion never entered cannot be named as missing: the
coordinator enters the list whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.clinical.eligibility import Criterion, Status
from core.model.clinical_record import CriterionStatus, Eligibility

NOTHING_CHECKED = "no criterion checked by the coordinator yet"


class Verdict(StrEnum):
    """The overall outcome of the eligibility criteria."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not eligible"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class EligibilitySummary:
    """The verdict, the criteria not met (codes and names) and what is missing."""

    verdict: Verdict
    not_met: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """ "eligible: all criteria met", "not eligible: IN02, platelets ≥ 75 × 10^9/L",
        "incomplete: no ANC given; no INR given"."""
        if self.verdict is Verdict.NOT_ELIGIBLE:
            return f"not eligible: {', '.join(self.not_met)}"
        if self.verdict is Verdict.INCOMPLETE:
            return f"incomplete: {'; '.join(self.missing)}"
        return "eligible: all criteria met"


def eligibility_summary(checked: Iterable[Eligibility],
                        computed: Iterable[Criterion]) -> EligibilitySummary:
    """The overall eligibility of the checked and computed criteria (module docstring)."""
    checked = tuple(checked)
    computed = tuple(computed)
    not_met = tuple(
        [c.criterion for c in checked if c.status is CriterionStatus.NOT_MET]
        + [c.name for c in computed if c.status is Status.NOT_MET])
    missing = tuple(
        ([] if checked else [NOTHING_CHECKED])
        + [c.reason for c in computed if c.status is Status.NOT_EVALUABLE])
    if not_met:
        return EligibilitySummary(Verdict.NOT_ELIGIBLE, not_met, missing)
    if missing:
        return EligibilitySummary(Verdict.INCOMPLETE, (), missing)
    return EligibilitySummary(Verdict.ELIGIBLE)
