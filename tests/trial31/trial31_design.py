"""The 31 subjects of the seed trial as intended, before anything is recorded (pure, seeded).

Everything a test may check later is decided here, once, from ``random.Random(SEED)``: each
subject's enrolment, baseline characteristics, tumour assessments (the viable and total
diameter of its one liver target at every timepoint, and the response each gives), the
reads that slip and go to adjudication, DEB-TACE sessions, doses, adverse events, the end of
treatment, death or the last contact, and from those the intended PFS and OS. The store is
then built from these values (``trial31_generator``); the tests compare the store's answers
with them.

Sources of the distributions (docs/clinical-data.md, the shared docs):

- best overall response by the final reads 3 CR, 17 PR, 4 SD, 7 PD (the seed's Table 2);
- PVTT absent in 6 of 31 (the seed's Table 1, printed as 19.3 %);
- every other Table 1 count (``TABLE1``) and every Table 3 count (``TABLE3``) is **not given
  in the shared docs** and was chosen here as plausible for BCLC-C HCC treated with DEB-TACE,
  an anti-PD-L1 antibody and anlotinib: mostly HBV and men, Child-Pugh A, most with PVTT;
  post-embolisation fever and pain, transaminases, and anlotinib's hypertension and
  hand-foot skin reaction as the common treatment-related events.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

SEED = 31
N_SUBJECTS = 31
# The data cut-off: every date of the record lies on or before it (and before today).
CUT_OFF = dt.date(2025, 6, 30)
FIRST_ENROLMENT = dt.date(2023, 2, 6)
SCHEDULE_DAYS = 42  # tumour assessments every 6 weeks (docs/clinical-data.md §6)
CYCLE_DAYS = 21     # anti-PD-L1 every 3 weeks; anlotinib days 1-14 of 21
# The causes an adverse event's relatedness is assessed against (AEREL_<cause>).
ANLOTINIB, ANTI_PD_L1, DEB_TACE = "anlotinib", "anti-PD-L1", "DEB-TACE"
CAUSES = (ANLOTINIB, ANTI_PD_L1, DEB_TACE)
# Relatedness that makes an event treatment-related: possibly, probably or definitely
# related to any part of the study treatment (a study drug or DEB-TACE).
RELATED = ("POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED")

# The seed's Table 2 by the final reads.
BEST_RESPONSES = {"CR": 3, "PR": 17, "SD": 4, "PD": 7}

# Table 1 counts of the 31 (chosen here except PVTT absent = 6, see the module docstring).
TABLE1: dict[str, dict[str, int]] = {
    "sex": {"M": 27, "F": 4},
    "etiology": {"HBV": 25, "HCV": 2, "other": 4},
    "ecog": {"0": 18, "1": 13},
    "child_pugh_score": {"5": 17, "6": 11, "7": 3},
    "child_pugh_class": {"A": 28, "B": 3},
    "afp": {"< 400": 16, ">= 400": 15},
    "tumour_number": {"<= 3": 12, "> 3": 19},
    "pvtt": {"absent": 6, "Vp1": 2, "Vp2": 6, "Vp3": 11, "Vp4": 6},
    "ivc_thrombus": {"yes": 4, "no": 27},
    "extrahepatic_metastasis": {"yes": 12, "no": 19},
    "deb_tace_sessions": {"1": 9, "2": 12, "3": 7, "4": 3},
}

# Table 3: treatment-related adverse events, subjects at their worst grade per term:
# (all grades, grade >= 3); grades 1-2 are the difference. Chosen here (module docstring).
TABLE3: dict[str, tuple[int, int]] = {
    "Fever": (18, 0),
    "Aspartate aminotransferase increased": (17, 4),
    "Abdominal pain": (16, 1),
    "Alanine aminotransferase increased": (15, 2),
    "Hypertension": (14, 3),
    "Platelet count decreased": (13, 2),
    "Fatigue": (12, 0),
    "Palmar-plantar erythrodysesthesia syndrome": (11, 2),
    "Proteinuria": (10, 1),
    "Nausea": (10, 0),
    "Blood bilirubin increased": (9, 1),
    "Anorexia": (9, 0),
    "Diarrhea": (8, 1),
    "Hypoalbuminemia": (8, 0),
    "White blood cell decreased": (7, 0),
    "Hypothyroidism": (6, 0),
    "Rash maculo-papular": (5, 0),
}
# Each term's relatedness to (anlotinib, anti-PD-L1, DEB-TACE).
_NR, _UN, _PO, _PR, _DE = ("NOT RELATED", "UNLIKELY RELATED", "POSSIBLY RELATED",
                           "PROBABLY RELATED", "DEFINITELY RELATED")
TERM_CAUSES: dict[str, tuple[str, str, str]] = {
    "Fever": (_NR, _UN, _DE),
    "Abdominal pain": (_NR, _NR, _DE),
    "Nausea": (_UN, _NR, _PR),
    "Aspartate aminotransferase increased": (_UN, _PO, _PR),
    "Alanine aminotransferase increased": (_UN, _PO, _PR),
    "Blood bilirubin increased": (_UN, _PO, _PO),
    "Hypoalbuminemia": (_UN, _NR, _PO),
    "Hypertension": (_PR, _NR, _NR),
    "Palmar-plantar erythrodysesthesia syndrome": (_DE, _NR, _NR),
    "Proteinuria": (_PR, _UN, _NR),
    "Diarrhea": (_PR, _PO, _NR),
    "Platelet count decreased": (_PO, _UN, _PO),
    "White blood cell decreased": (_PO, _UN, _UN),
    "Fatigue": (_PO, _PO, _UN),
    "Anorexia": (_PO, _UN, _UN),
    "Hypothyroidism": (_NR, _PR, _NR),
    "Rash maculo-papular": (_UN, _PR, _NR),
}
# Events recorded but not treatment-related (no cause beyond UNLIKELY): they must not count.
UNRELATED_EVENTS: dict[str, tuple[int, tuple[str, str, str]]] = {
    "Upper respiratory infection": (5, (_NR, _NR, _NR)),
    "Back pain": (4, (_UN, _NR, _UN)),
    "Fatigue": (2, (_UN, _UN, _NR)),  # given to subjects without related fatigue
}
# Terms graded from a lab value: the event's onset is a lab visit showing its grade.
LAB_TERMS = {
    "Aspartate aminotransferase increased": "AST",
    "Alanine aminotransferase increased": "ALT",
    "Blood bilirubin increased": "BILI",
    "Platelet count decreased": "PLAT",
    "White blood cell decreased": "WBC",
    "Hypoalbuminemia": "ALB",
}
# Events that follow an embolisation by a day or two.
POST_TACE_TERMS = ("Fever", "Abdominal pain", "Nausea")


@dataclass(frozen=True)
class Assessment:
    """One tumour assessment of the final read: the target's viable and total diameter and
    the overall response it gives (None at the baseline)."""

    label: str
    date: dt.date
    week: int
    viable_mm: int
    total_mm: int
    response: str | None


@dataclass(frozen=True)
class Event:
    """One adverse event as the coordinator records it."""

    term: str
    grade: int
    onset: dt.date
    resolved: dt.date | None
    relatedness: tuple[str, str, str]  # to (anlotinib, anti-PD-L1, DEB-TACE)

    @property
    def is_treatment_related(self) -> bool:
        """Possibly, probably or definitely related to any part of the study treatment."""
        return any(assessment in RELATED for assessment in self.relatedness)


@dataclass(frozen=True)
class Baseline:
    """Table 1 values of one subject (units of the record: µmol/L, g/L, ng/mL, kg, cm, mm)."""

    age: int
    sex: str
    etiology: str
    ecog: int
    bilirubin: Decimal
    albumin: Decimal
    inr: Decimal
    ascites: str
    encephalopathy: str
    afp: Decimal
    weight: Decimal
    height: Decimal
    tumour_number: int
    max_size_mm: int
    total_size_mm: int
    pvtt: str
    ivc_thrombus: bool
    extrahepatic: bool
    child_pugh_score: int
    creatinine_umol_l: Decimal


@dataclass(frozen=True)
class Slip:
    """A reader's wrong viable diameter at one timepoint, which sends the subject to
    adjudication; the adjudicator chooses the other read."""

    reader: int            # 1 or 2: whose read slips
    timepoint: int         # index into the assessments (a follow-up)
    viable_mm: int


@dataclass
class SubjectPlan:
    """Everything intended of one subject (filled in by ``design_trial``)."""

    code: str
    profile: str                       # e.g. "PR-progression", "CR", "SD-death"
    best_response: str
    enrolment: dt.date
    assessments: list[Assessment] = field(default_factory=list)
    baseline: Baseline | None = None
    slip: Slip | None = None
    tace_days: list[int] = field(default_factory=list)
    end_of_treatment: tuple[dt.date, str, str, str | None, dt.date | None] | None = None
    death: dt.date | None = None
    last_known_alive: dt.date | None = None
    events: list[Event] = field(default_factory=list)
    pfs_days: int = 0
    pfs_event: bool = False
    os_days: int = 0
    os_event: bool = False

    @property
    def responses(self) -> tuple[str, ...]:
        """The overall response at each follow-up, in date order."""
        return tuple(a.response for a in self.assessments[1:] if a.response is not None)

    @property
    def treatment_end(self) -> dt.date:
        """The last day of study treatment: its end, or the cut-off while still on it."""
        return self.end_of_treatment[0] if self.end_of_treatment else CUT_OFF

    def day(self, offset: int) -> dt.date:
        """The date *offset* days after enrolment (day 0, the first DEB-TACE)."""
        return self.enrolment + dt.timedelta(days=offset)


# The response courses: (profile, best response, overall responses at weeks 6, 12, ...,
# how PFS ends): "progression" at the last assessment, "censored" there (still followed at
# the cut-off), "death" without progression, "toxicity" (treatment stopped, assessments go
# on), "new_therapy" (a resection after the last assessment).
_COURSES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    *(("PD", "PD", ("PD",), "progression"),) * 7,
    ("SD-progression", "SD", ("SD", "PD"), "progression"),
    ("SD-progression", "SD", ("SD", "SD", "PD"), "progression"),
    ("SD-progression", "SD", ("SD", "PD"), "progression"),
    ("SD-death", "SD", ("SD", "SD"), "death"),
    *(("PR-progression", "PR", ("PR",) * (weeks // 6 - 1) + ("PD",), "progression")
      for weeks in (18, 24, 30, 30, 36, 36, 42, 42, 48, 54)),
    ("PR-progression", "PR", ("SD", "PR", "PR", "PD"), "progression"),
    ("PR-progression", "PR", ("SD", "PR", "PR", "PR", "PR", "PD"), "progression"),
    ("PR-censored", "PR", ("PR",) * 7, "censored"),
    ("PR-censored", "PR", ("SD", "PR", "PR", "PR", "PR", "PR", "PR", "PR"), "censored"),
    ("PR-censored", "PR", ("PR",) * 9, "censored"),
    ("PR-toxicity", "PR", ("PR",) * 6, "toxicity"),
    ("PR-resection", "PR", ("PR",) * 4, "new_therapy"),
    ("CR", "CR", ("PR", "CR", "CR", "CR", "CR", "CR"), "censored"),
    ("CR", "CR", ("PR", "CR", "CR", "CR", "CR", "CR", "CR"), "censored"),
    ("CR", "CR", ("PR", "PR", "CR", "CR", "CR", "CR", "CR", "CR"), "censored"),
)


def design_trial(seed: int = SEED) -> tuple[SubjectPlan, ...]:
    """The 31 subjects as intended, in enrolment order (HCC-001 first)."""
    rng = random.Random(seed)
    assert len(_COURSES) == N_SUBJECTS
    assert sorted(c[1] for c in _COURSES) == sorted(
        r for r, n in BEST_RESPONSES.items() for _ in range(n))
    plans = [_course_plan(rng, course) for course in _COURSES]
    plans.sort(key=lambda plan: (plan.enrolment, plan.profile))
    for number, plan in enumerate(plans, start=1):
        plan.code = f"HCC-{number:03d}"
    _baselines(rng, plans)
    for plan in plans:
        _tumour_course(rng, plan)
    _slips(plans)
    _treatment_sessions(rng, plans)
    _events(rng, plans)
    return tuple(plans)


# -- enrolment, assessments and survival ------------------------------------------------------

def _course_plan(rng: random.Random, course: tuple[str, str, tuple[str, ...], str]
                 ) -> SubjectPlan:
    profile, best, responses, ending = course
    last_day = SCHEDULE_DAYS * len(responses)
    if ending in ("censored", "toxicity"):
        # Still followed at the cut-off: the last assessment lies 1-5 weeks before it.
        enrolment = CUT_OFF - dt.timedelta(days=last_day + rng.randint(7, 35))
    else:
        # Enrolled over 13 months, early enough for the course and some follow-up after it.
        latest = CUT_OFF - dt.timedelta(days=last_day + 120)
        span = max((latest - FIRST_ENROLMENT).days, 1)
        enrolment = FIRST_ENROLMENT + dt.timedelta(days=rng.randint(0, min(span, 400)))
    plan = SubjectPlan("", profile, best, enrolment)
    plan.assessments = [Assessment("Baseline", plan.day(-rng.randint(2, 6)), 0, 0, 0, None)]
    for index, response in enumerate(responses, start=1):
        when = plan.day(SCHEDULE_DAYS * index + rng.randint(-3, 3))
        plan.assessments.append(Assessment(f"Week {6 * index}", when, 6 * index, 0, 0,
                                           response))
    last = plan.assessments[-1].date
    _ending(rng, plan, ending, last)
    return plan


def _ending(rng: random.Random, plan: SubjectPlan, ending: str, last: dt.date) -> None:
    """End of treatment, death or last contact, and the PFS and OS they give."""
    if ending == "progression":
        plan.end_of_treatment = (last + dt.timedelta(days=rng.randint(3, 9)),
                                 "confirmed_progression", "", *_second_line(rng, last))
        plan.pfs_days, plan.pfs_event = (last - plan.enrolment).days, True
        dies = plan.best_response in ("PD", "SD") or rng.random() < 0.65
        death = last + dt.timedelta(days=rng.randint(70, 420))
        if dies and death <= CUT_OFF - dt.timedelta(days=5):
            plan.death = death
    elif ending == "death":
        # Death without progression, 5-9 weeks after an adequate assessment: a PFS event.
        plan.death = last + dt.timedelta(days=rng.randint(35, 63))
        plan.end_of_treatment = (plan.death, "death", "", None, None)
        plan.pfs_days, plan.pfs_event = (plan.death - plan.enrolment).days, True
    elif ending == "new_therapy":
        # Down-staged and resected: PFS censored at the last assessment before surgery.
        surgery = last + dt.timedelta(days=rng.randint(14, 28))
        plan.end_of_treatment = (surgery - dt.timedelta(days=7), "new_therapy", "",
                                 "hepatectomy", surgery)
        plan.pfs_days, plan.pfs_event = (last - plan.enrolment).days, False
    elif ending == "toxicity":
        stop = plan.assessments[3].date + dt.timedelta(days=rng.randint(5, 20))
        plan.end_of_treatment = (stop, "toxicity", "", None, None)
        plan.pfs_days, plan.pfs_event = (last - plan.enrolment).days, False
    else:  # censored: on treatment and without progression at the cut-off
        plan.pfs_days, plan.pfs_event = (last - plan.enrolment).days, False
    if plan.death is not None:
        plan.os_days, plan.os_event = (plan.death - plan.enrolment).days, True
        plan.last_known_alive = plan.death - dt.timedelta(days=rng.randint(10, 30))
        if plan.last_known_alive <= last:
            plan.last_known_alive = None
    else:
        alive = max(CUT_OFF - dt.timedelta(days=rng.randint(0, 20)),
                    last + dt.timedelta(days=1))
        plan.last_known_alive = alive
        plan.os_days, plan.os_event = (alive - plan.enrolment).days, False


def _second_line(rng: random.Random, progression: dt.date) -> tuple[str | None, dt.date | None]:
    if rng.random() < 0.5:
        return None, None
    therapy = rng.choice(("regorafenib", "lenvatinib", "sorafenib"))
    return therapy, progression + dt.timedelta(days=rng.randint(20, 40))


# -- baseline characteristics -----------------------------------------------------------------

def _spread(rng: random.Random, counts: dict[str, int]) -> list[str]:
    values = [value for value, n in counts.items() for _ in range(n)]
    assert len(values) == N_SUBJECTS, counts
    rng.shuffle(values)
    return values


def _baselines(rng: random.Random, plans: Sequence[SubjectPlan]) -> None:
    sexes = _spread(rng, TABLE1["sex"])
    etiologies = _spread(rng, TABLE1["etiology"])
    ecogs = _spread(rng, TABLE1["ecog"])
    scores = _spread(rng, TABLE1["child_pugh_score"])
    afps = _spread(rng, TABLE1["afp"])
    numbers = _spread(rng, TABLE1["tumour_number"])
    ivcs = _spread(rng, TABLE1["ivc_thrombus"])
    # BCLC C: a subject without PVTT is stage C by extrahepatic spread.
    pvtts = _spread(rng, TABLE1["pvtt"])
    others = [i for i, pvtt in enumerate(pvtts) if pvtt != "absent"]
    extra_count = TABLE1["extrahepatic_metastasis"]["yes"] - TABLE1["pvtt"]["absent"]
    extra = {i for i, pvtt in enumerate(pvtts) if pvtt == "absent"} | set(
        rng.sample(others, extra_count))
    for i, plan in enumerate(plans):
        sex = sexes[i]
        age = min(75, max(33, round(rng.gauss(55, 9))))
        score = int(scores[i])
        albumin = Decimal(rng.randint(36, 45)) if score == 5 else Decimal(rng.randint(29, 34))
        ascites = "mild" if score == 7 else "none"
        weight = Decimal(rng.randint(52, 82) if sex == "M" else rng.randint(45, 66))
        height = Decimal(rng.randint(163, 182) if sex == "M" else rng.randint(152, 166))
        number = rng.randint(1, 3) if numbers[i] == "<= 3" else rng.randint(4, 12)
        max_size = rng.randint(45, 150)
        total = max_size + sum(rng.randint(8, max(9, max_size // 2))
                               for _ in range(number - 1))
        afp = (Decimal(rng.randint(20, 3990)) / 10 if afps[i] == "< 400"
               else Decimal(rng.randint(400, 60000)))
        plan.baseline = Baseline(
            age, sex, etiologies[i], int(ecogs[i]), Decimal(rng.randint(60, 190)) / 10,
            albumin, Decimal(rng.randint(90, 130)) / 100, ascites, "none", afp, weight,
            height, number, max_size, total, pvtts[i], ivcs[i] == "yes", i in extra, score,
            _creatinine(rng, age, weight, sex))


def _creatinine(rng: random.Random, age: int, weight: Decimal, sex: str) -> Decimal:
    """A serum creatinine (µmol/L) that keeps the Cockcroft-Gault clearance ≥ 65 mL/min
    (inclusion: ≥ 60)."""
    factor = Decimal("0.85") if sex == "F" else Decimal(1)
    highest_mg_dl = (140 - age) * weight * factor / (72 * Decimal(65))
    highest = min(Decimal(95), highest_mg_dl * Decimal("88.4"))
    return Decimal(rng.randint(50, max(51, int(highest)))).quantize(Decimal(1))


# -- the target's diameters -------------------------------------------------------------------

def _tumour_course(rng: random.Random, plan: SubjectPlan) -> None:
    """The viable and total diameter of the one liver target at every timepoint, so that
    each follow-up gives its intended mRECIST response (LL2010: PR a fall of ≥ 30 % of the
    viable sum from baseline, PD a rise of ≥ 20 % over the nadir, CR no viable tumour)."""
    assert plan.baseline is not None
    total0 = plan.baseline.max_size_mm
    viable0 = round(total0 * rng.uniform(0.72, 0.92))
    viable, total = [viable0], [total0]
    fraction = 1.0
    for assessment in plan.assessments[1:]:
        nadir = min(viable)
        response = assessment.response
        if response == "CR":
            value = 0
        elif response == "PR":
            fraction = min(fraction, rng.uniform(0.42, 0.6)) * rng.uniform(0.9, 1.0)
            value = min(round(viable0 * fraction), math.floor(viable0 * 0.7) - 2, nadir)
        elif response == "SD":
            value = round(viable0 * rng.uniform(0.8, 1.05))
            value = max(value, math.ceil(viable0 * 0.7) + 2)
            value = min(value, math.floor(nadir * 1.2) - 2)
        else:  # PD
            value = max(math.ceil(nadir * rng.uniform(1.3, 1.6)), math.ceil(nadir * 1.2) + 3,
                        12)
        shrunk = round(total0 * (1 - 0.03 * len(viable)))
        total.append(max(value + rng.randint(4, 12), shrunk))
        viable.append(value)
    plan.assessments = [
        Assessment(a.label, a.date, a.week, v, t, a.response)
        for a, v, t in zip(plan.assessments, viable, total, strict=True)]
    assert _responses_of(viable) == list(plan.responses), (plan.code, viable, plan.responses)


def _responses_of(viable: Sequence[int]) -> list[str]:
    """mRECIST target responses of a one-target read, by the rules above (a check of the
    design, independent of the engine)."""
    out = []
    for index in range(1, len(viable)):
        nadir = min(viable[:index])
        value = viable[index]
        if value * 5 >= nadir * 6 and value > nadir:
            out.append("PD")
        elif value == 0:
            out.append("CR")
        elif value * 10 <= viable[0] * 7:
            out.append("PR")
        else:
            out.append("SD")
    return out


def _slips(plans: Sequence[SubjectPlan]) -> None:
    """Four subjects go to adjudication: a reader mis-measures the week-6 viable diameter.

    Two PR subjects whose reader 2 reads week 6 as SD (the first response moves), one SD
    subject whose reader 1 reads week 6 as PR (best response PR against SD) and one PD
    subject whose reader 1 reads week 6 as SD (no progression against PD); the
    adjudicator chooses the read that follows the images each time, so the final read is
    reader 1's twice and reader 2's twice.
    """
    by_profile: dict[str, list[SubjectPlan]] = {}
    for plan in plans:
        by_profile.setdefault(plan.profile, []).append(plan)
    pr = [p for p in by_profile["PR-progression"] if p.responses[0] == "PR"]
    # (subject, whose read slips, its wrong week-6 viable diameter as a share of baseline)
    picks = ((pr[0], 2, 0.85), (pr[3], 2, 0.85), (by_profile["SD-progression"][0], 1, 0.55),
             (by_profile["PD"][2], 1, 1.05))
    for plan, reader, share in picks:
        baseline, week_6 = plan.assessments[0], plan.assessments[1]
        # Never past the lesion's total diameter: the viable part lies within it.
        plan.slip = Slip(reader, 1, min(round(baseline.viable_mm * share), week_6.total_mm))


# -- treatment ---------------------------------------------------------------------------------

def _treatment_sessions(rng: random.Random, plans: Sequence[SubjectPlan]) -> None:
    """DEB-TACE on day 0 and on demand at cycle days 63, 126, 189 (after the week-6, -12 and
    -18 assessments), while on treatment; Table 1's counts of sessions."""
    wanted = _spread(rng, TABLE1["deb_tace_sessions"])
    possible = {plan.code: sum(1 for day in (0, 63, 126, 189)
                               if plan.day(day) < plan.treatment_end) for plan in plans}
    # Subjects who could have few sessions take the small counts first.
    order = sorted(plans, key=lambda plan: (possible[plan.code], plan.code))
    counts = sorted(int(n) for n in wanted)
    for plan, count in zip(order, counts, strict=True):
        assert count <= possible[plan.code], (plan.code, count, possible[plan.code])
        plan.tace_days = [0, 63, 126, 189][:count]


def cycle_days(plan: SubjectPlan) -> list[int]:
    """The first day of every 21-day cycle while on treatment (anti-PD-L1 is given then)."""
    end = (plan.treatment_end - plan.enrolment).days
    if plan.end_of_treatment is None:
        end -= 1  # still on treatment: only cycles that started before the cut-off
    return list(range(0, end, CYCLE_DAYS))


def anlotinib_levels(plan: SubjectPlan) -> dict[int, tuple[int, str]]:
    """Each cycle's anlotinib daily dose by the cycle's first day: 12 mg, reduced to 10 and
    then 8 mg after each grade >= 3 event anlotinib caused, with that event as the reason."""
    reductions = sorted((event.onset, event.term, event.grade) for event in plan.events
                        if event.grade >= 3 and event.relatedness[0] in RELATED)
    levels: dict[int, tuple[int, str]] = {}
    for day in cycle_days(plan):
        done = [r for r in reductions if r[0] < plan.day(day)]
        level = max(8, 12 - 2 * len(done))
        levels[day] = (level, f"{done[-1][1]} grade {done[-1][2]}" if done else "")
    return levels


# -- adverse events ----------------------------------------------------------------------------

def lab_visits(plan: SubjectPlan) -> list[dt.date]:
    """The follow-up visits with labs: every tumour assessment while on treatment or within
    30 days of its end."""
    limit = plan.treatment_end + dt.timedelta(days=30)
    return [a.date for a in plan.assessments[1:] if a.date <= limit]


def _events(rng: random.Random, plans: Sequence[SubjectPlan]) -> None:
    codes = [plan.code for plan in plans]
    by_code = {plan.code: plan for plan in plans}
    for term, (count, severe) in TABLE3.items():
        chosen = rng.sample(codes, count)
        grades = [3] * severe + [rng.choice((1, 1, 2)) for _ in range(count - severe)]
        if term == "Platelet count decreased" and severe:
            grades[0] = 4
        for code, grade in zip(chosen, grades, strict=True):
            plan = by_code[code]
            onset = _onset(rng, plan, term)
            assert onset is not None, (code, term)  # every subject has days on treatment
            relatedness = TERM_CAUSES[term]
            if grade >= 3 and rng.random() < 0.7:
                # A milder episode first: the subject still counts once, at grade 3.
                first = _onset(rng, plan, term, before=onset)
                if first is not None:
                    plan.events.append(_event(rng, plan, term, 1, first, relatedness))
            plan.events.append(_event(rng, plan, term, grade, onset, relatedness))
        # A few subjects have a second, milder episode of a common term.
        if term in ("Fever", "Hypertension"):
            for code in chosen[-3:]:
                plan = by_code[code]
                first = min(e.onset for e in plan.events if e.term == term)
                later = _onset(rng, plan, term, after=first)
                if later is not None:
                    plan.events.append(_event(rng, plan, term, 1, later, TERM_CAUSES[term]))
    for term, (count, relatedness) in UNRELATED_EVENTS.items():
        pool = [code for code in codes
                if not any(e.term == term for e in by_code[code].events)]
        for code in rng.sample(pool, count):
            plan = by_code[code]
            onset = _onset(rng, plan, term)
            assert onset is not None, (code, term)
            plan.events.append(_event(rng, plan, term, rng.choice((1, 2)), onset,
                                      relatedness))
    for plan in plans:
        plan.events.sort(key=lambda event: (event.onset, event.term, event.grade))


def _onset(rng: random.Random, plan: SubjectPlan, term: str, *, before: dt.date | None = None,
           after: dt.date | None = None) -> dt.date | None:
    """An onset date while on treatment that fits the term: a lab visit for lab terms, a
    day or two after an embolisation for post-TACE terms, else any day on treatment; None
    when no day fits *before* or *after*."""
    if term in LAB_TERMS:
        choices = lab_visits(plan)
    elif term in POST_TACE_TERMS:
        choices = [plan.day(day + rng.randint(1, 2)) for day in plan.tace_days]
    else:
        end = min(plan.treatment_end, plan.death or CUT_OFF, CUT_OFF)
        choices = [plan.day(day) for day in range(1, (end - plan.enrolment).days + 1)]
    latest = min(plan.death or CUT_OFF, CUT_OFF)
    choices = [day for day in choices if day <= latest]
    if before is not None:
        choices = [day for day in choices if day < before]
    if after is not None:
        choices = [day for day in choices if day > after and term not in LAB_TERMS]
    return rng.choice(choices) if choices else None


def _event(rng: random.Random, plan: SubjectPlan, term: str, grade: int, onset: dt.date,
           relatedness: tuple[str, str, str]) -> Event:
    resolved = onset + dt.timedelta(days=rng.randint(4, 35))
    latest = min(CUT_OFF, plan.death or CUT_OFF)
    return Event(term, grade, onset, resolved if resolved <= latest else None, relatedness)
