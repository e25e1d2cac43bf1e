"""Overall response at one timepoint: RECIST 1.1 Table 1, and Table 2 without targets.

mRECIST combines target, non-target and new-lesion responses with the same tables (LL2010).
"""

from __future__ import annotations

from core.criteria.types import Assessment
from core.model.clinical import NewLesionStatus, ResponseCategory

R = ResponseCategory
TABLE_1_REF = "RECIST 1.1 Table 1"
TABLE_2_REF = "RECIST 1.1 Table 2"


def _components(
    target: ResponseCategory | None, non_target: ResponseCategory, new: NewLesionStatus
) -> str:
    parts = [] if target is None else [f"target {target}"]
    parts.append(f"non-target {non_target}")
    parts.append(
        {
            NewLesionStatus.NO: "no new lesion",
            NewLesionStatus.EQUIVOCAL: "an equivocal new lesion, which alone changes nothing",
            NewLesionStatus.YES: "an unequivocal new lesion",
        }[new]
    )
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def overall_with_targets(
    target: ResponseCategory, non_target: ResponseCategory, new: NewLesionStatus
) -> ResponseCategory:
    """Combine the three responses of a subject with target lesions (RECIST 1.1 Table 1).

    Parameters
    ----------
    target
        CR, PR, SD, PD or NE.
    non_target
        CR, NON-CR/NON-PD, PD, NE or ND (no non-target disease).
    new
        An equivocal new lesion alone does not change the response (RECIST 1.1 §4.3.2).
    """
    if R.PD in (target, non_target) or new is NewLesionStatus.YES:
        return R.PD
    if target is R.NE:
        return R.NE
    if target is R.CR:
        # CR needs every lesion gone; a non-target that persists or is not evaluable leaves
        # only PR (RECIST 1.1 Table 1, rows 2-3).
        return R.CR if non_target in (R.CR, R.ND) else R.PR
    return target


def overall_without_targets(
    non_target: ResponseCategory, new: NewLesionStatus
) -> ResponseCategory:
    """Combine the responses of a subject with non-target lesions only (RECIST 1.1 Table 2)."""
    if non_target is R.PD or new is NewLesionStatus.YES:
        return R.PD
    return non_target


def assess_overall(
    target: Assessment | None, non_target: Assessment, new: Assessment
) -> Assessment:
    """Decide the overall response and say which table applied (RECIST 1.1 Tables 1 and 2).

    Parameters
    ----------
    target
        The target assessment, or ``None`` for a subject without target lesions.
    non_target
        The non-target assessment.
    new
        The new-lesion assessment.
    """
    nt = ResponseCategory(non_target.category)
    status = NewLesionStatus(new.category)
    if target is None:
        category = overall_without_targets(nt, status)
        words = _components(None, nt, status)
        reason = f"overall {category}: no target lesions; {words} ({TABLE_2_REF})"
        return Assessment(category, reason, (TABLE_2_REF,))
    tr = ResponseCategory(target.category)
    category = overall_with_targets(tr, nt, status)
    reason = f"overall {category}: {_components(tr, nt, status)} ({TABLE_1_REF})"
    return Assessment(category, reason, (TABLE_1_REF,))
