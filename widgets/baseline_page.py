"""The baseline page: each characteristic as entered, the scores computed from them beside.

Public API: ``BaselinePage(QWidget)`` with ``show_overview(overview)``, its ``entries``
``EntryTable`` (one row per characteristic, all of the one baseline entry, with Add…,
Edit…, Delete…) and the labels ``child_pugh``, ``albi`` and ``crcl`` of the computed
scores; ``baseline_rows(overview)``, ``score_texts(scores)``.

The scores are ``core.clinical.overview``'s (Child-Pugh points, score and class [Pugh];
ALBI score and grade [ALBI]; Cockcroft-Gault creatinine clearance [CG]; docs/clinical.md
§3): the page rounds them for reading — ALBI to 2 decimals, CrCl to 1 decimal — and,
where a score is missing, says why in the overview's words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.clinical.overview import BaselineScores, ClinicalOverview
from core.model.clinical_record import BaselineCharacteristics, ClinicalKind, Sex
from widgets.record_table import MUTED_INK, EntryRow, EntryTable
from widgets.record_text import number, signed, words, yes_no

BASELINE_COLUMNS = ("Characteristic", "As entered", "Computed from it")
SOURCES = ("Child-Pugh: Pugh et al. 1973 (INR for the prothrombin time) · ALBI: Johnson "
           "et al. 2015 · CrCl: Cockcroft & Gault 1976, with the baseline creatinine lab")
_SEX = {Sex.MALE: "male", Sex.FEMALE: "female"}


def _points(points: int) -> str:
    return f"Child-Pugh {points} point{'s' if points != 1 else ''}"


def _characteristics(value: BaselineCharacteristics,
                     scores: BaselineScores) -> list[tuple[str, str, str]]:
    cp = scores.child_pugh
    albi = " · ALBI" if scores.albi is not None else ""
    crcl = "used by CrCl" if scores.crcl_ml_min is not None else ""
    return [
        ("Age", f"{value.age_years} years", crcl),
        ("Sex", _SEX[value.sex], crcl),
        ("Etiology", words(value.etiology), ""),
        ("ECOG performance status", str(value.ecog), ""),
        ("Total bilirubin", f"{number(value.bilirubin_umol_l)} µmol/L",
         (_points(cp.bilirubin_points) if cp else "") + albi),
        ("Albumin", f"{number(value.albumin_g_l)} g/L",
         (_points(cp.albumin_points) if cp else "") + albi),
        ("INR", number(value.inr), _points(cp.inr_points) if cp else ""),
        ("Ascites", words(value.ascites), _points(cp.ascites_points) if cp else ""),
        ("Hepatic encephalopathy", words(value.encephalopathy),
         _points(cp.encephalopathy_points) if cp else ""),
        ("AFP", f"{number(value.afp_ng_ml)} ng/mL", ""),
        ("Weight", f"{number(value.weight_kg)} kg", crcl),
        ("Height", f"{number(value.height_cm)} cm", ""),
        ("Intrahepatic tumours", str(value.tumour_number), ""),
        ("Largest intrahepatic tumour", f"{number(value.max_tumour_size_mm)} mm", ""),
        ("Total intrahepatic tumour size", f"{number(value.total_tumour_size_mm)} mm", ""),
        ("Portal vein tumour thrombus", words(value.pvtt), ""),
        ("IVC tumour thrombus", yes_no(value.has_ivc_thrombus), ""),
        ("Extrahepatic metastasis", yes_no(value.has_extrahepatic_metastasis), ""),
    ]


def baseline_rows(overview: ClinicalOverview) -> list[EntryRow]:
    """One row per characteristic of the baseline entry (none when not recorded)."""
    entry = overview.record.baseline
    if entry is None:
        return []
    return [EntryRow(entry.entry_id, cells, entry.is_locked)
            for cells in _characteristics(entry.value, overview.scores)]


def _why_not(scores: BaselineScores, name: str) -> str:
    for note in scores.notes:
        prefix = f"{name} not computed: "
        if note.startswith(prefix):
            return f"not computed: {note.removeprefix(prefix)}"
    # A note of no score ("no baseline characteristics recorded") holds for all of them.
    general = [note for note in scores.notes if " not computed: " not in note]
    return f"not computed: {general[0]}" if general else "not computed"


def score_texts(scores: BaselineScores) -> tuple[str, str, str]:
    """Child-Pugh, ALBI and CrCl as the page shows them, or why not."""
    cp = scores.child_pugh
    child_pugh = (f"score {cp.score}, class {cp.child_pugh_class} (bilirubin "
                  f"{cp.bilirubin_points} + albumin {cp.albumin_points} + INR "
                  f"{cp.inr_points} + ascites {cp.ascites_points} + encephalopathy "
                  f"{cp.encephalopathy_points})" if cp is not None
                  else _why_not(scores, "Child-Pugh"))
    albi = (f"{signed(scores.albi.score, 2)}, grade {scores.albi.grade}"
            if scores.albi is not None else _why_not(scores, "ALBI"))
    crcl = (f"{signed(scores.crcl_ml_min, 1)} mL/min" if scores.crcl_ml_min is not None
            else _why_not(scores, "CrCl"))
    return child_pugh, albi, crcl


class BaselinePage(QWidget):
    """The characteristics (left) and the computed scores (right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries = EntryTable(ClinicalKind.BASELINE, BASELINE_COLUMNS, single=True,
                                  empty_text="No baseline characteristics recorded yet.")
        self.child_pugh = QLabel()
        self.albi = QLabel()
        self.crcl = QLabel()
        scores_box = QGroupBox("Computed from the baseline")
        scores_layout = QVBoxLayout(scores_box)
        for title, label in (("Child-Pugh", self.child_pugh), ("ALBI", self.albi),
                             ("Creatinine clearance (Cockcroft-Gault)", self.crcl)):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            heading = QLabel(title)
            heading.setStyleSheet("font-weight: bold;")
            scores_layout.addWidget(heading)
            scores_layout.addWidget(label)
            scores_layout.addSpacing(6)
        sources = QLabel(SOURCES)
        sources.setWordWrap(True)
        sources.setStyleSheet(f"color: {MUTED_INK};")
        scores_layout.addStretch(1)
        scores_layout.addWidget(sources)
        scores_box.setMinimumWidth(300)
        scores_box.setMaximumWidth(380)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.entries, 1)
        layout.addWidget(scores_box)

    def show_overview(self, overview: ClinicalOverview) -> None:
        """Show *overview*'s baseline entry and its scores."""
        self.entries.set_rows(baseline_rows(overview), overview.record.cut_off_date)
        child_pugh, albi, crcl = score_texts(overview.scores)
        self.child_pugh.setText(child_pugh)
        self.albi.setText(albi)
        self.crcl.setText(crcl)
