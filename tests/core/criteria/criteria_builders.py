"""Small builders for mrecist-case/1 data, so each test shows only what it is about."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from core.criteria import Result, case_from_data, evaluate, parse_case

BASELINE_DATE = dt.date(2022, 1, 3)

Number = int | float | str | Decimal


def _mm(value: Number) -> Decimal:
    # Strings keep the recorded digits exactly, as JSON parsing with parse_float=Decimal does.
    return Decimal(str(value))


def day(days: int) -> str:
    """The ISO date *days* after the baseline date."""
    return (BASELINE_DATE + dt.timedelta(days=days)).isoformat()


def liver(lesion_id: str, viable: Number, longest: Number | None = None, **extra: Any) -> dict:
    """An intrahepatic target: viable diameter (mRECIST) and total diameter (RECIST 1.1)."""
    longest_mm = _mm(longest) if longest is not None else _mm(viable)
    return {
        "id": lesion_id,
        "organ": "liver",
        "viable_mm": _mm(viable),
        "longest_mm": longest_mm,
        **extra,
    }


def lung(lesion_id: str, longest: Number, **extra: Any) -> dict:
    """A non-nodal extrahepatic target measured by its longest diameter."""
    return {"id": lesion_id, "organ": "lung", "longest_mm": _mm(longest), **extra}


def node(lesion_id: str, short_axis: Number, **extra: Any) -> dict:
    """A target lymph node measured by its short axis."""
    return {"id": lesion_id, "organ": "lymph_node", "short_axis_mm": _mm(short_axis), **extra}


def state(lesion_id: str, organ: str, target_state: str, **extra: Any) -> dict:
    """A target recorded by state only (disappeared, too_small, merged, not_evaluable)."""
    return {"id": lesion_id, "organ": organ, "state": target_state, **extra}


def non_target(
    lesion_id: str = "NT1", nt_state: str = "present", organ: str = "portal_vein", **extra: Any
) -> dict:
    """A non-target lesion."""
    return {"id": lesion_id, "organ": organ, "state": nt_state, **extra}


def new_lesion(lesion_id: str = "N1", organ: str = "lung", **extra: Any) -> dict:
    """A new lesion; numbers in *extra* are converted to exact decimals."""
    converted = {key: _mm(value) if key == "longest_mm" else value for key, value in extra.items()}
    return {"id": lesion_id, "organ": organ, **converted}


def timepoint(
    label: str,
    days: int,
    target: list[dict] | tuple[dict, ...] = (),
    non_target: list[dict] | tuple[dict, ...] = (),
    new: list[dict] | tuple[dict, ...] = (),
    **extra: Any,
) -> dict:
    """A timepoint *days* after baseline."""
    return {
        "label": label,
        "date": day(days),
        "target": list(target),
        "non_target": list(non_target),
        "new": list(new),
        **extra,
    }


def missed(label: str, days: int) -> dict:
    """A timepoint that was not assessed."""
    return {"label": label, "date": day(days), "not_assessed": True}


def case(
    *timepoints: dict,
    criteria: str = "mRECIST",
    options: dict | None = None,
    subject: str = "HCC-001",
) -> dict:
    """An mrecist-case/1 document."""
    data: dict[str, Any] = {"format": "mrecist-case/1", "subject": subject, "criteria": criteria}
    if options:
        data["options"] = options
    data["timepoints"] = list(timepoints)
    return data


def sums_case(*sums: Number, criteria: str = "mRECIST", options: dict | None = None) -> dict:
    """One lung target whose size is each of *sums* in turn, 42 days apart.

    A lung target is measured the same way under both criteria, so the sums are the sums.
    """
    labels = ["Baseline"] + [f"FU{i}" for i in range(1, len(sums))]
    points = [
        timepoint(label, 42 * i, target=[lung("T1", value)])
        for i, (label, value) in enumerate(zip(labels, sums, strict=True))
    ]
    return case(*points, criteria=criteria, options=options)


def run(data: dict, criteria: str | None = None) -> Result:
    """Evaluate case data through the same parser the CLI uses."""
    return evaluate(case_from_data(data), criteria)


def _decimal_marker(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"@@{value}@@"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: Any) -> str:
    """Serialise case data, writing each Decimal as the bare JSON number it is."""
    # json cannot write a Decimal as a number; mark it as a string and strip the quotes.
    return json.dumps(data, default=_decimal_marker).replace('"@@', "").replace('@@"', "")


def run_text(data: dict, criteria: str | None = None) -> Result:
    """Evaluate case data through its JSON text, as a file would be read."""
    return evaluate(parse_case(to_json(data)), criteria)


def responses(result: Result) -> list[str | None]:
    """Overall response of every follow-up timepoint."""
    return [
        None if row.overall is None else row.overall.category.value
        for row in result.timepoints[1:]
    ]


def target_responses(result: Result) -> list[str | None]:
    """Target response of every follow-up timepoint."""
    return [
        None if row.target is None else row.target.category.value for row in result.timepoints[1:]
    ]
