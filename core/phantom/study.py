"""Write one multiphase phantom study: four contrast phases and their ground truth."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydicom import dcmwrite

from core.model.imaging import Modality, Phase
from core.phantom.anatomy import paint_anatomy, texture_field
from core.phantom.dicom_writer import (
    SeriesContext,
    StudyContext,
    image_dataset,
    make_uid,
    opaque_file_name,
)
from core.phantom.grid import ImageGrid, PhantomSize, ct_grid, mr_grid
from core.phantom.lesions import (
    LesionSpec,
    ThrombusSpec,
    measure_ground_truth,
    paint_lesion,
    paint_thrombus,
)
from core.phantom.render import render_phase
from core.phantom.tissues import CONTRAST_PHASES
from core.phantom.vendors import MR_DYNAMIC_DESCRIPTIONS, PHASE_DELAY_S, style_for
from core.progress import Progress

GROUND_TRUTH_FORMAT = "mrecist-phantom-truth/1"
GROUND_TRUTH_NAME = "ground_truth.json"
DICOM_FOLDER = "dicom"


@dataclass(frozen=True)
class StudySpec:
    """Everything that decides the content of one phantom study.

    ``intended_response`` maps a criteria name (``"mRECIST"``, ``"RECIST1.1"``) to the
    overall response the scenario was designed to produce at this timepoint, or is empty
    for a baseline.
    """

    subject: str
    timepoint_label: str
    study_date: dt.date
    lesions: tuple[LesionSpec, ...] = ()
    thrombi: tuple[ThrombusSpec, ...] = ()
    modality: Modality = Modality.CT
    size: PhantomSize = PhantomSize.SMALL
    trial: str = "PHANTOM"
    week: int = 0
    seed: int = 0
    vendor_style: int = 0
    compress: bool = False
    mr_single_dynamic_series: bool = False
    intended_response: dict[str, str] = field(default_factory=dict)

    @property
    def grid(self) -> ImageGrid:
        """The voxel grid of every series in the study."""
        return ct_grid(self.size) if self.modality is Modality.CT else mr_grid(self.size)


@dataclass(frozen=True)
class WrittenStudy:
    """Where a study went and what it holds."""

    folder: Path
    dicom_folder: Path
    n_files: int
    ground_truth: dict[str, Any]


def label_volume(spec: StudySpec) -> np.ndarray:
    """The tissue label volume of *spec*: anatomy, thrombi, then lesions."""
    grid = spec.grid
    labels = paint_anatomy(grid)
    for thrombus in spec.thrombi:
        paint_thrombus(labels, grid, thrombus)
    for lesion in spec.lesions:
        paint_lesion(labels, grid, lesion)
    return labels


def _series_plan(spec: StudySpec, ctx: StudyContext) -> list[tuple[Phase, SeriesContext]]:
    delays = PHASE_DELAY_S[spec.modality]
    plan = []
    if spec.modality is Modality.MR and spec.mr_single_dynamic_series:
        uid = make_uid(ctx.study_uid, "dynamic")
        description = MR_DYNAMIC_DESCRIPTIONS[spec.vendor_style % len(MR_DYNAMIC_DESCRIPTIONS)]
        for position, phase in enumerate(CONTRAST_PHASES, start=1):
            plan.append((phase, SeriesContext(uid, 7, description, phase, delays[phase],
                                              position, len(CONTRAST_PHASES))))
        return plan
    for number, phase in enumerate(CONTRAST_PHASES, start=2):
        uid = make_uid(ctx.study_uid, phase.value)
        plan.append((phase, SeriesContext(uid, number, ctx.style.descriptions[phase], phase,
                                          delays[phase])))
    return plan


def _context(spec: StudySpec) -> StudyContext:
    study_uid = make_uid(spec.trial, spec.subject, spec.study_date.isoformat(), spec.modality)
    return StudyContext(
        subject=spec.subject,
        trial=spec.trial,
        timepoint_label=spec.timepoint_label,
        study_date=spec.study_date,
        study_uid=study_uid,
        frame_of_reference_uid=make_uid(study_uid, "frame"),
        accession="A" + make_uid(study_uid, "accession")[-8:],
        modality=spec.modality,
        style=style_for(spec.modality, spec.vendor_style),
        injection_time=dt.time(9 + spec.week % 6, 12, 0),
    )


def ground_truth(spec: StudySpec, ctx: StudyContext,
                 plan: list[tuple[Phase, SeriesContext]]) -> dict[str, Any]:
    """The ground-truth record written beside a study (format ``mrecist-phantom-truth/1``)."""
    grid = spec.grid
    lesions = []
    for lesion in spec.lesions:
        truth = measure_ground_truth(lesion, grid)
        lesions.append({
            "id": lesion.lesion_id,
            "role": lesion.role.value,
            "organ": lesion.organ,
            "pattern": lesion.pattern.value,
            "centre_mm": [round(v, 3) for v in lesion.centre_mm],
            "angle_deg": lesion.angle_deg,
            "slice_index": truth.slice_index,
            "slice_z_mm": round(truth.slice_z_mm, 3),
            "total_longest_diameter_mm": round(truth.total.length_mm, 2),
            "total_endpoints_mm": [truth.total.start_mm, truth.total.end_mm],
            "viable_longest_diameter_mm": round(truth.viable.length_mm, 2),
            "viable_endpoints_mm": [truth.viable.start_mm, truth.viable.end_mm],
            "short_axis_mm": round(truth.short_axis_mm, 2),
        })
    thrombi = [
        {"id": t.lesion_id, "role": "non_target", "organ": "portal_vein",
         "pattern": "tumour_thrombus", "centre_mm": list(t.centre_mm)}
        for t in spec.thrombi
    ]
    return {
        "format": GROUND_TRUTH_FORMAT,
        "subject": spec.subject,
        "timepoint": spec.timepoint_label,
        "week": spec.week,
        "study_date": spec.study_date.isoformat(),
        "modality": spec.modality.value,
        "study_instance_uid": ctx.study_uid,
        "grid": {
            "rows": grid.rows,
            "columns": grid.columns,
            "slices": grid.n_slices,
            "pixel_spacing_mm": round(grid.pixel_spacing_mm, 6),
            "slice_spacing_mm": grid.slice_spacing_mm,
        },
        "series": [
            {"phase": phase.value, "series_instance_uid": s.series_uid,
             "series_description": s.description, "temporal_position": s.temporal_position}
            for phase, s in plan
        ],
        "lesions": lesions + thrombi,
        "intended_response": dict(spec.intended_response),
    }


def write_study(spec: StudySpec, folder: Path, progress: Progress | None = None) -> WrittenStudy:
    """Write *spec* as DICOM files under ``folder/dicom`` and its ground truth beside them.

    Files of all phases go into one folder with opaque names, written in shuffled order, the
    way a PACS export or a CD arrives. Nothing is written for a lesion that would not match
    its ground truth (:func:`core.phantom.lesions.paint_lesion` raises first).
    """
    ctx = _context(spec)
    plan = _series_plan(spec, ctx)
    truth = ground_truth(spec, ctx, plan)
    labels = label_volume(spec)
    grid = spec.grid
    texture = texture_field(grid, spec.seed)
    rng = np.random.default_rng([spec.seed, 17])

    dicom_folder = folder / DICOM_FOLDER
    dicom_folder.mkdir(parents=True, exist_ok=True)
    jobs = [(phase, series, k) for phase, series in plan for k in range(grid.n_slices)]
    random.Random(spec.seed).shuffle(jobs)
    volumes = {phase: render_phase(labels, texture, spec.modality, phase, rng)
               for phase, _ in plan}
    for done, (phase, series, k) in enumerate(jobs):
        # A dynamic series numbers its images on through the temporal positions.
        instance = ((series.temporal_position or 1) - 1) * grid.n_slices + k + 1
        ds = image_dataset(ctx, series, grid, k, instance, volumes[phase][k],
                           compress=spec.compress)
        dcmwrite(dicom_folder / opaque_file_name(ds.SOPInstanceUID), ds,
                 enforce_file_format=True)
        if progress and done % 32 == 0:
            progress(done / len(jobs), f"{spec.subject} {spec.timepoint_label}")
    (folder / GROUND_TRUTH_NAME).write_text(json.dumps(truth, indent=2, ensure_ascii=False))
    return WrittenStudy(folder, dicom_folder, len(jobs), truth)
