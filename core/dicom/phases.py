"""Recognise the contrast phase of each series in a multiphase liver study.

Evidence, in order of trust:

1. The series description, in the vendor's and the site's words ("Leber arteriell",
   "LATE ART", "FOIE TEMPS PORTAL", "Fase de equilibrio", "t1_vibe_fs_tra_bh_pv",
   "門脈相"). Localizers and MR sequences outside the dynamic (T2, diffusion) are named as
   such and given no phase.
2. Timing: a series without ContrastBolusAgent, acquired before the enhanced ones, is
   pre-contrast; enhanced series are placed by their acquisition time after the
   injection (ContrastBolusStartTime) or, lacking that, after the earliest enhanced series.
   Typical delays: late arterial 30–45 s, portal venous 60–80 s, delayed/equilibrium
   3–5 min, hepatobiliary (gadoxetate) 20 min (LI-RADS v2018 CT/MRI technique; Lencioni &
   Llovet 2010 ask for arterial-phase images).
3. The order of a dynamic MR series' time points, when it carries no timing or contrast
   information at all: pre-contrast, arterial, portal venous, then delayed.

Each decision carries a reason sentence, shown to the reader, who can override it
(:func:`override_phase`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from core.dicom.headers import ImageHeader
from core.model.imaging import Phase

# Seconds after injection that separate the phases when only timing is known.
EARLY_ARTERIAL_MAX_DELAY_S = 25
ARTERIAL_MAX_DELAY_S = 50
PORTAL_VENOUS_MAX_DELAY_S = 120
HEPATOBILIARY_MIN_DELAY_S = 600
# Without an injection time, the earliest enhanced series is taken to be late arterial,
# acquired this long after the injection started (a bolus-tracked late arterial phase).
ASSUMED_FIRST_ENHANCED_DELAY_S = 35

# A description token: letters and digits not glued to other letters or digits, so "art"
# matches "t1_vibe_art" and "LATE ART" but not "cartilage".
_B, _E = r"(?<![a-z0-9])", r"(?![a-z0-9])"

# Checked in this order: "late arterial" must not read as "late" (delayed), and
# "portalvenös" must not read as arterial. Patterns match accent-free lower-case text.
_KEYWORDS: tuple[tuple[Phase, str, str], ...] = (
    (Phase.HEPATOBILIARY, "", r"hepatobil|hepatocyt|hepatozyt|leberspezif|epatobil|hepatobiliar"
                              rf"|{_B}hbp{_E}|{_B}hb ?phase|{_B}(15|20) ?min|肝細胞相|肝胆期"),
    (Phase.PRE_CONTRAST, "", r"nativ|non ?-?con|pre ?-?con|precon|sans inj|sans contraste"
                             r"|sin contraste|senza (mdc|contrasto)|sem contraste|zonder contrast"
                             rf"|ohne km|{_B}basale{_E}|{_B}blanco{_E}|{_B}pre{_E}|{_B}plain{_E}"
                             r"|unenhanced|without contrast|w/o|{_B}wo{_E}|{_B}nc{_E}|{_B}c-"
                             rf"|{_B}mask{_E}|単純|平扫"),
    (Phase.ARTERIAL, "early arterial", r"early ?art|fruh ?art|arteriell fruh|arterial precoz"
                                       rf"|{_B}eap{_E}"),
    (Phase.ARTERIAL, "late arterial", r"late ?art|spat ?art|spaet ?art|arteriell spat"
                                      r"|arterial tardi|arteriel tardif|arteriosa tardiva"
                                      rf"|{_B}lap{_E}"),
    (Phase.PORTAL_VENOUS, "", r"portal|portaal|pfortader|venous|venos|veneu|veineu"
                              rf"|{_B}pvp?{_E}|{_B}ven{_E}|{_B}vp{_E}|{_B}(60|65|70|75|80) ?s"
                              r"(ec)?{_E}|門脈|门脉|门静脉"),
    (Phase.ARTERIAL, "", rf"arteri|{_B}art{_E}|{_B}ap{_E}|{_B}hap{_E}|動脈|动脉"),
    (Phase.DELAYED, "", r"delay|spat|spaet|tardi|equil|ausgleich|{_B}eq{_E}|{_B}[2-5] ?min"
                        rf"|transit|{_B}late{_E}|{_B}laat{_E}|平衡相|遅延相|延迟期"),
)

_LOCALIZER = r"locali[sz]er|scout|topogram|surview|survey|tri-?pilot|3-?plane|{_B}loc{_E}"
# MR sequences read beside the dynamic but not part of it: they have no contrast phase.
_NOT_DYNAMIC_MR = (rf"{_B}t2|{_B}dwi{_E}|diffusion|{_B}adc{_E}|ep2d|haste|ssfse|fiesta|trufi"
                   rf"|{_B}stir{_E}|{_B}mrcp{_E}|in ?-?phase|opp(osed)? ?-?phase|out ?-?phase"
                   rf"|{_B}(ip|op){_E}|{_B}b ?[0-9]{{2,4}}{_E}")


@dataclass(frozen=True, slots=True)
class PhaseDecision:
    """A recognised phase and the sentence that explains it.

    ``detail`` refines the phase when the evidence says more ("early arterial", "late
    arterial"); ``is_override`` is True when a reader chose the phase.
    """

    phase: Phase
    reason: str
    detail: str = ""
    is_override: bool = False


def normalise(text: str) -> str:
    """Lower case without accents, so "Spätphase" matches "spat" and "tardía" "tardi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _named(description: str) -> tuple[Phase, str] | None:
    text = normalise(description)
    for phase, detail, pattern in _KEYWORDS:
        if re.search(pattern.replace("{_B}", _B).replace("{_E}", _E), text):
            return phase, detail
    return None


def phase_from_description(description: str) -> Phase | None:
    """The phase a series description names, or None when it names none."""
    named = _named(description)
    return named[0] if named else None


def override_phase(decision: PhaseDecision, phase: Phase) -> PhaseDecision:
    """The reader's choice of *phase*, keeping what the import had decided in the reason."""
    if decision.is_override:  # a second change keeps what the import had said
        return PhaseDecision(phase, decision.reason, is_override=True)
    return PhaseDecision(phase, f"set by the reader; the import had said "
                                f"{decision.phase.label.lower()} ({decision.reason})",
                         is_override=True)


def _seconds(hhmmss: str) -> float | None:
    match = re.match(r"^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)", hhmmss.strip())
    if not match:
        match = re.match(r"^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)", hhmmss.strip())  # ACR-NEMA
    if not match:
        return None
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def _phase_from_delay(delay_s: float, modality: str) -> tuple[Phase, str]:
    if delay_s <= ARTERIAL_MAX_DELAY_S:
        detail = "early arterial" if delay_s <= EARLY_ARTERIAL_MAX_DELAY_S else "late arterial"
        return Phase.ARTERIAL, detail
    if delay_s <= PORTAL_VENOUS_MAX_DELAY_S:
        return Phase.PORTAL_VENOUS, ""
    # Only MR has a hepatobiliary phase (gadoxetate taken up by hepatocytes); a late CT
    # series is still a delayed one.
    if delay_s < HEPATOBILIARY_MIN_DELAY_S or modality != "MR":
        return Phase.DELAYED, ""
    return Phase.HEPATOBILIARY, ""


def _label(phase: Phase, detail: str) -> str:
    return detail or phase.label.lower()


def _acquired_s(headers: Sequence[ImageHeader]) -> float | None:
    times = [t for h in headers if (t := _seconds(h.acquisition_time)) is not None]
    if not times:
        times = [t for h in headers if (t := _seconds(h.series_time)) is not None]
    return min(times) if times else None


def classify_study_phases(
    groups: dict[Hashable, Sequence[ImageHeader]],
) -> dict[Hashable, PhaseDecision]:
    """Decide the phase of every series (group of images) of one study."""
    decisions: dict[Hashable, PhaseDecision] = {}
    timing = _decide_by_timing(groups, list(groups))
    time_points = Counter(headers[0].series_instance_uid for headers in groups.values())
    for key, headers in groups.items():
        by_name = _decide_by_name(headers)
        if by_name is None:
            continue
        if by_name.phase is not Phase.UNKNOWN and time_points[headers[0].series_instance_uid] > 1:
            continue  # one description covers every time point of a dynamic series
        decisions[key] = _note_disagreement(by_name, timing[key])
    named = set(decisions)
    for key in groups:
        decisions.setdefault(key, timing[key])
    _order_unknown_dynamic(groups, decisions, named)
    return decisions


def _decide_by_name(headers: Sequence[ImageHeader]) -> PhaseDecision | None:
    description = headers[0].series_description
    text = normalise(description)
    if "LOCALIZER" in headers[0].image_type:
        return PhaseDecision(Phase.UNKNOWN, "ImageType says LOCALIZER: a localizer, not a "
                                            "contrast phase")
    if re.search(_LOCALIZER.replace("{_B}", _B).replace("{_E}", _E), text):
        return PhaseDecision(Phase.UNKNOWN, f'series description "{description}" names a '
                                            "localizer, not a contrast phase")
    named = _named(description)
    if named is None and headers[0].modality == "MR" and re.search(_NOT_DYNAMIC_MR, text):
        return PhaseDecision(Phase.UNKNOWN, f'series description "{description}" names an MR '
                                            "sequence outside the contrast dynamic")
    if named is None:
        return None
    phase, detail = named
    return PhaseDecision(phase, f'series description "{description}" names the '
                                f"{_label(phase, detail)} phase", detail)


def _note_disagreement(by_name: PhaseDecision, by_time: PhaseDecision) -> PhaseDecision:
    """The description wins, but a timing that contradicts it is worth a second look."""
    known = (Phase.UNKNOWN, by_name.phase)
    if by_time.phase in known or not by_time.reason.startswith("acquired"):
        return by_name
    return PhaseDecision(by_name.phase, f"{by_name.reason}; but {by_time.reason}: check",
                         by_name.detail)


def _decide_by_timing(
    groups: dict[Hashable, Sequence[ImageHeader]], keys: list[Hashable]
) -> dict[Hashable, PhaseDecision]:
    out: dict[Hashable, PhaseDecision] = {}
    enhanced = [k for k in groups if groups[k][0].is_enhanced]
    injection = [t for k in enhanced if (t := _seconds(groups[k][0].contrast_start_time))]
    first_enhanced = [t for k in enhanced if (t := _acquired_s(groups[k])) is not None]
    for key in keys:
        headers = groups[key]
        if not headers[0].is_enhanced:
            if enhanced:
                out[key] = PhaseDecision(Phase.PRE_CONTRAST, "no contrast agent recorded "
                                         "while other series of the study have one")
            else:
                out[key] = PhaseDecision(Phase.UNKNOWN, "no phase named in the description "
                                         "and no contrast information in the study")
            continue
        acquired = _acquired_s(headers)
        if acquired is not None and injection:
            delay = acquired - min(injection)
            phase, detail = _phase_from_delay(delay, headers[0].modality)
            out[key] = PhaseDecision(phase, f"acquired {delay:.0f} s after the contrast "
                                     f"injection started: {_label(phase, detail)}", detail)
        elif acquired is not None and first_enhanced:
            delay = acquired - min(first_enhanced)
            phase, detail = _phase_from_delay(delay + ASSUMED_FIRST_ENHANCED_DELAY_S,
                                              headers[0].modality)
            out[key] = PhaseDecision(phase, f"acquired {delay:.0f} s after the first "
                                     f"enhanced series: {_label(phase, detail)}", detail)
        else:
            out[key] = PhaseDecision(Phase.UNKNOWN, "contrast-enhanced, but no acquisition "
                                     "time to tell the phase")
    return out


_DYNAMIC_ORDER = (Phase.PRE_CONTRAST, Phase.ARTERIAL, Phase.PORTAL_VENOUS)


def _order_unknown_dynamic(groups: dict[Hashable, Sequence[ImageHeader]],
                           decisions: dict[Hashable, PhaseDecision],
                           named: set[Hashable]) -> None:
    """Name the time points of an MR dynamic series that nothing else could place.

    Only when no time point of the series was placed by name or timing: then the
    dynamic's own order (pre-contrast, arterial, portal venous, delayed...) is the best
    evidence left, and the reason says it is only that.
    """
    by_series: dict[str, list[Hashable]] = {}
    for key, headers in groups.items():
        if headers[0].modality == "MR" and headers[0].temporal_position is not None:
            by_series.setdefault(headers[0].series_instance_uid, []).append(key)
    for keys in by_series.values():
        if len(keys) < 3 or any(decisions[k].phase is not Phase.UNKNOWN or k in named
                                for k in keys):
            continue
        ordered = sorted(keys, key=lambda k: groups[k][0].temporal_position or 0)
        for n, key in enumerate(ordered):
            phase = _DYNAMIC_ORDER[n] if n < len(_DYNAMIC_ORDER) else Phase.DELAYED
            decisions[key] = PhaseDecision(phase, f"time point {n + 1} of {len(keys)} of a "
                                           "dynamic series without timing or contrast "
                                           f"information: {phase.label.lower()} by order "
                                           "alone")
