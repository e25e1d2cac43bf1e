"""Saving a caliper: the action measures it on the registered image and refuses what cannot be."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from store_demo_reading import (
    PASSWORD,
    arterial_plane,
    caliper,
    demo_truth,
    read_subject,
    series_images,
)

from core.actions import (
    add_lesion,
    add_series,
    get_read,
    my_tasks,
    read_state,
    save_caliper,
    sign_timepoint,
)
from core.errors import WorkflowError
from core.geometry import PlaneGeometry, measure_caliper, plane_of_image
from core.model.clinical import LesionCategory
from core.model.imaging import Phase
from core.model.reading import Caliper, MeasurementKind

VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


@pytest.fixture
def target(demo):
    """HCC-001 baseline, reader 1: a liver target T1, its task and the true T1 calipers."""
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    read = get_read(demo.store, demo.reader1, task.task_id)
    baseline = read.timepoints[0].timepoint_id
    lesion = add_lesion(demo.store, demo.reader1, task.task_id, baseline,
                        LesionCategory.TARGET, "liver").value
    truth_tp = demo_truth()["HCC-001"][0]
    truth = truth_tp.truth["lesions"][0]
    return demo, task, lesion, baseline, truth_tp, truth


def _drawn(target, kind, length=None):
    _demo, _task, lesion, baseline, truth_tp, truth = target
    return caliper(truth_tp, truth, kind, lesion.lesion_id, baseline, length)


def _save(target, *args):
    demo = target[0]
    return save_caliper(demo.store, demo.reader1, *args)


def test_a_length_that_disagrees_with_its_end_points_is_refused(target):
    lesion_id, timepoint_id, kind, drawn = _drawn(target, VIABLE)
    # Points 1 mm apart that claim 50 mm (a client that did its own arithmetic).
    plane, sop = arterial_plane(target[4], target[5]["slice_index"])
    one_mm = 1 / plane.pixel_spacing_mm[1]
    near = measure_caliper(plane, (60.0, 60.0), (60.0, 60.0 + one_mm), sop)
    claimed = dataclasses.replace(near, length_mm=Decimal(50))
    with pytest.raises(WorkflowError, match=r"says 50 mm but its end points on the "
                                            r"registered image measure 1\.00 mm"):
        _save(target, lesion_id, timepoint_id, kind, claimed)
    saved = _save(target, lesion_id, timepoint_id, kind, drawn).value
    assert saved.length_mm == Decimal(str(target[5]["viable_longest_diameter_mm"]))


def test_the_length_and_patient_points_are_measured_on_the_registered_plane(target):
    lesion_id, timepoint_id, kind, drawn = _drawn(target, TOTAL)
    # The client places the image 10 mm elsewhere: same length, wrong patient points.
    moved = dataclasses.replace(drawn, start_xyz=(0.0, 0.0, 0.0), end_xyz=(1.0, 1.0, 1.0))
    saved = _save(target, lesion_id, timepoint_id, kind, moved).value
    assert saved.caliper.start_xyz == pytest.approx(drawn.start_xyz)
    assert saved.caliper.end_xyz == pytest.approx(drawn.end_xyz)
    # A client that thinks the pixels are 1 mm (not 0.742 mm) measures another length.
    plane, sop = arterial_plane(target[4], target[5]["slice_index"])
    wrong = PlaneGeometry(plane.origin_xyz, plane.row_direction, plane.column_direction,
                          (1.0, 1.0))
    misplaced = measure_caliper(wrong, drawn.start_rc, drawn.end_rc, sop)
    with pytest.raises(WorkflowError, match=r"measure 48\.00 mm"):
        _save(target, lesion_id, timepoint_id, kind, misplaced)


def test_an_image_of_another_timepoint_or_no_image_is_refused(target):
    demo, task, lesion, baseline, _, _ = target
    week6 = demo_truth()["HCC-001"][1]
    plane, sop = arterial_plane(week6, 20)
    elsewhere = measure_caliper(plane, (40.0, 40.0), (40.0, 60.0), sop)
    with pytest.raises(WorkflowError, match=f"image {sop} is not an image of HCC-001 "
                                            "Baseline"):
        _save(target, lesion.lesion_id, baseline, TOTAL, elsewhere)
    unknown = dataclasses.replace(elsewhere, sop_instance_uid="1.2.3.4")
    with pytest.raises(WorkflowError, match=r"image 1\.2\.3\.4 is not an image"):
        _save(target, lesion.lesion_id, baseline, TOTAL, unknown)
    assert get_read(demo.store, demo.reader1, task.task_id).measurements == ()


def test_a_caliper_end_outside_the_image_is_refused(target):
    _demo, _task, lesion, baseline, truth_tp, truth = target
    plane, sop = arterial_plane(truth_tp, truth["slice_index"])
    rows = truth_tp.grid.rows
    outside = measure_caliper(plane, (10.0, 10.0), (rows + 3.0, 10.0), sop)
    with pytest.raises(WorkflowError, match=rf"end \(row {rows + 3}, column 10\) lies outside"):
        _save(target, lesion.lesion_id, baseline, TOTAL, outside)
    edge = measure_caliper(plane, (-0.5, -0.5), (rows - 0.5, -0.5), sop)
    assert _save(target, lesion.lesion_id, baseline, TOTAL, edge).value is not None


def test_a_viable_diameter_cannot_exceed_the_total_one_either_way(target):
    _save(target, *_drawn(target, TOTAL, 30.0))
    with pytest.raises(WorkflowError, match=r"viable diameter 30\.01 mm exceeds the total "
                                            r"diameter 30\.00 mm"):
        _save(target, *_drawn(target, VIABLE, 30.01))
    assert _save(target, *_drawn(target, VIABLE, 30.0)).value.length_mm == 30  # equal is fine
    with pytest.raises(WorkflowError, match=r"viable diameter 30\.00 mm exceeds the total "
                                            r"diameter 29\.99 mm"):
        _save(target, *_drawn(target, TOTAL, 29.99))


def test_short_axis_is_for_nodes_and_a_point_is_a_viable_diameter_of_zero(target):
    lesion_id, timepoint_id, _, drawn = _drawn(target, TOTAL)
    with pytest.raises(WorkflowError, match="T1 is not a lymph node"):
        _save(target, lesion_id, timepoint_id, MeasurementKind.SHORT_AXIS, drawn)
    plane, sop = arterial_plane(target[4], target[5]["slice_index"])
    point = measure_caliper(plane, drawn.start_rc, drawn.start_rc, sop)
    with pytest.raises(WorkflowError, match="a total diameter of 0 mm: record T1 as "
                                            "disappeared"):
        _save(target, lesion_id, timepoint_id, TOTAL, point)
    assert _save(target, lesion_id, timepoint_id, VIABLE, point).value.length_mm == 0


def test_calipers_on_a_lossy_image_say_so(demo):
    truth_tp = demo_truth()["HCC-001"][0]
    images = [dataclasses.replace(image, is_lossy=True)
              for image in series_images(truth_tp, "2.25.77")]
    add_series(demo.store, demo.admin, "HCC-001", "Baseline", series_instance_uid="2.25.77",
               study_instance_uid="2.25.78", modality="CT", phase="arterial",
               location="lossy", images=images)
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0].timepoint_id
    lesion = add_lesion(demo.store, demo.reader1, task.task_id, baseline,
                        LesionCategory.TARGET, "liver").value
    on_lossy = measure_caliper(plane_of_image(images[30]), (50.0, 50.0), (50.0, 80.0),
                               images[30].sop_instance_uid)
    saved = save_caliper(demo.store, demo.reader1, lesion.lesion_id, baseline, TOTAL,
                         on_lossy).value
    assert saved.caliper.on_lossy_image is True
    (loaded,) = get_read(demo.store, demo.reader1, task.task_id).measurements
    assert loaded.caliper.on_lossy_image is True


def test_each_save_returns_the_read_and_its_result(target):
    demo, task, lesion, baseline, _, _ = target
    first = _save(target, *_drawn(target, TOTAL))
    assert first.read.measurement(lesion.lesion_id, baseline, TOTAL) == first.value
    assert not first.is_evaluable  # T1 still lacks its viable diameter under mRECIST
    assert "missing 'viable_mm'" in str(first.problems[0])
    done = _save(target, *_drawn(target, VIABLE))
    assert done.is_evaluable
    assert done.problems == ()
    assert done.result.baseline_sum_mm == Decimal("40.00")
    assert done.read == get_read(demo.store, demo.reader1, task.task_id)
    assert read_state(demo.store, demo.reader1, task.task_id, baseline).result == done.result


@pytest.mark.tampers
def test_a_read_changed_behind_the_actions_back_cannot_be_signed(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1, sign_last=False)
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0].timepoint_id
    with demo.store.transaction():  # what only an edit of the SQLite file could do
        demo.store._execute("UPDATE measurements SET length_mm = '99.00' WHERE kind = 'viable'")
    with pytest.raises(WorkflowError, match=r"cannot be signed: Baseline: T1: the viable "
                                            r"diameter 99\.00 mm exceeds"):
        sign_timepoint(demo.store, demo.reader1, task.task_id, baseline, PASSWORD)


def test_caliper_values_are_valid_on_construction():
    with pytest.raises(ValueError, match="start_rc: needs 2 finite coordinates"):
        Caliper((1.0, float("nan")), (2.0, 2.0), (0, 0, 0), (1, 1, 1), Decimal(1), "1.2")
    with pytest.raises(ValueError, match="must be a number ≥ 0"):
        Caliper((1.0, 1.0), (2.0, 2.0), (0, 0, 0), (1, 1, 1), Decimal(-1), "1.2")
    with pytest.raises(ValueError, match="sop_instance_uid"):
        Caliper((1.0, 1.0), (2.0, 2.0), (0, 0, 0), (1, 1, 1), Decimal(1), "")


@pytest.mark.tampers
def test_a_stored_caliper_whose_length_its_ends_disown_is_not_signed(demo):
    # A store written before calipers were measured by the trial (or edited by hand):
    # the recorded length says 60 mm, the ends on the registered image say otherwise.
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1, sign_last=False)
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0].timepoint_id
    with demo.store.transaction():
        demo.store._execute("UPDATE measurements SET length_mm = '60.00' WHERE kind = 'total'")
    with pytest.raises(WorkflowError, match=r"Baseline: T1 total: the caliper says 60\.00 mm "
                                            r"but its end points on the registered image "
                                            r"measure 48\.00 mm"):
        sign_timepoint(demo.store, demo.reader1, task.task_id, baseline, PASSWORD)
    with demo.store.transaction():
        demo.store._execute("DELETE FROM images")  # a store from before images were recorded
    with pytest.raises(WorkflowError, match="gets them by importing it again"):
        sign_timepoint(demo.store, demo.reader1, task.task_id, baseline, PASSWORD)


def test_the_phase_drawn_on_is_recorded_from_the_series_at_the_save(target):
    demo, task, lesion, baseline, truth_tp, truth = target
    _lesion_id, _tp, _kind, drawn = _drawn(target, VIABLE)
    saved = _save(target, lesion.lesion_id, baseline, VIABLE, drawn).value
    assert saved.phase is Phase.ARTERIAL
    # The same place on the portal venous series: the reader confirmed another phase.
    venous = next(s for s in truth_tp.truth["series"] if s["phase"] == "portal_venous")
    image = series_images(truth_tp, venous["series_instance_uid"])[truth["slice_index"]]
    on_venous = measure_caliper(plane_of_image(image), drawn.start_rc, drawn.end_rc,
                                image.sop_instance_uid)
    saved = _save(target, lesion.lesion_id, baseline, TOTAL, on_venous).value
    assert saved.phase is Phase.PORTAL_VENOUS
    read = get_read(demo.store, demo.reader1, task.task_id)
    assert read.measurement(lesion.lesion_id, baseline, VIABLE).phase is Phase.ARTERIAL
    assert read.measurement(lesion.lesion_id, baseline, TOTAL).phase is Phase.PORTAL_VENOUS
