"""Non-target lesions: the non-target response at one follow-up timepoint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.criteria.types import Assessment, NonTargetLesion
from core.model.clinical import Criteria, NonTargetState, ResponseCategory

# Ascites and pleural effusion that appear or grow are not progression unless cytology
# confirms malignancy: cirrhosis and treatment cause them too (LL2010, JNCI2008).
FLUID_KINDS = frozenset({"ascites", "effusion"})
FLUID_RULE_REFS = ("LL2010", "JNCI2008")

RULE_REFS: dict[Criteria, tuple[str, ...]] = {
    Criteria.MRECIST: ("LL2010",),
    Criteria.RECIST11: ("RECIST 1.1 §4.3.3",),
}


def is_fluid(kind: str | None) -> bool:
    """Return True for ascites or an effusion, which need cytology to count (LL2010)."""
    return kind in FLUID_KINDS


def _named(lesions: Iterable[NonTargetLesion]) -> str:
    return ", ".join(f"{lesion.id} ({lesion.kind or lesion.organ})" for lesion in lesions)


def _verb(lesions: Sequence[NonTargetLesion], singular: str, plural: str) -> str:
    return singular if len(lesions) == 1 else plural


def assess_non_targets(
    lesions: Sequence[NonTargetLesion],
    *,
    criteria: Criteria,
    has_baseline_non_targets: bool,
) -> Assessment:
    """Decide the non-target response at one follow-up timepoint.

    Decided in this order: ND without baseline non-targets; PD if any progressed
    unequivocally (an effusion or ascites only with cytology); NE if any is not evaluable;
    CR if all are absent; else NON-CR/NON-PD (RECIST 1.1 §4.3.3; LL2010, which calls it IR/SD).

    Parameters
    ----------
    lesions
        The non-targets recorded at this timepoint (every baseline non-target).
    criteria
        mRECIST or RECIST 1.1; it changes the wording of absent and present.
    has_baseline_non_targets
        Whether the subject had non-target lesions at baseline.
    """
    refs = RULE_REFS[criteria]
    if not has_baseline_non_targets:
        return Assessment(
            ResponseCategory.ND, "non-target ND: no non-target lesions at baseline", refs
        )
    progressed = [lesion for lesion in lesions if lesion.state is NonTargetState.PROGRESSED]
    counted = [les for les in progressed if not is_fluid(les.kind) or les.cytology_confirmed]
    uncounted = [lesion for lesion in progressed if lesion not in counted]
    note = ""
    if uncounted:
        refs = (*refs, *FLUID_RULE_REFS)
        note = (
            f"; growth of {_named(uncounted)} is not progression without cytology "
            "confirming malignancy"
        )
    if counted:
        return Assessment(
            ResponseCategory.PD,
            f"non-target PD: unequivocal progression of {_named(counted)}{note}",
            refs,
        )
    not_evaluable = [les for les in lesions if les.state is NonTargetState.NOT_EVALUABLE]
    if not_evaluable:
        verb = _verb(not_evaluable, "is", "are")
        return Assessment(
            ResponseCategory.NE,
            f"non-target NE: {_named(not_evaluable)} {verb} not evaluable{note}",
            refs,
        )
    if all(lesion.state is NonTargetState.ABSENT for lesion in lesions):
        if criteria is Criteria.MRECIST:
            what = "no non-target lesion shows intratumoral arterial enhancement or persists"
        else:
            what = "every non-target lesion has disappeared and non-target nodes are normal"
        return Assessment(ResponseCategory.CR, f"non-target CR: {what}: {_named(lesions)}", refs)
    persisting = [lesion for lesion in lesions if lesion.state is not NonTargetState.ABSENT]
    verb = _verb(persisting, "persists", "persist")
    return Assessment(
        ResponseCategory.NON_CR_NON_PD,
        f"non-target NON-CR/NON-PD: {_named(persisting)} {verb} and none progressed "
        f"unequivocally{note}",
        refs,
    )
