"""Drive readers through the store on the demo trial's ground truth (no DICOM written).

The truth is computed exactly as ``core.phantom`` writes it beside the images
(``ground_truth.json``), so the lengths and series UIDs are the demo trial's own; each
series is registered with the planes its images have (as the phantom writes them), so
calipers are measured against them as against an imported study.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.actions import (
    add_lesion,
    add_series,
    add_subject,
    add_timepoint,
    assign,
    get_read,
    my_tasks,
    record_finding,
    save_caliper,
    sign_timepoint,
)
from core.geometry import PlaneGeometry, measure_caliper, plane_of_image
from core.model.imaging import ImageRecord
from core.model.reading import Caliper, Finding, LesionCategory, Measurement, MeasurementKind
from core.model.trial import Session
from core.phantom.demo import demo_studies
from core.phantom.dicom_writer import make_uid
from core.phantom.grid import ImageGrid, PhantomSize
from core.phantom.study import _context, _series_plan, ground_truth
from core.store import Store

PASSWORD = "correct horse battery"
# What an admin gives a new account; its first session may only change it (to PASSWORD).
TEMPORARY_PASSWORD = "given by the admin 4u"


@dataclass(frozen=True)
class TruthTimepoint:
    """One study of the demo trial: its truth record and voxel grid."""

    subject: str
    label: str
    date: dt.date
    week: int
    truth: dict[str, Any]
    grid: ImageGrid


@functools.cache
def demo_truth() -> dict[str, tuple[TruthTimepoint, ...]]:
    """Per subject, its timepoints' ground truth, in date order."""
    out: dict[str, list[TruthTimepoint]] = {}
    for study in demo_studies(PhantomSize.SMALL):
        spec = study.spec
        ctx = _context(spec)
        truth = ground_truth(spec, ctx, _series_plan(spec, ctx))
        out.setdefault(spec.subject, []).append(
            TruthTimepoint(spec.subject, spec.timepoint_label, spec.study_date, spec.week,
                           truth, spec.grid))
    return {subject: tuple(tps) for subject, tps in out.items()}


def setup_demo(store: Store, admin: Session, subjects: tuple[str, ...] | None = None,
               timepoints: int = 3) -> None:
    """Subjects, their first *timepoints* timepoints with series, reader1/reader2 assigned."""
    for subject, tps in demo_truth().items():
        if subjects and subject not in subjects:
            continue
        add_subject(store, admin, subject)
        assign(store, admin, subject, "reader1", 1)
        assign(store, admin, subject, "reader2", 2)
        for tp in tps[:timepoints]:
            add_demo_timepoint(store, admin, tp)


def series_images(tp: TruthTimepoint, series_instance_uid: str) -> tuple[ImageRecord, ...]:
    """The image planes of one demo series, as the phantom writes them (axial, LPS)."""
    grid = tp.grid
    spacing = (grid.pixel_spacing_mm, grid.pixel_spacing_mm)
    return tuple(ImageRecord(make_uid(series_instance_uid, None, k), 0, grid.rows,
                             grid.columns, grid.position_mm(k), (1.0, 0.0, 0.0),
                             (0.0, 1.0, 0.0), spacing) for k in range(grid.n_slices))


def add_demo_timepoint(store: Store, admin: Session, tp: TruthTimepoint) -> None:
    """Add one demo timepoint and register its four series with their images."""
    add_timepoint(store, admin, tp.subject, tp.label, tp.date, tp.week)
    for series in tp.truth["series"]:
        add_series(store, admin, tp.subject, tp.label,
                   series_instance_uid=series["series_instance_uid"],
                   study_instance_uid=tp.truth["study_instance_uid"], modality="CT",
                   phase=series["phase"], location=f"{tp.subject}/{tp.label}",
                   images=series_images(tp, series["series_instance_uid"]))


def arterial_plane(tp: TruthTimepoint, slice_index: int) -> tuple[PlaneGeometry, str]:
    """The plane and SOP Instance UID of one slice of the timepoint's arterial series."""
    arterial = next(s for s in tp.truth["series"] if s["phase"] == "arterial")
    image = series_images(tp, arterial["series_instance_uid"])[slice_index]
    return plane_of_image(image), image.sop_instance_uid


def caliper(tp: TruthTimepoint, lesion: dict[str, Any], kind: MeasurementKind,
            lesion_id: int, timepoint_id: int, length_mm: float | None = None
            ) -> tuple[int, int, MeasurementKind, Caliper]:
    """The caliper a perfect reader draws on the arterial phase, optionally mis-measured.

    Returns the arguments of ``save_caliper`` after the session: a mis-measured caliper is
    the true line stretched or shrunk about its middle to *length_mm*.
    """
    key = "viable" if kind is MeasurementKind.VIABLE else "total"
    start, end = (np.array(point, dtype=float) for point in lesion[f"{key}_endpoints_mm"])
    if length_mm is None:
        length_mm = (lesion["short_axis_mm"] if kind is MeasurementKind.SHORT_AXIS
                     else lesion[f"{key}_longest_diameter_mm"])
    middle, direction = (start + end) / 2, end - start
    norm = float(np.linalg.norm(direction))
    direction = direction / norm if norm else np.array([1.0, 0.0, 0.0])
    start, end = middle - direction * length_mm / 2, middle + direction * length_mm / 2
    plane, sop = arterial_plane(tp, lesion["slice_index"])
    drawn = measure_caliper(plane, plane.to_pixel_rc(start), plane.to_pixel_rc(end), sop)
    return lesion_id, timepoint_id, kind, drawn


# A perturbation maps (timepoint label, lesion id, kind) to the reader's (wrong) length,
# or to None to leave that lesion out entirely (a missed new lesion).
Perturbation = dict[tuple[str, str, str], float | None]


def read_subject(store: Store, reader: Session, subject: str,
                 perturb: Perturbation | None = None, upto: int | None = None,
                 on_save: Callable[[Measurement], None] | None = None,
                 sign_last: bool = True) -> int:
    """Read and sign *subject*'s timepoints (the first *upto*) as a careful reader would.

    Timepoints signed earlier are skipped, so a read can be continued; with *sign_last*
    false the last timepoint read is left complete but unsigned. Returns the task id.
    """
    perturb = perturb or {}
    task = next(t for t in my_tasks(store, reader) if t.subject == subject)
    tps = demo_truth()[subject]
    labels: dict[str, int] = {}
    for index, tp in enumerate(tps[:upto]):
        read = get_read(store, reader, task.task_id)
        if index >= len(read.timepoints):
            break
        labels.update({lesion.label: lesion.lesion_id for lesion in read.lesions})
        if read.timepoint(tp.label).status == "signed":
            continue  # read earlier: resume after it
        tp_id = read.timepoint(tp.label).timepoint_id
        for lesion in tp.truth["lesions"]:
            name = lesion["id"]
            if perturb.get((tp.label, name, "*"), 1) is None:
                continue
            if name not in labels:
                category = {"target": LesionCategory.TARGET,
                            "non_target": LesionCategory.NON_TARGET,
                            "new": LesionCategory.NEW}[lesion["role"]]
                made = add_lesion(store, reader, task.task_id, tp_id, category, lesion["organ"],
                                  is_node=lesion["organ"] == "lymph_node",
                                  kind="tumour_thrombus" if lesion["organ"] == "portal_vein"
                                  else None).value
                assert made.label == name
                labels[name] = made.lesion_id
            lesion_id = labels[name]
            if lesion["role"] == "non_target":
                record_finding(store, reader, Finding(lesion_id, tp_id, "present"))
                continue
            for kind in (MeasurementKind.VIABLE, MeasurementKind.TOTAL):
                drawn = caliper(tp, lesion, kind, lesion_id, tp_id,
                                perturb.get((tp.label, name, kind.value)))
                saved = save_caliper(store, reader, *drawn).value
                if on_save:
                    on_save(saved)
            if lesion["role"] == "new":
                record_finding(store, reader, Finding(lesion_id, tp_id, None,
                                                    arterial_enhancement=True, washout=True))
        if sign_last or index + 1 < len(tps[:upto]):
            sign_timepoint(store, reader, task.task_id, tp_id, PASSWORD)
    return task.task_id
