"""The clinical CSV files of the 31 subjects, in the layouts of docs/clinical-record.md §5.

Written from the intended plans (``trial31_design``) with the documented headers, one file
per kind, for ``mrecist clinical import``: the store's clinical record goes in only that way.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import trial31_design as design
from trial31_design import ANLOTINIB, ANTI_PD_L1, CUT_OFF, RELATED, SubjectPlan

# The kinds in the order they are imported (a subject is screened before its course).
KINDS = ("eligibility", "screening", "baseline", "treatment-sessions", "treatment", "labs",
         "adverse-events", "end-of-treatment", "follow-up")

# The protocol's criteria (docs/clinical-data.md §1): 12 inclusion, 11 exclusion.
INCLUSION = ("IN01", "IN02", "IN03", "IN04", "IN05", "IN06", "IN07", "IN08", "IN09", "IN10",
             "IN11", "IN12")
EXCLUSION = ("EX01", "EX02", "EX03", "EX04", "EX05", "EX06", "EX07", "EX08", "EX09", "EX10",
             "EX11")
HBV_DNA, ACTIVE_HCV = "EX07", "EX08"

# Reference ranges as the trial's laboratory reports them: (unit, LLN, ULN).
RANGES: dict[str, tuple[str, str, str]] = {
    "PLAT": ("10^9/L", "125", "350"), "WBC": ("10^9/L", "3.5", "9.5"),
    "NEUT": ("10^9/L", "1.8", "6.3"), "LYM": ("10^9/L", "1.1", "3.2"),
    "HGB": ("g/L", "115", "175"), "ALB": ("g/L", "40", "55"), "AST": ("U/L", "", "40"),
    "ALT": ("U/L", "", "50"), "BILI": ("umol/L", "3.4", "20.5"),
    "ALP": ("U/L", "45", "125"), "GGT": ("U/L", "10", "60"), "INR": ("ratio", "0.8", "1.2"),
    "CREAT": ("umol/L", "41", "111"), "GLUC": ("mmol/L", "3.9", "6.1"),
    "SODIUM": ("mmol/L", "137", "147"), "K": ("mmol/L", "3.5", "5.3"),
}
FOLLOW_UP_TESTS = ("PLAT", "WBC", "NEUT", "HGB", "ALB", "AST", "ALT", "BILI", "CREAT", "INR")
# The value a lab shows at the visit of an event of its term, by CTCAE v4.03 grade
# (docs/clinical-data.md §4 with the ranges above): AST > 3 / 5 / 20 x ULN and so on.
GRADED_VALUES: dict[str, dict[int, str]] = {
    "AST": {1: "100", 2: "160", 3: "320", 4: "1000"},
    "ALT": {1: "120", 2: "200", 3: "400", 4: "1200"},
    "BILI": {1: "26.0", 2: "45.0", 3: "90.0", 4: "250.0"},
    "PLAT": {1: "100", 2: "60", 3: "40", 4: "20"},
    "WBC": {1: "3.0", 2: "2.4", 3: "1.6", 4: "0.8"},
    "ALB": {1: "34", 2: "27", 3: "18"},
}
TACE_DRUG, TACE_DOSE = "pirarubicin", "40"
ANTI_PD_L1_DOSE = Decimal(1200)


def write_clinical_csvs(plans: Sequence[SubjectPlan], folder: Path,
                        seed: int = design.SEED) -> dict[str, Path]:
    """Write one CSV file per kind into *folder*; return them by kind, in import order."""
    rng = random.Random(seed * 1000 + 7)
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "eligibility": _eligibility(plans),
        "screening": [["USUBJID", "DSDECOD", "DSSTDTC", "IETESTCD"],
                      *([p.code, "enrolled", _d(p.enrolment), ""] for p in plans)],
        "baseline": _baselines(plans),
        "treatment-sessions": _sessions(rng, plans),
        "treatment": _doses(rng, plans),
        "labs": _labs(rng, plans),
        "adverse-events": _adverse_events(plans),
        "end-of-treatment": _ends(plans),
        "follow-up": _follow_up(plans),
    }
    paths = {}
    for kind in KINDS:
        path = folder / f"clinical-{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(rows[kind])
        paths[kind] = path
    return paths


def _d(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


def _eligibility(plans: Iterable[SubjectPlan]) -> list[list[str]]:
    out = [["USUBJID", "IETESTCD", "IEORRES", "COVAL"]]
    for plan in plans:
        assert plan.baseline is not None
        for code in INCLUSION:
            note = f"Child-Pugh {plan.baseline.child_pugh_score}" if code == "IN02" else ""
            out.append([plan.code, code, "Y", note])
        for code in EXCLUSION:
            if code == HBV_DNA and plan.baseline.etiology != "HBV":
                out.append([plan.code, code, "NA", "HBsAg negative"])
            elif code == ACTIVE_HCV and plan.baseline.etiology != "HCV":
                out.append([plan.code, code, "NA", "anti-HCV negative"])
            else:
                out.append([plan.code, code, "N", ""])
    return out


def _baselines(plans: Iterable[SubjectPlan]) -> list[list[str]]:
    out = [["USUBJID", "AGE", "SEX", "ETIOLOGY", "ECOG101", "BILI", "ALB", "INR", "CPS0102",
            "CPS0101", "AFP", "WEIGHT", "HEIGHT", "TUMNUM", "LDIAM", "SUMDIAM", "PVTT",
            "IVCTT", "EHMETS"]]
    for plan in plans:
        b = plan.baseline
        assert b is not None
        out.append([plan.code, str(b.age), b.sex, b.etiology, str(b.ecog), str(b.bilirubin),
                    str(b.albumin), str(b.inr), b.ascites, b.encephalopathy, str(b.afp),
                    str(b.weight), str(b.height), str(b.tumour_number), str(b.max_size_mm),
                    str(b.total_size_mm), b.pvtt, _yn(b.ivc_thrombus), _yn(b.extrahepatic)])
    return out


def _sessions(rng: random.Random, plans: Iterable[SubjectPlan]) -> list[list[str]]:
    out = [["USUBJID", "PRSTDTC", "EXTRT", "EXDOSE", "EXDOSU", "SPHMIN", "SPHMAX",
            "EMBENDPT"]]
    for plan in plans:
        for day in plan.tace_days:
            out.append([plan.code, _d(plan.day(day)), TACE_DRUG, TACE_DOSE, "mg", "300", "500",
                        _yn(rng.random() < 0.85)])
    return out


def _doses(rng: random.Random, plans: Iterable[SubjectPlan]) -> list[list[str]]:
    """Anti-PD-L1 1200 mg each cycle (intra-arterial on a DEB-TACE day, else IV); anlotinib
    days 3-16 of each cycle at the cycle's level, a day missed now and then."""
    out = [["USUBJID", "EXTRT", "EXSTDTC", "EXENDTC", "ECDOSE", "EXDOSE", "EXDOSU", "EXROUTE",
            "ADJUSTMENT", "EXADJ"]]
    for plan in plans:
        last = min(plan.treatment_end, CUT_OFF)
        levels = design.anlotinib_levels(plan)
        previous = 12
        for day in design.cycle_days(plan):
            route = "INTRA-ARTERIAL" if day in plan.tace_days else "INTRAVENOUS"
            out.append([plan.code, ANTI_PD_L1, _d(plan.day(day)), "", str(ANTI_PD_L1_DOSE),
                        str(ANTI_PD_L1_DOSE), "mg", route, "none", ""])
            start, end = plan.day(day + 3), min(plan.day(day + 16), last)
            if start > end:
                continue
            level, reason = levels[day]
            prescribed = level * ((end - start).days + 1)
            missed = level if rng.random() < 0.12 else 0
            adjustment = "reduced" if level < previous else "none"
            previous = level
            out.append([plan.code, ANLOTINIB, _d(start), _d(end), str(prescribed),
                        str(prescribed - missed), "mg", "ORAL", adjustment,
                        reason if adjustment == "reduced" else ""])
    return out


def _labs(rng: random.Random, plans: Iterable[SubjectPlan]) -> list[list[str]]:
    """The full panel at screening (baseline), ten tests at each assessment visit; the test
    of an event graded from a lab shows the event's grade at its onset visit."""
    out = [["USUBJID", "LBDTC", "LBTESTCD", "LBORRES", "LBORRESU", "LBORNRLO", "LBORNRHI",
            "LBBLFL"]]
    for plan in plans:
        b = plan.baseline
        assert b is not None
        base = {
            "PLAT": str(rng.randint(130, 260)), "WBC": f"{rng.uniform(4.0, 8.0):.1f}",
            "NEUT": f"{rng.uniform(2.0, 5.0):.1f}", "LYM": f"{rng.uniform(1.1, 2.5):.1f}",
            "HGB": str(rng.randint(125, 160)), "ALB": str(b.albumin),
            "AST": str(rng.randint(18, 38)), "ALT": str(rng.randint(14, 48)),
            "BILI": str(b.bilirubin), "ALP": str(rng.randint(60, 190)),
            "GGT": str(rng.randint(20, 150)), "INR": str(b.inr),
            "CREAT": str(b.creatinine_umol_l), "GLUC": f"{rng.uniform(4.2, 6.0):.1f}",
            "SODIUM": str(rng.randint(137, 145)), "K": f"{rng.uniform(3.6, 5.0):.1f}",
        }
        screening = plan.day(-3)
        for test, value in base.items():
            out.append([plan.code, _d(screening), test, value, *RANGES[test], "Y"])
        graded = {(event.onset, design.LAB_TERMS[event.term]): event.grade
                  for event in plan.events if event.term in design.LAB_TERMS}
        for visit in design.lab_visits(plan):
            for test in FOLLOW_UP_TESTS:
                grade = graded.get((visit, test))
                value = GRADED_VALUES[test][grade] if grade else base[test]
                out.append([plan.code, _d(visit), test, value, *RANGES[test], ""])
    return out


def _adverse_events(plans: Iterable[SubjectPlan]) -> list[list[str]]:
    out = [["USUBJID", "AETERM", "AETOXGR", "AESTDTC", "AEENDTC", "AESER", "AEACN", "AEOUT",
            f"AEREL_{ANLOTINIB}", f"AEREL_{ANTI_PD_L1}", "AEREL_DEB-TACE"]]
    for plan in plans:
        for event in plan.events:
            by_anlotinib = event.relatedness[0] in RELATED
            action = "DOSE REDUCED" if event.grade >= 3 and by_anlotinib else "DOSE NOT CHANGED"
            serious = event.grade >= 3 and event.term not in design.LAB_TERMS
            outcome = "RECOVERED/RESOLVED" if event.resolved else "NOT RECOVERED/NOT RESOLVED"
            out.append([plan.code, event.term, str(event.grade), _d(event.onset),
                        _d(event.resolved), _yn(serious), action, outcome,
                        *event.relatedness])
    return out


def _ends(plans: Iterable[SubjectPlan]) -> list[list[str]]:
    out = [["USUBJID", "DSSTDTC", "DSDECOD", "DSTERM", "CMTRT", "CMSTDTC"]]
    for plan in plans:
        if plan.end_of_treatment is not None:
            end, reason, detail, therapy, start = plan.end_of_treatment
            out.append([plan.code, _d(end), reason, detail, therapy or "", _d(start)])
    return out


def _follow_up(plans: Iterable[SubjectPlan]) -> list[list[str]]:
    """The last contact known alive, and the death (DM, DD, DS) where there is one."""
    out = [["USUBJID", "LSTALVDT", "DTHDTC", "DDORRES", "DSSTDTC", "DSDECOD"]]
    for plan in plans:
        if plan.last_known_alive is not None:
            out.append([plan.code, _d(plan.last_known_alive), "", "", "", ""])
        if plan.death is not None:
            cause = "hepatic failure" if plan.profile == "SD-death" else "disease progression"
            out.append([plan.code, "", _d(plan.death), cause, _d(plan.death), "DEATH"])
    return out
