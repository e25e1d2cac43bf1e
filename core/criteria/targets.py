"""Target lesions: what each contributes to the sum, and the target response.

Every threshold is compared on exact values (``Decimal`` lengths, ``Fraction`` ratios): in
binary floating point 21 → 25.2 mm is +19.999...% and 14 → 9.8 mm is −29.999...%, which
would turn a PD into SD and a PR into SD (docs/criteria.md §3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

from core.criteria.formatting import format_mm, format_pct, percent_change
from core.criteria.types import Assessment, TargetLesion
from core.model.clinical import Criteria, ResponseCategory, TargetState

# A lesion present but too small to measure counts as 5 mm; one that disappeared counts 0
# (RECIST 1.1 §4.1 and Appendix I; EORTC-FAQ "Lesions less than 5 mm").
TOO_SMALL_MM = Decimal(5)
# A target node below 10 mm short axis is normal: it allows CR although the sum is not 0
# (RECIST 1.1 §4.3.1).
NODE_NORMAL_SHORT_AXIS_MM = Decimal(10)
# PR: the sum at least 30 % below the baseline sum (RECIST 1.1 §4.3.1; LL2010 for mRECIST).
PR_DECREASE_PCT = Fraction(30)
# PD: the sum at least 20 % above the nadir (RECIST 1.1 §4.3.1; LL2010); the absolute rule is
# the option pd_min_increase_mm (core.criteria.options).
PD_INCREASE_PCT = Fraction(20)

# The sources cited by each criteria's target rules.
RULE_REFS: dict[Criteria, tuple[str, ...]] = {
    Criteria.MRECIST: ("LL2010",),
    Criteria.RECIST11: ("RECIST 1.1 §4.3.1",),
}


def measurement_key(lesion: TargetLesion, criteria: Criteria) -> str:
    """Name the recorded field that *lesion* contributes to the sum under *criteria*.

    mRECIST measures the arterially enhancing (viable) part of intrahepatic lesions and
    everything else as RECIST 1.1 does; RECIST 1.1 measures the short axis of nodes and the
    longest diameter of everything else (LL2010; RECIST 1.1 §3.1.1, §4.1).
    """
    if lesion.is_node:
        return "short_axis_mm"
    if criteria is Criteria.MRECIST and lesion.is_intrahepatic:
        return "viable_mm"
    return "longest_mm"


def target_measurement_mm(lesion: TargetLesion, criteria: Criteria) -> Decimal | None:
    """Return what *lesion* adds to the sum, or ``None`` when it is not evaluable.

    ``disappeared`` and ``merged`` count 0 (the merged lesion's size is recorded under the
    target it merged into), ``too_small`` counts 5 mm, a measured value is used as measured,
    even if below 5 mm (EORTC-FAQ; RECIST 1.1 §4.1).

    Raises
    ------
    ValueError
        If a measured lesion lacks the measurement *criteria* needs.
    """
    if lesion.state is TargetState.NOT_EVALUABLE:
        return None
    if lesion.state in (TargetState.DISAPPEARED, TargetState.MERGED):
        return Decimal(0)
    if lesion.state is TargetState.TOO_SMALL:
        return TOO_SMALL_MM
    key = measurement_key(lesion, criteria)
    value: Decimal | None = getattr(lesion, key)
    if value is None:
        raise ValueError(f"target {lesion.id}: measured, but {key} is missing")
    return value


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Add recorded lengths without rounding (the default context keeps 28 digits only)."""
    with localcontext() as context:
        context.prec = 200
        return sum(values, Decimal(0))


def meets_pd(sum_mm: Decimal, nadir_mm: Decimal, pd_min_increase_mm: Decimal) -> bool:
    """Return True if *sum_mm* is progression over *nadir_mm*.

    PD needs an increase of at least 20 % over the nadir (RECIST 1.1 §4.3.1, LL2010) and at
    least *pd_min_increase_mm*; from a nadir of 0 any increase above 0 that the absolute
    rule allows is PD (docs/criteria.md §3).
    """
    increase = Fraction(sum_mm) - Fraction(nadir_mm)
    return (
        increase > 0
        and increase * 100 >= PD_INCREASE_PCT * Fraction(nadir_mm)
        and increase >= Fraction(pd_min_increase_mm)
    )


def meets_pr(sum_mm: Decimal, baseline_mm: Decimal) -> bool:
    """Return True if *sum_mm* is at least 30 % below *baseline_mm* (RECIST 1.1 §4.3.1)."""
    return Fraction(sum_mm) * 100 <= (100 - PR_DECREASE_PCT) * Fraction(baseline_mm)


def _is_gone(lesion: TargetLesion, criteria: Criteria) -> bool:
    value = target_measurement_mm(lesion, criteria)
    if value is None:
        return False
    if lesion.is_node:
        return value < NODE_NORMAL_SHORT_AXIS_MM
    return value == 0


def meets_cr(lesions: Sequence[TargetLesion], criteria: Criteria) -> bool:
    """Return True if every target is gone in the sense of *criteria*'s CR.

    mRECIST: no intratumoral arterial enhancement (viable 0 mm) in every intrahepatic target
    (LL2010); RECIST 1.1 and every other target under mRECIST: non-nodal targets
    disappeared and target nodes below 10 mm short axis (RECIST 1.1 §4.3.1).
    """
    return bool(lesions) and all(_is_gone(lesion, criteria) for lesion in lesions)


def _ids(lesions: Iterable[TargetLesion]) -> str:
    return ", ".join(lesion.id for lesion in lesions)


def _pd_needs(pd_min_increase_mm: Decimal) -> str:
    if pd_min_increase_mm > 0:
        return f"at least {PD_INCREASE_PCT} % and {format_mm(pd_min_increase_mm)} mm"
    return f"at least {PD_INCREASE_PCT} %"


def _over_nadir(sum_mm: Decimal, nadir_mm: Decimal, threshold: Fraction | None) -> str:
    """Describe the change from the nadir: "20.0 % (4.2 mm) above nadir 21.0 mm"."""
    difference = exact_sum((sum_mm, -nadir_mm))
    if difference == 0:
        return f"equal to nadir {format_mm(nadir_mm)} mm"
    direction = "above" if difference > 0 else "below"
    change = percent_change(sum_mm, nadir_mm)
    amount = f"{format_mm(abs(difference))} mm"
    if change is None:
        return f"{amount} {direction} nadir {format_mm(nadir_mm)} mm"
    pct = format_pct(change, threshold)
    return f"{pct} % ({amount}) {direction} nadir {format_mm(nadir_mm)} mm"


def _from_baseline(sum_mm: Decimal, baseline_mm: Decimal) -> str:
    change = percent_change(sum_mm, baseline_mm)
    if not change:
        return f"equal to baseline {format_mm(baseline_mm)} mm"
    direction = "above" if change > 0 else "below"
    pct = format_pct(change, PR_DECREASE_PCT)
    return f"{pct} % {direction} baseline {format_mm(baseline_mm)} mm"


def _cr_sentence(lesions: Sequence[TargetLesion], criteria: Criteria, sum_mm: Decimal) -> str:
    parts = []
    liver = [lesion for lesion in lesions if lesion.is_intrahepatic]
    nodes = [lesion for lesion in lesions if lesion.is_node]
    if criteria is Criteria.MRECIST and liver:
        parts.append("no liver target shows intratumoral arterial enhancement (viable 0 mm)")
        others = [les for les in lesions if not les.is_node and not les.is_intrahepatic]
        if others:
            parts.append("every other non-nodal target has disappeared")
    elif len(nodes) < len(lesions):
        parts.append("every non-nodal target has disappeared")
    if nodes:
        parts.append(
            f"every target node is below {format_mm(NODE_NORMAL_SHORT_AXIS_MM)} mm short axis"
        )
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"target CR: {listed}; sum {format_mm(sum_mm)} mm"


def assess_targets(
    lesions: Sequence[TargetLesion],
    *,
    criteria: Criteria,
    baseline_sum_mm: Decimal,
    nadir_sum_mm: Decimal,
    pd_min_increase_mm: Decimal,
    responding_since: str | None = None,
) -> tuple[Assessment, Decimal | None]:
    """Decide the target response at one follow-up timepoint.

    Decided in this order: NE (a target not evaluable, unless the evaluable ones alone are
    already PD), PD against the nadir, CR, PR against the baseline, a PR that persists from
    an earlier PR or CR (EORTC-FAQ), else SD (RECIST 1.1 §4.3.1; LL2010).

    Parameters
    ----------
    lesions
        The targets recorded at this timepoint (every baseline target).
    criteria
        mRECIST or RECIST 1.1.
    baseline_sum_mm
        The baseline sum.
    nadir_sum_mm
        The smallest evaluable sum before this timepoint, baseline included.
    pd_min_increase_mm
        The absolute increase over the nadir that PD also needs.
    responding_since
        The label of the timepoint where a CR or PR started that has not yet ended in PD,
        or ``None``.

    Returns
    -------
    tuple of Assessment and Decimal or None
        The target response and the sum (``None`` when a target is not evaluable).
    """
    refs = RULE_REFS[criteria]
    measured = [(lesion, target_measurement_mm(lesion, criteria)) for lesion in lesions]
    missing = [lesion for lesion, value in measured if value is None]
    known = exact_sum(value for _, value in measured if value is not None)
    needs = _pd_needs(pd_min_increase_mm)

    if missing:
        verb = "is" if len(missing) == 1 else "are"
        if meets_pd(known, nadir_sum_mm, pd_min_increase_mm):
            reason = (
                f"target PD: the evaluable targets alone sum {format_mm(known)} mm, "
                f"{_over_nadir(known, nadir_sum_mm, PD_INCREASE_PCT)} (needs {needs}), "
                f"although {_ids(missing)} {verb} not evaluable"
            )
            return Assessment(ResponseCategory.PD, reason, refs), None
        if len(missing) == len(lesions):
            reason = f"target NE: no target is evaluable ({_ids(missing)})"
        else:
            reason = (
                f"target NE: {_ids(missing)} {verb} not evaluable and the evaluable targets "
                f"alone ({format_mm(known)} mm) do not show progression over nadir "
                f"{format_mm(nadir_sum_mm)} mm"
            )
        return Assessment(ResponseCategory.NE, reason, refs), None

    if meets_pd(known, nadir_sum_mm, pd_min_increase_mm):
        if nadir_sum_mm == 0 and pd_min_increase_mm > 0:
            minimum = format_mm(pd_min_increase_mm)
            rule = f"from a 0 mm nadir any increase of at least {minimum} mm counts"
        elif nadir_sum_mm == 0:
            rule = "from a 0 mm nadir any increase counts"
        else:
            rule = f"needs {needs}"
        reason = (
            f"target PD: sum {format_mm(known)} mm is "
            f"{_over_nadir(known, nadir_sum_mm, PD_INCREASE_PCT)} ({rule})"
        )
        return Assessment(ResponseCategory.PD, reason, refs), known
    if meets_cr(lesions, criteria):
        return Assessment(ResponseCategory.CR, _cr_sentence(lesions, criteria, known), refs), known
    if meets_pr(known, baseline_sum_mm):
        reason = (
            f"target PR: sum {format_mm(known)} mm is {_from_baseline(known, baseline_sum_mm)} "
            f"(needs at least {PR_DECREASE_PCT} %)"
        )
        return Assessment(ResponseCategory.PR, reason, refs), known
    if responding_since is not None:
        reason = (
            f"target PR: sum {format_mm(known)} mm is {_from_baseline(known, baseline_sum_mm)}, "
            f"short of {PR_DECREASE_PCT} %, but the response seen since "
            f"{responding_since} continues until PD criteria are met "
            f"({_over_nadir(known, nadir_sum_mm, PD_INCREASE_PCT)}, PD needs {needs})"
        )
        return Assessment(ResponseCategory.PR, reason, (*refs, "EORTC-FAQ")), known
    reason = (
        f"target SD: sum {format_mm(known)} mm is {_from_baseline(known, baseline_sum_mm)} "
        f"(PR needs {PR_DECREASE_PCT} % below) and "
        f"{_over_nadir(known, nadir_sum_mm, PD_INCREASE_PCT)} (PD needs {needs})"
    )
    return Assessment(ResponseCategory.SD, reason, refs), known
