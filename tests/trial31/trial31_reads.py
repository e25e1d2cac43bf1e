"""Two blinded readers read the 31 subjects through ``core.actions``, without DICOM files.

Each timepoint gets one arterial CT series registered with the plane of its one image (a
512 x 512 axial slice of 1 mm pixels, as ``core.actions.add_series`` takes from an import),
so calipers are measured by the actions against a real plane as on an imported study; no
pixel is ever needed. Both readers draw the one liver target's viable and total diameters
the design intends, a horizontal line of that many millimetres, and sign every timepoint;
a slipping reader draws a wrong viable diameter once, the cycle goes to adjudication, and
the adjudicator chooses the read whose responses follow the images.
"""

from __future__ import annotations

from collections.abc import Sequence

from store_demo_reading import PASSWORD
from trial31_design import SubjectPlan

from core.actions import (
    add_lesion,
    add_series,
    add_subject,
    add_timepoint,
    adjudicate,
    assign,
    get_adjudication,
    get_read,
    my_tasks,
    open_adjudications,
    save_caliper,
    sign_timepoint,
)
from core.geometry import measure_caliper, plane_of_image
from core.model.clinical import LesionCategory
from core.model.imaging import ImageRecord
from core.model.reading import Caliper, MeasurementKind
from core.model.trial import Session
from core.phantom.dicom_writer import make_uid
from core.store import Store

IMAGE_SIZE = 512
PIXEL_MM = 1.0
# Calipers run along one row from this column: any diameter up to 480 mm fits.
CALIPER_ROW, CALIPER_COLUMN = 256.0, 16.0


def _image(plan: SubjectPlan, label: str) -> ImageRecord:
    """The one axial image of the timepoint's arterial series (LPS, 1 mm pixels)."""
    half = (IMAGE_SIZE - 1) / 2 * PIXEL_MM
    return ImageRecord(make_uid("trial31", plan.code, label, "image"), 0, IMAGE_SIZE,
                       IMAGE_SIZE, (-half, -half, -120.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0),
                       (PIXEL_MM, PIXEL_MM))


def register_subject(store: Store, admin: Session, plan: SubjectPlan) -> None:
    """The subject, both readers, and each timepoint with its arterial series."""
    add_subject(store, admin, plan.code)
    assign(store, admin, plan.code, "reader1", 1)
    assign(store, admin, plan.code, "reader2", 2)
    for assessment in plan.assessments:
        add_timepoint(store, admin, plan.code, assessment.label, assessment.date,
                      assessment.week)
        add_series(store, admin, plan.code, assessment.label,
                   series_instance_uid=make_uid("trial31", plan.code, assessment.label,
                                                "series"),
                   study_instance_uid=make_uid("trial31", plan.code, assessment.label,
                                               "study"),
                   modality="CT", phase="arterial",
                   location=f"{plan.code}/{assessment.label}",
                   images=(_image(plan, assessment.label),))


def read_subject(store: Store, reader: Session, slot: int, plan: SubjectPlan) -> None:
    """Read and sign every timepoint of *plan* as reader *slot* (1 or 2) would."""
    task = next(t for t in my_tasks(store, reader) if t.subject == plan.code)
    read = get_read(store, reader, task.task_id)
    image = {a.label: _image(plan, a.label) for a in plan.assessments}
    lesion_id = 0
    for index, (assessment, timepoint) in enumerate(zip(plan.assessments, read.timepoints,
                                                        strict=True)):
        assert timepoint.label == assessment.label
        tp_id = timepoint.timepoint_id
        if index == 0:
            lesion_id = add_lesion(store, reader, task.task_id, tp_id, LesionCategory.TARGET,
                                   "liver", location="segment 7").value.lesion_id
        viable = assessment.viable_mm
        if plan.slip and plan.slip.reader == slot and plan.slip.timepoint == index:
            viable = plan.slip.viable_mm
        # The total first: a viable diameter is checked against the lesion's total one.
        for kind, length in ((MeasurementKind.TOTAL, assessment.total_mm),
                             (MeasurementKind.VIABLE, viable)):
            drawn = _caliper(image[assessment.label], length)
            save_caliper(store, reader, lesion_id, tp_id, kind, drawn)
        sign_timepoint(store, reader, task.task_id, tp_id, PASSWORD)


def _caliper(image: ImageRecord, length_mm: int) -> Caliper:
    """A horizontal caliper of *length_mm* on *image* (0: a point, no viable tumour)."""
    plane = plane_of_image(image)
    start = (CALIPER_ROW, CALIPER_COLUMN)
    end = (CALIPER_ROW, CALIPER_COLUMN + length_mm / PIXEL_MM)
    return measure_caliper(plane, start, end, image.sop_instance_uid)


def adjudicate_all(store: Store, adjudicator: Session, plans: Sequence[SubjectPlan]) -> int:
    """Decide every open adjudication for the read whose follow-up responses are the
    intended ones; return how many were decided."""
    by_code = {plan.code: plan for plan in plans}
    decided = 0
    for task in open_adjudications(store, adjudicator):
        view = get_adjudication(store, adjudicator, task.adjudication_id)
        intended = list(by_code[view.subject].responses)
        responses = {letter: [row["overall_response"] for row in result["timepoints"][1:]]
                     for letter, result in (("A", view.result_a), ("B", view.result_b))}
        (choice,) = [letter for letter, found in responses.items() if found == intended]
        adjudicate(store, adjudicator, task.adjudication_id, choice,
                   f"Week 6 arterial phase: the viable part of T1 measures "
                   f"{by_code[view.subject].assessments[1].viable_mm} mm; the other read "
                   "mis-measured it.", PASSWORD)
        decided += 1
    return decided
