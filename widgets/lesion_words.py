"""How the reading widgets word a lesion: organs, kinds, states and phases on screen.

The record keeps the case file's words (``lymph_node``, ``tumour_thrombus``,
``progressed``; docs/case-format.md); the reader sees them in plain English ("Lymph
node", "Tumour thrombus", "Unequivocal progression"). One table each way, so the lesion
form, the finding form and the lesion panel never disagree.
"""

from __future__ import annotations

import re

from core.model.clinical import LesionCategory, LesionState, NonTargetState, TargetState
from core.model.imaging import Phase
from core.model.reading import Lesion

# The organs a reader picks from, in the case file's words (docs/case-format.md) and on
# screen; any other lower-case organ may be typed.
ORGANS: tuple[tuple[str, str], ...] = (
    ("liver", "Liver"),
    ("lung", "Lung"),
    ("lymph_node", "Lymph node"),
    ("peritoneum", "Peritoneum"),
    ("adrenal", "Adrenal gland"),
    ("bone", "Bone"),
    ("portal_vein", "Portal vein"),
)
LIVER = "liver"
LYMPH_NODE = "lymph_node"

# An organ as the case file records it: lower case, digits and underscores, a letter first.
_ORGAN_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_ORGAN_LENGTH = 64

# Couinaud's liver segments; recorded as the lesion's location, "segment VII".
LIVER_SEGMENTS: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

# What a non-target or new lesion is, when it is not a solid lesion of its organ.
KINDS: dict[str, str] = {
    "tumour_thrombus": "Tumour thrombus",
    "ascites": "Ascites",
    "effusion": "Effusion",
}
# The kinds each category may record (docs/case-format.md: a new lesion is ascites, an
# effusion or neither); targets are solid lesions.
CATEGORY_KINDS: dict[LesionCategory, tuple[str, ...]] = {
    LesionCategory.TARGET: (),
    LesionCategory.NON_TARGET: ("tumour_thrombus", "ascites", "effusion"),
    LesionCategory.NEW: ("ascites", "effusion"),
}
# Ascites and effusions count only with cytology (LL2010; core.criteria.non_targets).
FLUID_KINDS = frozenset({"ascites", "effusion"})

CATEGORY_TEXT: dict[LesionCategory, str] = {
    LesionCategory.TARGET: "Target",
    LesionCategory.NON_TARGET: "Non-target",
    LesionCategory.NEW: "New lesion",
}

STATE_TEXT: dict[LesionState, str] = {
    TargetState.MEASURED: "Measured",
    TargetState.DISAPPEARED: "Disappeared",
    TargetState.TOO_SMALL: "Too small to measure",
    TargetState.MERGED: "Merged",
    TargetState.NOT_EVALUABLE: "Not evaluable",
    NonTargetState.PRESENT: "Present",
    NonTargetState.ABSENT: "Absent",
    NonTargetState.PROGRESSED: "Unequivocal progression",
    NonTargetState.NOT_EVALUABLE: "Not evaluable",
}

# How a caliper's phase is abbreviated beside its length (the liver imaging usage: AP,
# PVP, DP, HBP); the arterial phase, where mRECIST measures, is not marked.
PHASE_ABBREVIATIONS: dict[Phase, str] = {
    Phase.PRE_CONTRAST: "Pre",
    Phase.ARTERIAL: "AP",
    Phase.PORTAL_VENOUS: "PV",
    Phase.DELAYED: "DP",
    Phase.HEPATOBILIARY: "HBP",
    Phase.UNKNOWN: "unknown phase",
}

_BY_TEXT = {text.casefold(): code for code, text in ORGANS}


def organ_code(text: str) -> str | None:
    """The organ the reader chose or typed, in the case file's words; ``None`` if none.

    A listed organ by its name ("Lymph node" → ``lymph_node``); anything else in lower
    case with underscores for spaces and punctuation ("Pleura, left" → ``pleura_left``).
    ``None`` for an empty entry or one that does not start with a letter.
    """
    text = text.strip()
    if text.casefold() in _BY_TEXT:
        return _BY_TEXT[text.casefold()]
    code = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    if not _ORGAN_PATTERN.match(code) or len(code) > _MAX_ORGAN_LENGTH:
        return None
    return code


def is_organ_code(organ: str) -> bool:
    """True when *organ* is written as the case file records organs."""
    return bool(_ORGAN_PATTERN.match(organ)) and len(organ) <= _MAX_ORGAN_LENGTH


def organ_text(code: str) -> str:
    """An organ on screen: "Lymph node" for ``lymph_node``."""
    listed = dict(ORGANS).get(code)
    return listed if listed is not None else code.replace("_", " ").capitalize()


def segment_location(segment: str) -> str:
    """A Couinaud segment as the lesion's recorded location: "segment VII"."""
    return f"segment {segment}"


def lesion_site(lesion: Lesion, compact: bool = False) -> str:
    """Where a lesion is, in words: "Liver, segment VII", "Lymph node, porta hepatis";
    *compact* for a table column: "Liver (VII)", "Porta hepatis node"."""
    organ = organ_text(lesion.organ)
    if compact:
        if lesion.is_node:
            organ = "Porta hepatis node" if lesion.is_porta_hepatis else (
                organ if lesion.organ == LYMPH_NODE else f"{organ} node")
        location = (lesion.location or "").removeprefix("segment ")
        return f"{organ} ({location})" if location else organ
    parts = [organ]
    if lesion.is_node and lesion.organ != LYMPH_NODE:
        parts.append("node")
    if lesion.is_porta_hepatis:
        parts.append("porta hepatis")
    if lesion.location:
        parts.append(lesion.location)
    return ", ".join(parts)


def lesion_caption(lesion: Lesion) -> str:
    """A lesion in one line: "Non-target · Portal vein · Tumour thrombus"."""
    parts = [CATEGORY_TEXT[lesion.category], lesion_site(lesion)]
    if lesion.kind:
        parts.append(KINDS.get(lesion.kind, lesion.kind.replace("_", " ").capitalize()))
    if lesion.is_previously_treated:
        parts.append("previously treated")
    return " · ".join(parts)
