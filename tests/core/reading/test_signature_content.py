"""What a signature covers, pure: the canonical form, the timepoints it covers, the rules
an amendment's stale signatures follow (docs/signatures.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from core.criteria import evaluate
from core.model.clinical import LesionCategory
from core.model.reading import (
    Caliper,
    Lesion,
    Measurement,
    MeasurementKind,
    Read,
    ReadTimepoint,
    TimepointStatus,
)
from core.reading import (
    anonymised,
    build_case,
    canonical_json,
    content_differences,
    cycle_through,
    describe_difference,
    resignature_needed,
    resignature_reason,
    sign_refusal,
    signed_content,
    signed_sha256,
    valid_signed_prefix,
    with_measurement,
)
from core.reading.signature import coordinate_text, decimal_text

OPEN, SIGNED, AMENDING = TimepointStatus.OPEN, TimepointStatus.SIGNED, TimepointStatus.AMENDING
STALE = "Baseline was amended on 2026-03-02: T1 re-measured"


def _caliper(length: str, x: float = 10.0) -> Caliper:
    return Caliper((20.0, 30.0), (20.0, 30.0 + float(length)), (x, 5.0, -100.0),
                   (x + float(length), 5.0, -100.0), Decimal(length), "1.2.3.4", 0)


def _read(*statuses: TimepointStatus, stale: tuple[int, ...] = ()) -> Read:
    dates = (dt.date(2026, 1, 5), dt.date(2026, 2, 16), dt.date(2026, 3, 30))
    timepoints = tuple(
        ReadTimepoint(i + 1, label, dates[i], 6 * i, status,
                      signed_utc="2026-03-02T09:41:07.123456Z" if status is SIGNED else None,
                      resign_reason=STALE if i in stale else None)
        for i, (label, status) in enumerate(zip(("Baseline", "Week 6", "Week 12"), statuses,
                                                strict=False)))
    lesion = Lesion(77, "T1", LesionCategory.TARGET, "liver", 1)
    measurements = tuple(Measurement(77, tp.timepoint_id, MeasurementKind.TOTAL,
                                     _caliper(length))
                         for tp, length in zip(timepoints, ("40.00", "30.00", "20.00"),
                                               strict=False))
    return Read(9, "HCC-009", timepoints, (lesion,), measurements)


def _content(read: Read, through: int) -> dict:
    return signed_content(read, through, evaluate(build_case(read, "RECIST1.1", through=through)))


def test_numbers_are_written_as_text():
    assert decimal_text(Decimal("36.00")) == "36.00"
    assert decimal_text(Decimal("1E+1")) == "10"
    assert coordinate_text(-155.0) == "-155.0"
    assert coordinate_text(1e-07) == "0.0000001"
    assert coordinate_text(0.1) == "0.1"
    assert coordinate_text(-0.0) == "-0.0"
    with pytest.raises(TypeError, match="/calipers/0: a float has no canonical form"):
        canonical_json({"calipers": [1.5]})
    assert canonical_json({"b": "é", "a": [1, True, None]}) == '{"a":[1,true,null],"b":"é"}'


def test_a_signature_covers_its_timepoint_and_the_earlier_ones_only():
    read = _read(SIGNED, SIGNED, OPEN)
    baseline = _content(read, 1)
    assert list(baseline["timepoints"]) == ["Baseline"]
    assert baseline["timepoint"] == "Baseline"
    assert list(baseline["result"]["timepoints"]) == ["Baseline"]
    caliper = baseline["timepoints"]["Baseline"]["calipers"]["T1"]["total"]
    assert caliper == {"length_mm": "40.00", "start_rc": ["20.0", "30.0"],
                       "end_rc": ["20.0", "70.0"], "start_xyz": ["10.0", "5.0", "-100.0"],
                       "end_xyz": ["50.0", "5.0", "-100.0"], "sop_instance_uid": "1.2.3.4",
                       "frame": 0, "phase": None, "on_lossy_image": False}
    assert baseline["timepoints"]["Baseline"]["lesions"]["T1"]["organ"] == "liver"
    assert "T1" not in _content(read, 2)["timepoints"]["Week 6"]["lesions"]
    json.loads(canonical_json(baseline))  # the text is JSON

    # What is read after a timepoint leaves its digest alone; what is read before does not.
    later = with_measurement(read, Measurement(77, 3, MeasurementKind.TOTAL,
                                               _caliper("25.00")))
    assert signed_sha256(_content(later, 2)) == signed_sha256(_content(read, 2))
    earlier = with_measurement(read, Measurement(77, 1, MeasurementKind.TOTAL,
                                                 _caliper("40.00", x=11.0)))
    assert signed_sha256(_content(earlier, 1)) != signed_sha256(_content(read, 1))
    assert signed_sha256(_content(earlier, 2)) != signed_sha256(_content(read, 2))


def test_differences_are_named_by_their_path():
    read = _read(SIGNED, SIGNED)
    moved = with_measurement(read, Measurement(77, 1, MeasurementKind.TOTAL,
                                               _caliper("40.00", x=11.0)))
    found = content_differences(_content(read, 2), _content(moved, 2))
    assert [describe_difference(*item) for item in found] == [
        'timepoints/Baseline/calipers/T1/total/end_xyz: signed ["50.0", "5.0", "-100.0"], '
        'now ["51.0", "5.0", "-100.0"]',
        'timepoints/Baseline/calipers/T1/total/start_xyz: signed ["10.0", "5.0", "-100.0"], '
        'now ["11.0", "5.0", "-100.0"]',
    ]
    removed = dataclasses.replace(read, measurements=read.measurements[:1])
    (gone,) = content_differences(signed_content(read, 2, None),
                                  signed_content(removed, 2, None))
    assert describe_difference(*gone) == \
        "timepoints/Week 6/calipers/T1: removed since signing"


def test_an_amendment_leaves_every_later_signed_timepoint_stale():
    read = _read(SIGNED, SIGNED, SIGNED)
    assert [tp.label for tp in resignature_needed(read, 0)] == ["Week 6", "Week 12"]
    assert [tp.label for tp in resignature_needed(read, 1)] == ["Week 12"]
    assert resignature_needed(_read(SIGNED, AMENDING, OPEN), 0) == ()
    assert resignature_reason("Baseline", dt.date(2026, 3, 2), " T1 re-measured ") == STALE


@pytest.mark.parametrize(("statuses", "stale", "index", "refusal"), [
    ((SIGNED, SIGNED), (), 1, "is signed already"),
    ((SIGNED, SIGNED), (1,), 1, None),                       # signed again
    ((SIGNED, SIGNED, SIGNED), (1, 2), 2, "Week 6 must be signed again first"),
    ((SIGNED, SIGNED, OPEN), (1,), 2, "Week 6 must be signed again first"),
    ((AMENDING, SIGNED), (1,), 1, "earlier timepoints must be signed first"),
    ((SIGNED, OPEN), (), 1, None),
])
def test_signing_again_goes_in_date_order(statuses, stale, index, refusal):
    read = _read(*statuses, stale=stale)
    found = sign_refusal(read.timepoints, index)
    assert found == refusal if refusal is None else refusal in found


def test_a_stale_signature_does_not_count_for_a_cycle():
    fresh, stale = _read(SIGNED, SIGNED), _read(SIGNED, SIGNED, stale=(1,))
    assert valid_signed_prefix(stale.timepoints) == 1
    assert cycle_through(fresh.timepoints, fresh.timepoints) == 2
    assert cycle_through(fresh.timepoints, stale.timepoints) is None


def test_the_adjudicators_copy_keeps_the_signing_date_only():
    shown = anonymised(_read(SIGNED, OPEN))
    assert [tp.signed_utc for tp in shown.timepoints] == ["2026-03-02", None]
