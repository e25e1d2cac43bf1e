"""Turn the images of one series into a stack of parallel slices, and say what is odd about it.

Real exports carry localizers in the axial series, re-acquired slices, gaps, tilted gantries
and images without spacing. None of these stops a reader from seeing the images, so none is
an error: the images that do not belong are left out with a reason, and what remains carries
plain-language warnings (shown by ``mrecist inspect`` and the import report).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.dicom.headers import ImageHeader

# Positions closer than this along the stack are the same slice (mm).
DUPLICATE_TOLERANCE_MM = 0.01
# Spacing differences below this are rounding in the exporter, not a gap (mm and fraction).
SPACING_TOLERANCE_MM = 0.05
SPACING_TOLERANCE_FRACTION = 0.02
# Below this angle between the slice normal and the stacking direction there is no tilt.
TILT_TOLERANCE_DEG = 0.5


@dataclass(frozen=True, slots=True)
class Stack:
    """The usable images of a series in display order, and what was found on the way.

    ``headers`` runs cranial to caudal for axial series (slice 0 is what a reader expects
    first). ``slice_step_xyz`` is the displacement between neighbouring slices in patient
    mm, or None when the slices cannot be placed. ``slots`` gives the slice index of each
    header: consecutive, except where slices are missing, whose indices are left empty so
    that every slice keeps its true position.
    """

    headers: tuple[ImageHeader, ...]
    left_out: tuple[tuple[ImageHeader, str], ...]
    warnings: tuple[str, ...]
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    slice_step_xyz: tuple[float, float, float] | None
    is_measurable: bool
    slots: tuple[int, ...] = ()

    @property
    def n_slices(self) -> int:
        """Slices of the volume, missing ones included."""
        return self.slots[-1] + 1 if self.slots else len(self.headers)

    @property
    def slice_spacing_mm(self) -> float | None:
        """Mean distance between neighbouring slices, or None when unknown."""
        if self.slice_step_xyz is None:
            return None
        return float(np.linalg.norm(self.slice_step_xyz))


def orientation_key(header: ImageHeader) -> tuple[float, ...] | None:
    """The orientation rounded so that exporters' rounding noise does not split a series."""
    if header.orientation is None:
        return None
    return tuple(round(v, 3) + 0.0 for v in header.orientation)


def build_stack(headers: Sequence[ImageHeader]) -> Stack:
    """Order *headers* into one stack; leave out what does not fit, with reasons.

    Parameters
    ----------
    headers
        The images (frames) of one series, or of one temporal position of a dynamic series.
    """
    kept, left_out, warnings = _keep_main_geometry(list(headers))
    first = kept[0]
    row_dir, col_dir = _directions(first, warnings)
    normal = np.cross(row_dir, col_dir)
    if any(h.position is None for h in kept):
        warnings.append("no ImagePositionPatient on every image: slices are shown in "
                        "instance-number order and cannot be placed in the patient")
        ordered = sorted(kept, key=_instance_order)
        step: tuple[float, float, float] | None = None
        slots = tuple(range(len(ordered)))
    else:
        ordered, duplicates = _ordered_without_duplicates(kept, normal)
        left_out.extend(duplicates)
        if duplicates:
            warnings.append(f"{len(duplicates)} image(s) at a position already taken by "
                            "another image of the series were left out")
        step, slots = _step_and_spacing_warnings(ordered, normal, warnings)
    is_measurable = _pixel_spacing_warnings(ordered, warnings)
    return Stack(tuple(ordered), tuple(left_out), tuple(warnings), _tuple3(row_dir),
                 _tuple3(col_dir), step, is_measurable, slots)


def _tuple3(v: np.ndarray) -> tuple[float, float, float]:
    return float(v[0]), float(v[1]), float(v[2])


def _instance_order(h: ImageHeader) -> tuple[int, int, str]:
    return (h.instance_number or 0, h.frame_index or 0, h.sop_instance_uid)


def _keep_main_geometry(
    headers: list[ImageHeader],
) -> tuple[list[ImageHeader], list[tuple[ImageHeader, str]], list[str]]:
    """Keep the images of the most common orientation and size (localizers go)."""
    def key(h: ImageHeader) -> tuple[object, ...]:
        return (orientation_key(h), h.rows, h.columns)

    counts = Counter(key(h) for h in headers)
    main, n_main = counts.most_common(1)[0]
    kept = [h for h in headers if key(h) == main]
    left_out = []
    for h in headers:
        if key(h) == main:
            continue
        if (h.rows, h.columns) != main[1:]:
            why = f"size {h.rows} × {h.columns} differs from the {n_main} images of " \
                  f"{main[1]} × {main[2]} in this series"
        else:
            why = f"orientation differs from the main stack of this series ({n_main} " \
                  "images; a localizer?)"
        left_out.append((h, why))
    warnings = []
    if left_out:
        warnings.append(f"mixed orientations or sizes: {len(left_out)} image(s) that differ "
                        f"from the main {n_main} were left out")
    return kept, left_out, warnings


def _directions(first: ImageHeader, warnings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    if first.orientation is None:
        warnings.append("no ImageOrientationPatient: shown as axial, orientation unknown")
        return np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    row_dir = np.array(first.orientation[:3], dtype=float)  # along increasing column index
    col_dir = np.array(first.orientation[3:], dtype=float)  # along increasing row index
    return row_dir / np.linalg.norm(row_dir), col_dir / np.linalg.norm(col_dir)


def _ordered_without_duplicates(
    headers: list[ImageHeader], normal: np.ndarray
) -> tuple[list[ImageHeader], list[tuple[ImageHeader, str]]]:
    # Head first for axial series: sort against the normal when it points cranially (+z in
    # LPS is superior), so slice 0 is the most cranial whatever the exporter's order.
    sign = -1.0 if normal[2] >= 0 else 1.0
    ordered = sorted(headers, key=lambda h: (sign * float(np.dot(_position(h), normal)),
                                             _instance_order(h)))
    kept: list[ImageHeader] = []
    duplicates: list[tuple[ImageHeader, str]] = []
    for h in ordered:
        if kept and _same_place(kept[-1], h):
            duplicates.append((h, f"same position as {_name(kept[-1])}: left out"))
        else:
            kept.append(h)
    return kept, duplicates


def _name(h: ImageHeader) -> str:
    frame = f" frame {h.frame_number}" if h.frame_number is not None else ""
    return f"{h.display_path.name}{frame}"


def _position(h: ImageHeader) -> np.ndarray:
    if h.position is None:
        raise ValueError(f"{h.display_path}: no ImagePositionPatient")  # checked by callers
    return np.array(h.position)


def _same_place(a: ImageHeader, b: ImageHeader) -> bool:
    distance = float(np.linalg.norm(_position(a) - _position(b)))
    return distance < DUPLICATE_TOLERANCE_MM


def _step_and_spacing_warnings(
    ordered: list[ImageHeader], normal: np.ndarray, warnings: list[str],
) -> tuple[tuple[float, float, float], tuple[int, ...]]:
    """The step between slices and each image's slice index, warning about what is odd."""
    if len(ordered) < 2:
        thickness = ordered[0].slice_thickness_mm or 1.0
        return _tuple3(-np.sign(normal[2] or 1.0) * normal * thickness), (0,)
    positions = np.array([h.position for h in ordered], dtype=float)
    gaps = np.linalg.norm(np.diff(positions, axis=0), axis=1)
    slots = _slots(gaps, positions, warnings)
    step = (positions[-1] - positions[0]) / slots[-1]
    _check_tilt(step, normal, warnings)
    return _tuple3(step), slots


def _slots(gaps: np.ndarray, positions: np.ndarray, warnings: list[str]) -> tuple[int, ...]:
    """Slice indices: consecutive, or with room left where whole slices are missing."""
    consecutive = tuple(range(len(gaps) + 1))
    smallest = float(gaps.min())
    tolerance = max(SPACING_TOLERANCE_MM, SPACING_TOLERANCE_FRACTION * smallest)
    if float(gaps.max()) - smallest <= tolerance:
        return consecutive
    ratios = gaps / smallest
    steps = np.round(ratios).astype(int)
    if not np.all(np.abs(ratios - steps) * smallest <= tolerance):
        warnings.append(f"uneven slice spacing, {smallest:.2f} to {float(gaps.max()):.2f} mm: "
                        "positions along the stack are approximate")
        return consecutive
    missing = int(steps.sum() - len(gaps))
    where = [f"z {positions[i][2]:.1f} to {positions[i + 1][2]:.1f} mm"
             for i in np.flatnonzero(steps > 1)[:3]]
    if missing > len(gaps) + 1:
        # More gap than images (key images, a damaged export): blank slices would outnumber
        # the real ones, and could be any number, so the images stay side by side.
        warnings.append(f"{missing} slice(s) missing, more than there are images (gaps at "
                        f"{'; '.join(where)}): positions along the stack are approximate")
        return consecutive
    warnings.append(f"{missing} slice(s) missing (gaps at {'; '.join(where)}): shown as blank "
                    "slices, so every slice keeps its true position")
    return (0, *np.cumsum(steps).tolist())


def _check_tilt(step: np.ndarray, normal: np.ndarray, warnings: list[str]) -> None:
    length = float(np.linalg.norm(step))
    if length == 0:
        return
    cosine = abs(float(np.dot(step / length, normal)))
    angle = math.degrees(math.acos(min(cosine, 1.0)))
    if angle > TILT_TOLERANCE_DEG:
        warnings.append(f"gantry tilt of {angle:.1f}°: slices are sheared in patient space "
                        "(shown as acquired; in-plane measurements are exact)")


def _pixel_spacing_warnings(ordered: list[ImageHeader], warnings: list[str]) -> bool:
    spacings = {h.pixel_spacing for h in ordered}
    if None in spacings:
        warnings.append("no PixelSpacing: the images can be viewed but not measured")
        return False
    if len(spacings) > 1:
        warnings.append("PixelSpacing differs between images: measured with the first "
                        "image's spacing")
    return True


def split_dynamic(headers: Sequence[ImageHeader]) -> list[list[ImageHeader]] | None:
    """Split a series that repeats its slice positions into one group per time point.

    MR dynamic series often hold every contrast phase in one series without a
    TemporalPositionIdentifier. The repeats are told apart by TriggerTime, then
    AcquisitionNumber, then AcquisitionTime (the first key present on every image that
    works): either each value of the key is one time point (a 3D acquisition: one value per
    phase; a phase missing a slice still splits), or, when every position occurs equally
    often, the n-th image of each position in time belongs to the n-th time point (2D
    acquisitions, a time per slice). Returns the groups in time order, or None when
    positions do not repeat or nothing tells the repeats apart (they are then duplicates,
    see :func:`build_stack`).
    """
    if not headers or any(h.position is None for h in headers):
        return None
    by_position: dict[tuple[float, ...], list[ImageHeader]] = {}
    for h in headers:
        by_position.setdefault(_position_key(h), []).append(h)
    n = max(len(group) for group in by_position.values())
    if n < 2:
        return None
    keys: tuple[Callable[[ImageHeader], object], ...] = (
        lambda h: h.trigger_time_ms, lambda h: h.acquisition_number,
        lambda h: h.acquisition_time or None,
    )
    for key in keys:
        if any(key(h) is None for h in headers):
            continue
        groups = _by_value(headers, key, n, len(by_position)) or \
            _by_rank(by_position, key, n)
        if groups is not None:
            return groups
    return None


def _by_value(headers: Sequence[ImageHeader], key: Callable[[ImageHeader], object],
              n: int, n_positions: int) -> list[list[ImageHeader]] | None:
    """One group per value of *key*, if that gives *n* groups without a repeated position.

    Each group must cover at least half the positions: a single re-acquired slice is a
    duplicate, not a time point of its own.
    """
    groups: dict[object, list[ImageHeader]] = {}
    for h in headers:
        groups.setdefault(key(h), []).append(h)
    if len(groups) != n or any(2 * len(g) < n_positions for g in groups.values()):
        return None
    if any(len({_position_key(h) for h in g}) != len(g) for g in groups.values()):
        return None
    return [groups[v] for v in sorted(groups, key=_sortable)]


def _by_rank(by_position: dict[tuple[float, ...], list[ImageHeader]],
             key: Callable[[ImageHeader], object], n: int) -> list[list[ImageHeader]] | None:
    """The n-th image in time of every position, if each position has *n* distinct times."""
    if any(len({key(h) for h in group}) != n or len(group) != n
           for group in by_position.values()):
        return None
    ordered = [sorted(group, key=lambda h: _sortable(key(h))) for group in by_position.values()]
    return [[group[i] for group in ordered] for i in range(n)]


def _position_key(h: ImageHeader) -> tuple[float, ...]:
    return tuple(round(v, 2) + 0.0 for v in h.position or ())


def _sortable(value: object) -> tuple[float, str]:
    if isinstance(value, int | float | str):
        try:
            return float(value), ""
        except (ValueError, OverflowError):  # not a number; an int beyond a float's range
            pass
    return math.inf, str(value)
