"""Checks on a whole case: errors that stop evaluation, warnings the reader should see.

Errors are located by JSON pointers into the ``mrecist-case/1`` layout
(``/timepoints/2/target/0/id``), which the dataclasses mirror index for index, so a case
built in the application is reported in the same terms as a case file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.criteria.formatting import format_mm
from core.criteria.non_targets import is_fluid
from core.criteria.targets import exact_sum, measurement_key, target_measurement_mm
from core.criteria.types import (
    LIVER_ORGAN,
    LYMPH_NODE_ORGAN,
    Case,
    Options,
    TargetLesion,
    Timepoint,
)
from core.errors import CoreError
from core.model.clinical import Criteria, NonTargetState, TargetState

# A lesion is measurable from 10 mm longest diameter (RECIST 1.1 §3.1.1; LL2010 for the
# viable part of an intrahepatic HCC). The "2 x slice thickness" variant needs the slice
# thickness, which case files do not record.
MEASURABLE_MIN_MM = Decimal(10)
# A node is a target only from 15 mm short axis; 10-15 mm is a pathological non-target
# (RECIST 1.1 §3.1.1).
NODE_TARGET_MIN_SHORT_AXIS_MM = Decimal(15)
# Porta hepatis nodes are reactive in cirrhosis and count as malignant only from 20 mm short
# axis (LL2010, JNCI2008).
PORTA_HEPATIS_NODE_MIN_MM = Decimal(20)
# Organ names that differ only by side are one organ (RECIST 1.1 §4.2; EORTC-FAQ "Paired
# organs").
_SIDE = re.compile(r"^(left|right)_|_(left|right)$")


# Every character str.splitlines() breaks on: a problem must stay on one line even when it
# quotes a label or an id that contains one.
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def one_line(text: str) -> str:
    """Return *text* with line-breaking characters written as escapes (``\\u2028``)."""
    return "".join(f"\\u{ord(ch):04x}" if ch in _LINE_BREAKS else ch for ch in text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a case cannot be evaluated, located in the case file.

    Attributes
    ----------
    pointer
        JSON pointer to the offending value (``""`` is the whole document), or ``None``
        for a problem with the file itself (unreadable, not JSON).
    message
        What is wrong, in one line.
    line, column
        Position in the file, for text that is not valid JSON.
    """

    pointer: str | None
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return one_line(f"line {self.line}, column {self.column}: {self.message}")
        if self.pointer is None:
            return one_line(self.message)
        return one_line(f"{self.pointer or '(document)'}: {self.message}")


class CaseError(CoreError, ValueError):
    """A case that cannot be evaluated; ``problems`` says every reason found.

    ``str()`` is one line per problem. It is a ``ValueError`` too, because a bad case is a
    bad argument to ``evaluate``.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def organ_group(lesion: TargetLesion) -> str:
    """Return the organ a target counts against for the per-organ limit.

    All lymph nodes are one organ and paired organs are one organ (RECIST 1.1 §4.2).
    """
    if lesion.is_node:
        return LYMPH_NODE_ORGAN
    return _SIDE.sub("", lesion.organ)


def _tp(index: int) -> str:
    return f"/timepoints/{index}"


def _baseline_problems(case: Case, criteria: Criteria) -> Iterator[Problem]:
    baseline = case.baseline
    if baseline.not_assessed:
        yield Problem(f"{_tp(0)}/not_assessed", "the baseline must be assessed")
        return
    if not baseline.target and not baseline.non_target:
        yield Problem(
            _tp(0), "a subject needs at least one target or non-target lesion at baseline"
        )
    for j, _ in enumerate(baseline.new):
        yield Problem(f"{_tp(0)}/new/{j}", "new lesions cannot be recorded at baseline")
    for j, lesion in enumerate(baseline.target):
        if lesion.state is not TargetState.MEASURED:
            yield Problem(
                f"{_tp(0)}/target/{j}/state",
                f"a baseline target must be measured, not '{lesion.state}'",
            )
    for j, non_target in enumerate(baseline.non_target):
        if non_target.state is not NonTargetState.PRESENT:
            yield Problem(
                f"{_tp(0)}/non_target/{j}/state",
                f"a baseline non-target must be 'present', not '{non_target.state}'",
            )


def _date_problems(case: Case) -> Iterator[Problem]:
    for i in range(1, len(case.timepoints)):
        previous, current = case.timepoints[i - 1], case.timepoints[i]
        if current.date <= previous.date:
            yield Problem(
                f"{_tp(i)}/date",
                f"{current.date.isoformat()} is not after {previous.date.isoformat()} "
                f"({_tp(i - 1)}/date); timepoints must be in strictly increasing date order",
            )


def _label_problems(case: Case) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, timepoint in enumerate(case.timepoints):
        if timepoint.label in seen:
            yield Problem(
                f"{_tp(i)}/label",
                f"duplicate label '{timepoint.label}' (also {_tp(seen[timepoint.label])}/label)",
            )
        seen.setdefault(timepoint.label, i)


def _lesion_entries(timepoint: Timepoint) -> Iterator[tuple[str, int, str]]:
    for key in ("target", "non_target", "new"):
        for j, lesion in enumerate(getattr(timepoint, key)):
            yield key, j, lesion.id


def _duplicate_id_problems(case: Case) -> Iterator[Problem]:
    for i, timepoint in enumerate(case.timepoints):
        seen: dict[str, str] = {}
        for key, j, lesion_id in _lesion_entries(timepoint):
            pointer = f"{_tp(i)}/{key}/{j}/id"
            if lesion_id in seen:
                yield Problem(pointer, f"duplicate id '{lesion_id}' (also {seen[lesion_id]})")
            else:
                seen[lesion_id] = pointer


def _follow_up_problems(case: Case, i: int) -> Iterator[Problem]:
    timepoint = case.timepoints[i]
    baseline_targets = {lesion.id: lesion for lesion in case.baseline.target}
    baseline_non_targets = {lesion.id: lesion for lesion in case.baseline.non_target}
    for j, lesion in enumerate(timepoint.target):
        base = baseline_targets.get(lesion.id)
        pointer = f"{_tp(i)}/target/{j}"
        if base is None:
            yield Problem(
                f"{pointer}/id",
                f"'{lesion.id}' is not a baseline target; targets are chosen at baseline "
                "and a lesion that appears later goes in 'new'",
            )
        elif lesion.organ != base.organ:
            yield Problem(
                f"{pointer}/organ", f"'{lesion.organ}' differs from '{base.organ}' at baseline"
            )
        elif lesion.is_node != base.is_node:
            yield Problem(
                f"{pointer}/node",
                f"a lesion cannot change between node and non-node; at baseline "
                f"'{lesion.id}' was {'a node' if base.is_node else 'not a node'}",
            )
    for j, non_target in enumerate(timepoint.non_target):
        nt_base = baseline_non_targets.get(non_target.id)
        pointer = f"{_tp(i)}/non_target/{j}"
        if nt_base is None:
            yield Problem(
                f"{pointer}/id",
                f"'{non_target.id}' is not a baseline non-target; a lesion that appears later "
                "goes in 'new'",
            )
        elif non_target.organ != nt_base.organ:
            yield Problem(
                f"{pointer}/organ",
                f"'{non_target.organ}' differs from '{nt_base.organ}' at baseline",
            )
        elif non_target.kind != nt_base.kind:
            yield Problem(
                f"{pointer}/kind",
                f"{non_target.kind!r} differs from {nt_base.kind!r} at baseline",
            )
    recorded_targets = {lesion.id for lesion in timepoint.target}
    for lesion_id in baseline_targets:
        if lesion_id not in recorded_targets:
            yield Problem(
                f"{_tp(i)}/target",
                f"baseline target '{lesion_id}' is missing; every baseline target must be "
                "recorded at every assessed timepoint (state 'not_evaluable' if it could "
                "not be assessed)",
            )
    recorded_non_targets = {lesion.id for lesion in timepoint.non_target}
    for lesion_id in baseline_non_targets:
        if lesion_id not in recorded_non_targets:
            yield Problem(
                f"{_tp(i)}/non_target",
                f"baseline non-target '{lesion_id}' is missing; every baseline non-target "
                "must be recorded at every assessed timepoint",
            )


def _new_lesion_problems(case: Case, criteria: Criteria) -> Iterator[Problem]:
    baseline_ids = {lesion.id: "target" for lesion in case.baseline.target}
    baseline_ids.update({lesion.id: "non-target" for lesion in case.baseline.non_target})
    first_seen: dict[str, tuple[str, str | None, str]] = {}
    for i, timepoint in enumerate(case.timepoints[1:], start=1):
        for j, lesion in enumerate(timepoint.new):
            pointer = f"{_tp(i)}/new/{j}"
            if lesion.id in baseline_ids:
                yield Problem(
                    f"{pointer}/id",
                    f"'{lesion.id}' is a baseline {baseline_ids[lesion.id]}; a new lesion "
                    "needs an id of its own",
                )
                continue
            first = first_seen.setdefault(lesion.id, (lesion.organ, lesion.kind, pointer))
            if (lesion.organ, lesion.kind) != first[:2]:
                yield Problem(
                    f"{pointer}/organ",
                    f"new lesion '{lesion.id}' was first recorded at {first[2]} as "
                    f"organ '{first[0]}', kind {first[1]!r}; the same id must keep its site",
                )
            needs_size = (
                criteria is Criteria.MRECIST
                and lesion.organ == LIVER_ORGAN
                and not is_fluid(lesion.kind)
                and not lesion.equivocal
            )
            if needs_size and lesion.longest_mm is None:
                yield Problem(
                    pointer,
                    "missing 'longest_mm', which mRECIST needs to decide whether a new liver "
                    "nodule is new HCC (10 mm rule)",
                )


def _measurement_problems(case: Case, criteria: Criteria) -> Iterator[Problem]:
    for i, timepoint in enumerate(case.timepoints):
        for j, lesion in enumerate(timepoint.target):
            if lesion.state is not TargetState.MEASURED:
                continue
            key = measurement_key(lesion, criteria)
            if getattr(lesion, key) is None:
                what = {
                    "viable_mm": "liver target",
                    "short_axis_mm": "target node",
                    "longest_mm": "target",
                }[key]
                yield Problem(
                    f"{_tp(i)}/target/{j}",
                    f"missing '{key}', which a measured {what} needs under {criteria}",
                )


def _baseline_sum_problems(case: Case, criteria: Criteria) -> Iterator[Problem]:
    targets = case.baseline.target
    if not targets or case.baseline.not_assessed:
        return
    values = [target_measurement_mm(lesion, criteria) for lesion in targets]
    if (
        all(value is not None for value in values)
        and exact_sum(value for value in values if value is not None) == 0
    ):
        yield Problem(
            f"{_tp(0)}/target",
            "the baseline sum is 0 mm; at least one target must have a measurable size",
        )


def validate_case(case: Case, criteria: Criteria | None = None) -> tuple[Problem, ...]:
    """Return every reason *case* cannot be evaluated under *criteria*; empty if it can.

    Checks the baseline (assessed, at least one lesion, targets measured, non-targets
    present, no new lesions), strictly increasing dates, unique labels and lesion ids,
    every baseline lesion recorded at every assessed follow-up with the same site, and the
    measurements *criteria* needs (docs/criteria.md §8, docs/case-format.md).

    Parameters
    ----------
    case
        The case.
    criteria
        The criteria to check against; defaults to the case's own.
    """
    criteria = Criteria(criteria or case.criteria)
    problems = [
        *_baseline_problems(case, criteria),
        *_date_problems(case),
        *_label_problems(case),
        *_duplicate_id_problems(case),
        *_new_lesion_problems(case, criteria),
        *_measurement_problems(case, criteria),
    ]
    for i, timepoint in enumerate(case.timepoints[1:], start=1):
        if not timepoint.not_assessed:
            problems.extend(_follow_up_problems(case, i))
    if not problems:
        problems.extend(_baseline_sum_problems(case, criteria))
    return tuple(sorted(problems, key=lambda problem: document_order(problem.pointer)))


def document_order(pointer: str | None) -> tuple[tuple[int, int, str], ...]:
    """Return a sort key for JSON pointers that puts /timepoints/2 before /timepoints/10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in (pointer or "").split("/")
    )


def _target_count_warnings(targets: Sequence[TargetLesion], options: Options) -> Iterator[str]:
    if len(targets) > options.max_targets:
        yield (
            f"baseline has {len(targets)} targets; at most {options.max_targets} are allowed "
            "(RECIST 1.1 §4.2, LL2010)"
        )
    groups: dict[str, list[str]] = {}
    for lesion in targets:
        groups.setdefault(organ_group(lesion), []).append(lesion.id)
    for organ, ids in groups.items():
        if len(ids) > options.max_targets_per_organ:
            yield (
                f"baseline has {len(ids)} targets in {organ} ({', '.join(ids)}); at most "
                f"{options.max_targets_per_organ} per organ are allowed (RECIST 1.1 §4.2)"
            )


def _target_size_warnings(lesion: TargetLesion, criteria: Criteria) -> Iterator[str]:
    key = measurement_key(lesion, criteria)
    value: Decimal | None = getattr(lesion, key)
    if value is None:
        return
    size = format_mm(value)
    if lesion.is_node and lesion.porta_hepatis and criteria is Criteria.MRECIST:
        if value < PORTA_HEPATIS_NODE_MIN_MM:
            yield (
                f"baseline target node {lesion.id} at the porta hepatis has short axis "
                f"{size} mm; porta hepatis nodes count as malignant only from "
                f"{format_mm(PORTA_HEPATIS_NODE_MIN_MM)} mm (LL2010, JNCI2008)"
            )
    elif lesion.is_node and value < NODE_TARGET_MIN_SHORT_AXIS_MM:
        yield (
            f"baseline target node {lesion.id} has short axis {size} mm, below the "
            f"{format_mm(NODE_TARGET_MIN_SHORT_AXIS_MM)} mm a target node needs (RECIST 1.1 "
            "§3.1.1)"
        )
    elif not lesion.is_node and value < MEASURABLE_MIN_MM:
        what = "viable diameter" if key == "viable_mm" else "longest diameter"
        yield (
            f"baseline target {lesion.id} has {what} {size} mm, too small for a target: "
            f"measurable lesions are at least {format_mm(MEASURABLE_MIN_MM)} mm "
            "(RECIST 1.1 §3.1.1, LL2010)"
        )


def _recording_warnings(case: Case) -> Iterator[str]:
    for timepoint in case.timepoints:
        for lesion in timepoint.target:
            where = f"{lesion.id} at {timepoint.label}"
            if lesion.organ == LYMPH_NODE_ORGAN and lesion.node is False:
                yield (
                    f"{where} is in organ lymph_node, so it is measured as a node (short "
                    "axis) although node is false"
                )
            if (
                lesion.viable_mm is not None
                and lesion.longest_mm is not None
                and lesion.viable_mm > lesion.longest_mm
            ):
                yield (
                    f"{where}: viable_mm {format_mm(lesion.viable_mm)} exceeds longest_mm "
                    f"{format_mm(lesion.longest_mm)}; the viable part lies within the lesion"
                )
            if lesion.state is not TargetState.MEASURED:
                recorded = [
                    f"{key} {format_mm(value)}"
                    for key in ("longest_mm", "viable_mm", "short_axis_mm")
                    if (value := getattr(lesion, key)) is not None and value > 0
                ]
                if recorded:
                    yield (
                        f"{where} is recorded '{lesion.state}' with {', '.join(recorded)}; "
                        "the state decides what it counts"
                    )


def case_warnings(case: Case, criteria: Criteria, options: Options) -> tuple[str, ...]:
    """Return the baseline-selection and recording warnings for a valid *case*.

    Baseline selection follows RECIST 1.1 §3.1 and §4.2 and LL2010 (docs/criteria.md §8).

    Too many targets in total or per organ, targets below the measurable size, nodes below
    the target threshold, porta hepatis nodes below 20 mm (mRECIST), previously treated
    targets, and recordings that contradict themselves. Warnings never stop evaluation.
    """
    targets = case.baseline.target
    warnings = list(_target_count_warnings(targets, options))
    for lesion in targets:
        warnings.extend(_target_size_warnings(lesion, criteria))
        if lesion.previously_treated:
            warnings.append(
                f"baseline target {lesion.id} was treated locoregionally before baseline; it "
                "should not be a target unless it has clearly progressed (LL2010, RECIST 1.1 "
                "§3.1.2)"
            )
    warnings.extend(_recording_warnings(case))
    return tuple(warnings)
