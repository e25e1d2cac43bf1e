"""How phantom subjects evolve over a trial's timepoints.

Each scenario is a table: for every timepoint, each lesion's intended total and viable
longest diameters, and the overall response the numbers were chosen to give under mRECIST
(Lencioni & Llovet 2010) and RECIST 1.1 (Eisenhauer et al. 2009). The arithmetic is in the
comments so a reader can check it by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.phantom.anatomy import PORTAL_HILUM, PORTAL_RIGHT_END
from core.phantom.grid import COVERAGE_CENTRE_Z_MM as zc
from core.phantom.lesions import LesionRole, LesionSpec, Pattern, ThrombusSpec

# Assessments every 6 weeks, as in the trial protocol.
VISIT_INTERVAL_DAYS = 42
TIMEPOINT_LABELS = ("Baseline", "Week 6", "Week 12")

TARGET, NON_TARGET, NEW = LesionRole.TARGET, LesionRole.NON_TARGET, LesionRole.NEW
HCC, NODE = Pattern.TYPICAL_HCC, Pattern.LYMPH_NODE


@dataclass(frozen=True)
class Scenario:
    """One subject's course: lesions per timepoint, intended responses per timepoint."""

    subject: str
    name: str
    baseline_date: dt.date
    vendor_style: int
    lesions: tuple[tuple[LesionSpec, ...], ...]
    thrombi: tuple[ThrombusSpec, ...]
    intended: tuple[dict[str, str], ...]

    def timepoint_date(self, index: int) -> dt.date:
        """Date of timepoint *index* (0 = baseline)."""
        return self.baseline_date + dt.timedelta(days=VISIT_INTERVAL_DAYS * index)


def _hcc(lesion_id: str, role: LesionRole, centre: tuple[float, float, float], total: float,
         viable: float, short: float, angle: float) -> LesionSpec:
    return LesionSpec(lesion_id, role, "liver", HCC, centre, total, viable, short,
                      height_mm=short * 1.1, angle_deg=angle)


def responder() -> Scenario:
    """PR then CR by mRECIST while RECIST 1.1 stays SD: necrosis without shrinkage.

    mRECIST sums (viable): 40 + 26 = 66 → 22 + 12 = 34 (−48.5 %, PR) → 0 + 0 (CR).
    RECIST 1.1 sums (total): 48 + 30 = 78 → 42 + 26 = 68 (−12.8 %, SD) → 38 + 22 = 60
    (−23.1 %, SD). This is the treatment effect mRECIST was designed to capture.
    """
    t1, t2 = (-90.0, -15.0, zc + 25), (-40.0, -35.0, zc + 40)
    sizes = (((48, 40), (30, 26)), ((42, 22), (26, 12)), ((38, 0), (22, 0)))
    lesions = tuple(
        (_hcc("T1", TARGET, t1, a[0], a[1], a[0] * 0.75, 30.0),
         _hcc("T2", TARGET, t2, b[0], b[1], b[0] * 0.8, -40.0))
        for a, b in sizes
    )
    intended: tuple[dict[str, str], ...] = (
        {}, {"mRECIST": "PR", "RECIST1.1": "SD"}, {"mRECIST": "CR", "RECIST1.1": "SD"})
    return Scenario("HCC-001", "responder", dt.date(2026, 1, 5), 0, lesions, (), intended)


def stable() -> Scenario:
    """Stable disease with a portal vein tumour thrombus as non-target lesion.

    mRECIST: 30 + 18 = 48 → 28 + 17 = 45 (−6.3 %, SD) → 31 + 18 = 49 (+8.9 % over the
    nadir 45, SD). RECIST 1.1: 36 + 22 = 58 → 35 + 21 = 56 → 37 + 22 = 59 (SD, SD).
    The thrombus persists: non-target NON-CR/NON-PD.
    """
    t1, t2 = (-100.0, -10.0, zc + 35), (-55.0, -30.0, zc + 50)
    sizes = (((36, 30), (22, 18)), ((35, 28), (21, 17)), ((37, 31), (22, 18)))
    lesions = tuple(
        (_hcc("T1", TARGET, t1, a[0], a[1], a[0] * 0.72, 70.0),
         _hcc("T2", TARGET, t2, b[0], b[1], b[0] * 0.8, 50.0))
        for a, b in sizes
    )
    # Tumour thrombus along the proximal two thirds of the right portal vein.
    start = tuple(h + 0.1 * (e - h) for h, e in zip(PORTAL_HILUM, PORTAL_RIGHT_END, strict=True))
    end = tuple(h + 0.6 * (e - h) for h, e in zip(PORTAL_HILUM, PORTAL_RIGHT_END, strict=True))
    thrombus = ThrombusSpec("NT1", start, end, 7.0)  # type: ignore[arg-type]
    intended: tuple[dict[str, str], ...] = (
        {}, {"mRECIST": "SD", "RECIST1.1": "SD"}, {"mRECIST": "SD", "RECIST1.1": "SD"})
    return Scenario("HCC-002", "stable", dt.date(2026, 1, 19), 1, lesions, (thrombus,), intended)


def progressor() -> Scenario:
    """Stable targets, then a new typical HCC nodule: progression by new lesion.

    mRECIST: 26 → 27 (+3.8 %, SD) → 28 (+7.7 % over the nadir 26: SD by targets), but at
    week 12 a new 15 mm nodule with arterial hyperenhancement and washout appears in the
    left lobe: unequivocal new HCC (≥ 10 mm, typical pattern; Lencioni & Llovet 2010), so
    the overall response is PD under both criteria. An aortocaval node of 13 mm short
    axis is a pathological non-target node (10–15 mm, RECIST 1.1) and stays unchanged.
    """
    t1, new, node = (-90.0, -15.0, zc + 25), (0.0, -35.0, zc + 36), (-2.0, 24.0, zc - 45)
    sizes = ((32, 26), (33, 27), (34, 28))

    def lymph_node() -> LesionSpec:
        return LesionSpec("NT1", NON_TARGET, "lymph_node", NODE, node, 20.0, 20.0, 13.0, 14.0,
                          80.0)

    lesions = tuple(
        (_hcc("T1", TARGET, t1, total, viable, total * 0.75, -25.0), lymph_node())
        for total, viable in sizes
    )
    new_hcc = _hcc("N1", NEW, new, 15.0, 15.0, 13.0, 10.0)
    course: tuple[tuple[LesionSpec, ...], ...] = (*lesions[:2], (*lesions[2], new_hcc))
    intended: tuple[dict[str, str], ...] = (
        {}, {"mRECIST": "SD", "RECIST1.1": "SD"}, {"mRECIST": "PD", "RECIST1.1": "PD"})
    return Scenario("HCC-003", "progressor", dt.date(2026, 2, 2), 2, course, (), intended)


def demo_scenarios() -> tuple[Scenario, ...]:
    """The subjects of the demo trial, in subject order."""
    return (responder(), stable(), progressor())
