"""Recognise the contrast phase of each series in a multiphase liver study.

Two kinds of evidence, in order of trust:

1. The series description, in the vendor's and the site's words ("Leber arteriell",
   "LATE ART", "FOIE TEMPS PORTAL", "Fase de equilibrio", "t1_vibe_fs_tra_bh_pv").
2. Timing: a series without ContrastBolusAgent, acquired before the enhanced ones, is
   pre-contrast; enhanced series are placed by their acquisition time after the
   injection (ContrastBolusStartTime) or, lacking that, after the earliest enhanced series.
   Typical delays: late arterial 30–45 s, portal venous 60–80 s, delayed/equilibrium
   3–5 min (LI-RADS v2018 technique; Lencioni & Llovet 2010 ask for arterial-phase images).

Each decision carries a reason sentence, shown to the reader, who can override it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from core.dicom.headers import ImageHeader
from core.model.imaging import Phase

# Seconds after injection that separate the phases when only timing is known.
ARTERIAL_MAX_DELAY_S = 50
PORTAL_VENOUS_MAX_DELAY_S = 120
HEPATOBILIARY_MIN_DELAY_S = 600

# Checked in this order: "late arterial" must not read as "late" (delayed), and
# "portalvenös" must not read as arterial. Patterns match accent-free lower-case text.
_KEYWORDS: tuple[tuple[Phase, str], ...] = (
    (Phase.HEPATOBILIARY, r"hepatobil|\bhbp\b|\b(15|20) ?min"),
    (Phase.PRE_CONTRAST, r"nativ|non ?con|\bpre\b|sans inj|sin contraste|senza mdc|\bplain\b"
                         r"|unenhanced|without contrast|\bw/?o\b|\bnc\b|_pre\b"),
    (Phase.PORTAL_VENOUS, r"portal|\bpvp?\b|_pv\b|venous|\bven\b|\bvp\b|\b(60|70|80) ?s\b"),
    (Phase.ARTERIAL, r"arteri|\bart\b|_art\b|\bap\b|\bhap\b"),
    (Phase.DELAYED, r"delay|spat|spaet|tardi|equil|\beq\b|\b[2-5] ?min|_[2-5]min\b|transit"),
)


@dataclass(frozen=True, slots=True)
class PhaseDecision:
    """A recognised phase and the sentence that explains it."""

    phase: Phase
    reason: str


def normalise(text: str) -> str:
    """Lower case without accents, so "Spätphase" matches "spat" and "tardía" "tardi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def phase_from_description(description: str) -> Phase | None:
    """The phase a series description names, or None when it names none."""
    text = normalise(description)
    for phase, pattern in _KEYWORDS:
        if re.search(pattern, text):
            return phase
    return None


def _seconds(hhmmss: str) -> float | None:
    match = re.match(r"^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)", hhmmss.strip())
    if not match:
        return None
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def _phase_from_delay(delay_s: float) -> Phase:
    if delay_s <= ARTERIAL_MAX_DELAY_S:
        return Phase.ARTERIAL
    if delay_s <= PORTAL_VENOUS_MAX_DELAY_S:
        return Phase.PORTAL_VENOUS
    if delay_s < HEPATOBILIARY_MIN_DELAY_S:
        return Phase.DELAYED
    return Phase.HEPATOBILIARY


def _acquired_s(headers: Sequence[ImageHeader]) -> float | None:
    times = [t for h in headers if (t := _seconds(h.acquisition_time)) is not None]
    return min(times) if times else None


def classify_study_phases(
    groups: dict[Hashable, Sequence[ImageHeader]],
) -> dict[Hashable, PhaseDecision]:
    """Decide the phase of every series (group of images) of one study."""
    decisions: dict[Hashable, PhaseDecision] = {}
    for key, headers in groups.items():
        description = headers[0].series_description
        phase = phase_from_description(description)
        if phase is not None:
            decisions[key] = PhaseDecision(phase, f'series description "{description}" '
                                                  f"names the {phase.label.lower()} phase")
    undecided = [k for k in groups if k not in decisions]
    decisions.update(_decide_by_timing(groups, undecided))
    return decisions


def _decide_by_timing(
    groups: dict[Hashable, Sequence[ImageHeader]], keys: list[Hashable]
) -> dict[Hashable, PhaseDecision]:
    out: dict[Hashable, PhaseDecision] = {}
    enhanced = [k for k in groups if groups[k][0].contrast_agent]
    injection = [t for k in enhanced if (t := _seconds(groups[k][0].contrast_start_time))]
    first_enhanced = [t for k in enhanced if (t := _acquired_s(groups[k])) is not None]
    for key in keys:
        headers = groups[key]
        if not headers[0].contrast_agent:
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
            phase = _phase_from_delay(delay)
            out[key] = PhaseDecision(phase, f"acquired {delay:.0f} s after the contrast "
                                     f"injection started: {phase.label.lower()}")
        elif acquired is not None and first_enhanced:
            # Without an injection time, the earliest enhanced series is taken as arterial
            # and the others are placed by their delay relative to it (+35 s offset).
            delay = acquired - min(first_enhanced) + 35
            phase = _phase_from_delay(delay)
            out[key] = PhaseDecision(phase, f"acquired {delay - 35:.0f} s after the first "
                                     f"enhanced series: {phase.label.lower()}")
        else:
            out[key] = PhaseDecision(Phase.UNKNOWN, "contrast-enhanced, but no acquisition "
                                     "time to tell the phase")
    return out
