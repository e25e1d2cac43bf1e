"""The baseline form: the subject at baseline as the trial's Table 1 reports it, with the
liver scores computed beside their components.

``BaselineForm(creatinine=None, existing=None, today=None, submit=None, parent=None)``
answers a ``core.model.clinical_record.BaselineCharacteristics``: the subject (age, sex,
etiology, ECOG, weight, height), the liver function (bilirubin µmol/L, albumin g/L, INR,
ascites, encephalopathy) and the tumour (AFP, number, largest and total size, PVTT, IVC
thrombus, extrahepatic metastasis). Beside each Child-Pugh component it shows its points,
under them the Child-Pugh score and class (Pugh 1973) and the ALBI score and grade (Johnson
2015; ``core.clinical.scores``). Given the subject's screening *creatinine* as ``(value,
unit)``, it also shows the Cockcroft-Gault creatinine clearance from it, the age, weight
and sex. Values past their physical range (``core.clinical.limits``) are refused as typed.
The rest of the API is ``ClinicalForm``'s: ``value()``, ``problems()``, ``existing``,
``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QWidget

from core.clinical import ClinicalDataError, albi, child_pugh, cockcroft_gault, scores
from core.clinical.limits import limit_refusal, measure_refusal
from core.model.clinical_record import (
    Ascites,
    BaselineCharacteristics,
    Encephalopathy,
    Etiology,
    Pvtt,
    Sex,
)
from widgets.clinical_fields import (
    ChoiceField,
    DecimalField,
    Field,
    IntegerField,
    YesNoField,
    enum_choices,
)
from widgets.clinical_form_base import ClinicalForm, computed_label, new_form_layout

SEX_LABELS = MappingProxyType({Sex.MALE: "Male", Sex.FEMALE: "Female"})
ETIOLOGY_LABELS = MappingProxyType({Etiology.HBV: "HBV", Etiology.HCV: "HCV",
                                    Etiology.OTHER: "Other"})
# ECOG performance status (Oken et al. 1982, Am J Clin Oncol 5:649).
ECOG_CHOICES = ((0, "0 · Fully active"), (1, "1 · Restricted in strenuous activity"),
                (2, "2 · Ambulatory, no work"), (3, "3 · Limited self-care"),
                (4, "4 · Completely disabled"), (5, "5 · Dead"))
ASCITES_LABELS = MappingProxyType({Ascites.NONE: "None", Ascites.MILD: "Mild",
                                   Ascites.MODERATE_SEVERE: "Moderate to severe"})
ENCEPHALOPATHY_LABELS = MappingProxyType({
    Encephalopathy.NONE: "None", Encephalopathy.GRADE_1_2: "Grade 1-2",
    Encephalopathy.GRADE_3_4: "Grade 3-4"})
PVTT_LABELS = MappingProxyType({Pvtt.ABSENT: "Absent", Pvtt.VP1: "Vp1", Pvtt.VP2: "Vp2",
                                Pvtt.VP3: "Vp3", Pvtt.VP4: "Vp4"})
POINTS_PENDING = "— pt"


def _measure(name: str) -> Callable[[Decimal | int], str | None]:
    return lambda value: measure_refusal(name, value)


def _lab(test: str, unit: str) -> Callable[[Decimal], str | None]:
    return lambda value: limit_refusal(test, value, unit)


def _points(count: int) -> str:
    return f"{count} pt" if count == 1 else f"{count} pts"


class BaselineForm(ClinicalForm):
    """The subject's baseline characteristics with Child-Pugh, ALBI and Cockcroft-Gault
    beside them; see the module's docstring."""

    def __init__(self, creatinine: tuple[Decimal, str] | None = None, *,
                 existing: BaselineCharacteristics | None = None,
                 today: dt.date | None = None,
                 submit: Callable[[BaselineCharacteristics], str | None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit baseline characteristics" if existing else
                         "Baseline characteristics",
                         "The subject at baseline, as Table 1 reports it. Child-Pugh is "
                         "entered by its components; its score and class, the ALBI grade "
                         "and the creatinine clearance are computed.",
                         existing=existing, today=today, submit=submit, parent=parent,
                         min_width=900)
        self.creatinine = creatinine
        self._points: dict[Field, QLabel] = {}  # each Child-Pugh component's points
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.addWidget(self._subject_group(), 0, 0)
        grid.addWidget(self._tumour_group(), 1, 0)
        grid.addWidget(self._liver_group(), 0, 1)
        self.body.addLayout(grid)
        self._finish()

    # -- the groups ------------------------------------------------------------------------
    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        form = new_form_layout()
        group.setLayout(form)
        return group, form

    def _subject_group(self) -> QGroupBox:
        group, form = self._group("Subject")
        self.age = self._add(form, "&Age", IntegerField(
            "age_years", "Age", 0, 120, "years", check=_measure("age_years")))
        self.sex = self._add(form, "&Sex", ChoiceField("sex", "Sex",
                                                       enum_choices(Sex, SEX_LABELS)))
        self.etiology = self._add(form, "E&tiology", ChoiceField(
            "etiology", "Etiology", enum_choices(Etiology, ETIOLOGY_LABELS)))
        self.ecog = self._add(form, "&ECOG", ChoiceField("ecog", "ECOG", ECOG_CHOICES))
        self.weight = self._add(form, "&Weight", DecimalField(
            "weight_kg", "Weight", "kg", positive=True, check=_measure("weight_kg")))
        self.height_cm = self._add(form, "&Height", DecimalField(
            "height_cm", "Height", "cm", positive=True, check=_measure("height_cm")))
        self.crcl = computed_label()
        if self.creatinine is not None:
            form.addRow("CrCl", self.crcl)
        return group

    def _liver_group(self) -> QGroupBox:
        group, form = self._group("Liver function · Child-Pugh")
        self.bilirubin = self._component(form, "&Bilirubin", DecimalField(
            "bilirubin_umol_l", "Bilirubin", "µmol/L", check=_lab("BILI", "umol/L")))
        self.albumin = self._component(form, "Al&bumin", DecimalField(
            "albumin_g_l", "Albumin", "g/L", check=_lab("ALB", "g/L")))
        self.inr = self._component(form, "&INR", DecimalField(
            "inr", "INR", positive=True, check=_lab("INR", "ratio")))
        self.ascites = self._component(form, "Asc&ites", ChoiceField(
            "ascites", "Ascites", enum_choices(Ascites, ASCITES_LABELS)))
        self.encephalopathy = self._component(form, "Encep&halopathy", ChoiceField(
            "encephalopathy", "Encephalopathy",
            enum_choices(Encephalopathy, ENCEPHALOPATHY_LABELS)))
        self.child_pugh = computed_label()
        self.albi = computed_label()
        form.addRow("Child-Pugh", self.child_pugh)
        form.addRow("ALBI", self.albi)
        return group

    def _component(self, form: QFormLayout, label: str, field: Field) -> Field:
        points = computed_label(POINTS_PENDING)
        points.setMinimumWidth(48)
        field.add_beside(points, at_end=True)
        self._points[field] = points
        return self._add(form, label, field)

    def _tumour_group(self) -> QGroupBox:
        group, form = self._group("Tumour")
        self.afp = self._add(form, "A&FP", DecimalField("afp_ng_ml", "AFP", "ng/mL"))
        self.tumour_number = self._add(form, "&Number of tumours", IntegerField(
            "tumour_number", "Number of intrahepatic tumours", 0, 1000))
        self.max_size = self._add(form, "&Largest size", DecimalField(
            "max_tumour_size_mm", "Largest tumour size", "mm",
            check=_measure("max_tumour_size_mm")))
        self.total_size = self._add(form, "T&otal size", DecimalField(
            "total_tumour_size_mm", "Total tumour size", "mm"))
        self.pvtt = self._add(form, "&PVTT", ChoiceField("pvtt", "PVTT",
                                                         enum_choices(Pvtt, PVTT_LABELS)))
        self.ivc = self._add(form, "I&VC thrombus", YesNoField("has_ivc_thrombus",
                                                               "IVC thrombus"))
        self.metastasis = self._add(form, "E&xtrahepatic metastasis", YesNoField(
            "has_extrahepatic_metastasis", "Extrahepatic metastasis"))
        return group

    # -- the API ---------------------------------------------------------------------------
    def value(self) -> BaselineCharacteristics | None:
        """The baseline characteristics entered, or ``None`` while they have a problem."""
        baseline = super().value()
        assert baseline is None or isinstance(baseline, BaselineCharacteristics)
        return baseline

    def scores_text(self) -> dict[str, str]:
        """What the form computes now: each component's points, ``"Child-Pugh"``,
        ``"ALBI"`` and ``"CrCl"`` (empty when no creatinine was given)."""
        shown = {field.name: label.text() for field, label in self._points.items()}
        shown.update({"Child-Pugh": self.child_pugh.text(), "ALBI": self.albi.text(),
                      "CrCl": self.crcl.text() if self.creatinine is not None else ""})
        return shown

    # -- computed beside the values ----------------------------------------------------------
    def _check_rules(self) -> None:
        largest, total = self.max_size.value(), self.total_size.value()
        self.total_size.set_rule_problem(
            f"must not be less than the largest tumour, {largest} mm"
            if largest is not None and total is not None and total < largest else None)

    def _show_computed(self) -> None:
        points = {
            self.bilirubin: self._valid(self.bilirubin, lambda v: scores.bilirubin_points(
                v, "umol/L")),
            self.albumin: self._valid(self.albumin, lambda v: scores.albumin_points(v, "g/L")),
            self.inr: self._valid(self.inr, scores.inr_points),
            self.ascites: self._valid(self.ascites, lambda v: list(Ascites).index(v) + 1),
            self.encephalopathy: self._valid(self.encephalopathy,
                                             lambda v: list(Encephalopathy).index(v) + 1),
        }
        for field, count in points.items():
            self._points[field].setText(POINTS_PENDING if count is None else _points(count))
        self.child_pugh.setText(self._child_pugh_text(None not in points.values()))
        self.albi.setText(self._albi_text())
        self.crcl.setText(self._crcl_text())

    @staticmethod
    def _valid(field: Field, score: Callable[[Any], int]) -> int | None:
        value = field.value()
        if value is None or field.problem() is not None:
            return None
        return score(value)

    def _child_pugh_text(self, complete: bool) -> str:
        if not complete:
            return "needs all five components"
        result = child_pugh(self.bilirubin.value(), "umol/L", self.albumin.value(), "g/L",
                            self.inr.value(), scores.Ascites[self.ascites.value().name],
                            scores.Encephalopathy[self.encephalopathy.value().name])
        return f"{result.score} points · class {result.child_pugh_class}"

    def _albi_text(self) -> str:
        bilirubin, albumin = self.bilirubin.value(), self.albumin.value()
        if bilirubin is None or albumin is None or self.bilirubin.problem() \
                or self.albumin.problem():
            return "needs bilirubin and albumin"
        try:
            result = albi(bilirubin, albumin)
        except ClinicalDataError as error:
            return f"not computed: {error.field} {error.reason}"
        return f"{result.score.quantize(Decimal('0.01'))} · grade {result.grade}"

    def _crcl_text(self) -> str:
        if self.creatinine is None:
            return ""
        value, unit = self.creatinine
        creatinine = f"creatinine {value} {unit}"
        age, weight, sex = self.age.value(), self.weight.value(), self.sex.value()
        if age is None or weight is None or sex is None or self.age.problem() \
                or self.weight.problem():
            return f"needs age, weight and sex ({creatinine})"
        try:
            crcl = cockcroft_gault(age, weight, sex.value, value, unit)
        except ClinicalDataError as error:
            return f"not computed: {error.field} {error.reason}"
        return f"{crcl.quantize(Decimal('0.1'))} mL/min · Cockcroft-Gault, {creatinine}"

    def _prefill(self, value: BaselineCharacteristics) -> None:
        fields: dict[str, Field] = {field.name: field for field in self._fields}
        for name, field in fields.items():
            field.set_value(getattr(value, name))

    def _build(self) -> BaselineCharacteristics:
        return BaselineCharacteristics(**{field.name: field.value() for field in self._fields})
