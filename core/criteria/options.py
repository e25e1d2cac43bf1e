"""Per-trial options and their defaults under each criteria.

These are the choices an imaging charter may make differently; the clinical thresholds
themselves are not options (house style §2.8) and live as constants next to their rules.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from core.criteria.types import Options
from core.model.clinical import CaseOptions, Criteria

# A CR or PR is confirmed by an assessment no less than 4 weeks later (RECIST 1.1 §4.4,
# Table 3; JNCI2008 applies the same to mRECIST).
DEFAULT_CONFIRMATION_DAYS = 28
# By default any post-baseline SD counts as best response; charters usually set 6-8 weeks
# (RECIST 1.1 §4.4: "a minimum interval ... defined in the protocol").
DEFAULT_SD_MIN_DAYS = 0
# PD needs the sum to grow by at least 5 mm over the nadir under RECIST 1.1
# (§4.3.1); mRECIST as published has no absolute rule (LL2010).
DEFAULT_PD_MIN_INCREASE_MM: dict[Criteria, Decimal] = {
    Criteria.MRECIST: Decimal(0),
    Criteria.RECIST11: Decimal(5),
}
# At most 5 targets in total and 2 per organ (RECIST 1.1 §4.2; LL2010 keeps the limits).
DEFAULT_MAX_TARGETS = 5
DEFAULT_MAX_TARGETS_PER_ORGAN = 2


_T = TypeVar("_T")


def _pick(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def resolve_options(criteria: Criteria, recorded: CaseOptions | None = None) -> Options:
    """Return the effective options: what the case records, else the criteria's default.

    Defaults: confirmation after 28 days (RECIST 1.1 §4.4), SD from day 0, PD's absolute rule
    0 mm for mRECIST (LL2010) and 5 mm for RECIST 1.1 (RECIST 1.1 §4.3.1), at most 5 targets
    and 2 per organ (RECIST 1.1 §4.2).

    Parameters
    ----------
    criteria
        The criteria the case is evaluated under; it decides ``pd_min_increase_mm``.
    recorded
        The options the case file records, or ``None`` for all defaults.

    Returns
    -------
    Options
        Every option with a value.
    """
    recorded = recorded or CaseOptions()
    return Options(
        confirmation_days=_pick(recorded.confirmation_days, DEFAULT_CONFIRMATION_DAYS),
        sd_min_days=_pick(recorded.sd_min_days, DEFAULT_SD_MIN_DAYS),
        pd_min_increase_mm=_pick(
            recorded.pd_min_increase_mm, DEFAULT_PD_MIN_INCREASE_MM[Criteria(criteria)]
        ),
        max_targets=_pick(recorded.max_targets, DEFAULT_MAX_TARGETS),
        max_targets_per_organ=_pick(recorded.max_targets_per_organ, DEFAULT_MAX_TARGETS_PER_ORGAN),
    )
