"""Table 1: the analysis set's baseline characteristics (docs/report.md §1).

The rows of the seed trial's Table 1 (the shared clinical-data doc §2), in its order:
categories as n (%) and measurements as mean (SD) and median [IQR]. Each percentage has its
own denominator, the subjects for whom the variable is known (``Percentage``), so a subject
without a baseline form lowers that row's denominator instead of being counted as "no".
Quartiles are R's default (type 7, ``core.stats.quantile``); every figure is rounded once,
half away from zero, to one decimal (``core.report.rounding``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from core.clinical import scores
from core.clinical.values import ClinicalDataError
from core.model.clinical_record import BaselineCharacteristics, Etiology, Pvtt, Sex
from core.report.percentage import NO_DENOMINATOR, Percentage
from core.report.rounding import number_text
from core.stats import mean, median, quantile, sample_sd

# AFP is reported below 400 ng/mL and from 400 ng/mL up (the seed's Table 1).
AFP_CUTOFF_NG_ML = Decimal(400)
# Intrahepatic tumour number is reported as ≤ 3 and > 3 (the seed's Table 1).
TUMOUR_NUMBER_CUTOFF = 3
# The categories always listed, even at 0 (others appear when a subject has them).
ECOG_ALWAYS = (0, 1)
CHILD_PUGH_SCORES_ALWAYS = (5, 6, 7)
CHILD_PUGH_CLASSES_ALWAYS = ("A", "B")


class Statistic(StrEnum):
    """How a row of Table 1 is summarised."""

    COUNT = "n (%)"
    MEAN_SD = "mean (SD)"
    MEDIAN_IQR = "median [IQR]"


@dataclass(frozen=True, slots=True)
class BaselineSubject:
    """One subject of the analysis set as Table 1 needs it: the baseline form (``None`` if
    not recorded) and the number of DEB-TACE procedures."""

    subject: str
    baseline: BaselineCharacteristics | None
    tace_procedures: int


@dataclass(frozen=True, slots=True)
class Summary:
    """A measurement over *n* subjects, exactly; ``sd`` is ``None`` for one subject."""

    n: int
    mean: Fraction
    sd: Decimal | None
    median: Fraction
    q1: Fraction
    q3: Fraction
    minimum: Fraction
    maximum: Fraction

    @property
    def mean_sd_text(self) -> str:
        """``"61.3 (6.5)"``."""
        sd = NO_DENOMINATOR if self.sd is None else number_text(self.sd)
        return f"{number_text(self.mean)} ({sd})"

    @property
    def median_iqr_text(self) -> str:
        """``"61.0 [58.0-64.5]"``: the median and the first and third quartiles."""
        return f"{number_text(self.median)} [{number_text(self.q1)}-{number_text(self.q3)}]"


def summarise(values: Sequence[int | Decimal | Fraction]) -> Summary | None:
    """The summary of *values*, ``None`` when there are none."""
    if not values:
        return None
    exact = [Fraction(value) for value in values]
    return Summary(len(exact), mean(exact), sample_sd(exact) if len(exact) > 1 else None,
                   median(exact), quantile(exact, Fraction(1, 4)),
                   quantile(exact, Fraction(3, 4)), min(exact), max(exact))


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One category of a variable: its label and its count of the variable's denominator."""

    label: str
    share: Percentage


@dataclass(frozen=True, slots=True)
class BaselineVariable:
    """One variable of Table 1: categories with n (%), or a measurement's summary.

    ``known`` subjects have a value, the denominator of every category; ``not_known`` of
    the analysis set do not (no baseline form, or a score that could not be computed).
    """

    name: str
    statistics: tuple[Statistic, ...]
    known: int
    not_known: int
    categories: tuple[CategoryRow, ...] = ()
    summary: Summary | None = None


@dataclass(frozen=True, slots=True)
class BaselineTable:
    """Table 1 of an analysis set of *n* subjects; *notes* say what could not be counted."""

    n: int
    variables: tuple[BaselineVariable, ...]
    notes: tuple[str, ...] = ()

    def variable(self, name: str) -> BaselineVariable:
        """The variable called *name* (``KeyError`` if none)."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(name)


T = TypeVar("T")


def _categorical(name: str, values: Sequence[T | None], labels: Sequence[str],
                 label_of: Callable[[T], str]) -> BaselineVariable:
    known = [label_of(value) for value in values if value is not None]
    shown = list(labels) + sorted(set(known) - set(labels))
    rows = tuple(CategoryRow(label, Percentage(known.count(label), len(known)))
                 for label in shown)
    return BaselineVariable(name, (Statistic.COUNT,), len(known), len(values) - len(known),
                            rows)


def _measured(name: str, values: Sequence[int | Decimal | None],
              statistics: tuple[Statistic, ...]) -> BaselineVariable:
    known = [value for value in values if value is not None]
    return BaselineVariable(name, statistics, len(known), len(values) - len(known),
                            summary=summarise(known))


def _child_pugh(baseline: BaselineCharacteristics | None,
                subject: str, notes: list[str]) -> scores.ChildPugh | None:
    if baseline is None:
        return None
    try:
        return scores.child_pugh(
            baseline.bilirubin_umol_l, "umol/L", baseline.albumin_g_l, "g/L", baseline.inr,
            scores.Ascites[baseline.ascites.name],
            scores.Encephalopathy[baseline.encephalopathy.name])
    except ClinicalDataError as error:
        notes.append(f"{subject}: Child-Pugh not computed: {error}")
        return None


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _afp(value: Decimal) -> str:
    return "≥ 400" if value >= AFP_CUTOFF_NG_ML else "< 400"


def _tumour_number(value: int) -> str:
    return "> 3" if value > TUMOUR_NUMBER_CUTOFF else "≤ 3"


_ETIOLOGY = {Etiology.HBV: "HBV", Etiology.HCV: "HCV", Etiology.OTHER: "Other"}


BOTH = (Statistic.MEAN_SD, Statistic.MEDIAN_IQR)


def baseline_table(subjects: Sequence[BaselineSubject]) -> BaselineTable:
    """Table 1 of *subjects* (the analysis set), in the seed's order (module docstring)."""
    notes: list[str] = []
    forms = [subject.baseline for subject in subjects]
    missing = [subject.subject for subject in subjects if subject.baseline is None]
    if missing:
        notes.append("no baseline form recorded: " + ", ".join(missing))
    child_pugh = [_child_pugh(form, subject.subject, notes)
                  for subject, form in zip(subjects, forms, strict=True)]

    def each(get: Callable[[BaselineCharacteristics], T]) -> list[T | None]:
        return [None if form is None else get(form) for form in forms]

    variables = (
        _measured("Age, years", each(lambda f: f.age_years), BOTH),
        _categorical("Sex", each(lambda f: f.sex), ("Male", "Female"),
                     lambda v: "Male" if v is Sex.MALE else "Female"),
        _categorical("Etiology", each(lambda f: f.etiology), ("HBV", "HCV", "Other"),
                     _ETIOLOGY.__getitem__),
        _categorical("ECOG performance status", each(lambda f: f.ecog),
                     [str(v) for v in ECOG_ALWAYS], str),
        _categorical("Child-Pugh score", [None if cp is None else cp.score for cp in child_pugh],
                     [str(v) for v in CHILD_PUGH_SCORES_ALWAYS], str),
        _categorical("Child-Pugh class",
                     [None if cp is None else cp.child_pugh_class for cp in child_pugh],
                     CHILD_PUGH_CLASSES_ALWAYS, str),
        _categorical("AFP, ng/mL", each(lambda f: f.afp_ng_ml), ("< 400", "≥ 400"), _afp),
        _categorical("Intrahepatic tumour number", each(lambda f: f.tumour_number),
                     ("≤ 3", "> 3"), _tumour_number),
        _measured("Maximum intrahepatic tumour size, mm",
                  each(lambda f: f.max_tumour_size_mm), BOTH),
        _measured("Total intrahepatic tumour size, mm",
                  each(lambda f: f.total_tumour_size_mm), BOTH),
        _categorical("PVTT", each(lambda f: f.pvtt), ("Absent", "Vp1", "Vp2", "Vp3", "Vp4"),
                     lambda v: "Absent" if v is Pvtt.ABSENT else v.value),
        _categorical("IVC tumour thrombus", each(lambda f: f.has_ivc_thrombus), ("Yes", "No"),
                     _yes_no),
        _categorical("Extrahepatic metastasis", each(lambda f: f.has_extrahepatic_metastasis),
                     ("Yes", "No"), _yes_no),
        _measured("DEB-TACE procedures", [subject.tace_procedures for subject in subjects],
                  (Statistic.MEDIAN_IQR,)),
    )
    return BaselineTable(len(subjects), variables, tuple(notes))
