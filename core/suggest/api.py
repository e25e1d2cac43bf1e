"""``suggest_diameters``: a reader's click inside a lesion → viable and total diameters.

An assist, never automatic: nothing here is saved. The GUI shows each suggestion as a
dashed caliper that the reader accepts (then it is measured and saved as any caliper),
adjusts or discards; a :class:`Declined` says why there is none.

mRECIST's viable tumour is the part that enhances in the arterial phase, and its longest
diameter is measured on the arterial phase, not crossing necrosis (Lencioni & Llovet
2010, Semin Liver Dis 30:52-60). The total diameter is RECIST 1.1's, of the whole lesion
(Eisenhauer et al. 2009). The portal venous phase, when given, keeps out of the viable
part what stays brighter than the liver there (vessels: HCC washes out) and raises the
confidence where the enhancing part washes out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.geometry import measure_line, plane_of_slice
from core.model.imaging import Modality, Phase
from core.model.reading import MeasurementKind, finite_point
from core.model.volume import Volume
from core.suggest.diameter import Chord, longest_chord, refine_chord
from core.suggest.region import (
    LESION_HU,
    LIVER_HU,
    MAX_REGION_CM3,
    MIN_CONTRAST_HU,
    NOISE_MULTIPLE,
    Background,
    Crop,
    Lesion,
    components,
    crop_around,
    disc_background,
    grow,
    shell_background,
    smooth_in_plane,
)
from core.suggest.types import (
    Declined,
    DeclineReason,
    SuggestedDiameter,
    Suggestion,
    Suggestions,
)

# Below this a suggestion is no help: mRECIST targets are at least 10 mm.
MIN_DIAMETER_MM = 5.0
# A slice whose pixel-centre chord is within this many pixels of the longest is refined
# too: the edges decide between neighbouring slices.
CANDIDATE_MARGIN_PX = 2.0
VIABLE, TOTAL = MeasurementKind.VIABLE, MeasurementKind.TOTAL


def suggest_diameters(arterial: Volume, seed_xyz: Sequence[float],
                      portal_venous: Volume | None = None) -> Suggestions:
    """Suggest the viable and the total longest diameter of the lesion at *seed_xyz*.

    Parameters
    ----------
    arterial
        The arterial-phase CT volume, as :func:`core.dicom.load_volume` gives it.
    seed_xyz
        The reader's click inside the lesion, patient LPS mm.
    portal_venous
        The same study's portal venous volume, optional (washout; see the module).

    Returns
    -------
    Suggestions
        For each of viable and total a :class:`SuggestedDiameter` on the arterial slice
        where it is longest, or a :class:`Declined` with the reason. Nothing is saved.

    Raises
    ------
    InvalidValueError
        If *seed_xyz* is not three finite numbers.
    """
    seed = finite_point(seed_xyz, "seed_xyz", 3)
    refusal = _volume_refusal(arterial)
    if refusal is not None:
        return _both_declined(*refusal, None, None)
    seed_krc = _seed_index(arterial, seed)
    if seed_krc is None:
        return _both_declined(DeclineReason.SEED_OUTSIDE_VOLUME,
                              f"the point {_point(seed)} lies outside the arterial series",
                              None, None)
    notes: list[str] = []
    pv = _usable_portal_venous(arterial, portal_venous, notes)
    crop = crop_around(arterial.voxels.shape, seed_krc, arterial.spacing_mm)
    raw = arterial.voxels[crop.index].astype(np.float32)
    smoothed = smooth_in_plane(raw)
    origin = crop.origin
    local = (seed_krc[0] - origin[0], seed_krc[1] - origin[1], seed_krc[2] - origin[2])
    value = float(smoothed[local])
    if not LESION_HU[0] <= value <= LESION_HU[1]:
        return _both_declined(DeclineReason.NO_LESION_AT_SEED,
                              f"the point is {value:.0f} HU: air, fat, bone or contrast-dense "
                              "vessel, not a liver lesion", seed_krc, None)
    first = disc_background(smoothed, local, arterial.spacing_mm)
    if first is None:
        return _both_declined(DeclineReason.NO_LIVER_BACKGROUND,
                              "no liver-like tissue around the point (outside the body, "
                              "in bone, air or fat?)", seed_krc, None)
    grown = _grow(raw, smoothed, local, first, crop, arterial.spacing_mm)
    if not isinstance(grown, _Grown):
        return _both_declined(*grown, seed_krc, first.level)
    lesion, bg = grown.lesion, grown.lesion.background
    scene = _Scene(arterial, raw, smoothed, crop)
    total = scene.best_diameter(lesion.total, lambda k, end, out: _total_levels(
        lesion, float(smoothed[k, round(end[0]), round(end[1])])))
    if total is None or total[1].length_mm < MIN_DIAMETER_MM:
        length = 0.0 if total is None else total[1].length_mm
        return _both_declined(DeclineReason.TOO_SMALL,
                              f"the region at the point is {length:.1f} mm across, under "
                              f"{MIN_DIAMETER_MM:g} mm", seed_krc, bg.level)
    levels = [v for v in (lesion.hyper_level, lesion.hypo_level) if v is not None]
    contrast = max((abs(v - bg.level) for v in levels), default=0.0)
    base = _ramp(contrast / bg.sigma, 3.0, 12.0) * _ramp(grown.surround, 0.25, 0.75)
    total_suggestion = scene.suggested(TOTAL, *total, base)
    viable = _viable(scene, lesion, grown.liver_shell, local, pv, base)
    return Suggestions(viable, total_suggestion, seed_krc, round(bg.level, 1), tuple(notes))


def _volume_refusal(volume: Volume) -> tuple[DeclineReason, str] | None:
    if volume.phase is not Phase.ARTERIAL:
        return (DeclineReason.NOT_ARTERIAL, f"the series' phase is {volume.phase.label.lower()}"
                ", not arterial: mRECIST measures viable tumour on the arterial phase")
    if volume.modality is not Modality.CT:
        return (DeclineReason.UNSUPPORTED_MODALITY, "suggestions work on CT (HU), not "
                f"{volume.modality.value}")
    if not volume.is_measurable:
        return (DeclineReason.NOT_MEASURABLE, "the series has no PixelSpacing: no "
                "millimetres to measure in")
    return None


def _seed_index(volume: Volume, seed: Sequence[float]) -> tuple[int, int, int] | None:
    """The voxel nearest *seed*, or None when it lies beyond half a voxel outside."""
    with np.errstate(all="ignore"):
        krc = np.linalg.solve(volume.affine, np.array([*seed, 1.0]))[:3]
    shape = np.array(volume.voxels.shape)
    if not np.all(np.isfinite(krc)) or np.any(krc < -0.5) or np.any(krc > shape - 0.5):
        return None
    index = np.minimum(np.rint(krc).astype(np.int64), shape - 1).clip(0)
    return int(index[0]), int(index[1]), int(index[2])


def _usable_portal_venous(arterial: Volume, pv: Volume | None,
                          notes: list[str]) -> Volume | None:
    if pv is None:
        notes.append("no portal venous phase: the viable part is told by arterial "
                     "enhancement alone")
        return None
    if pv.phase is not Phase.PORTAL_VENOUS or pv.modality is not arterial.modality \
            or pv.study_instance_uid != arterial.study_instance_uid:
        notes.append("the second series is not this study's portal venous CT: not used")
        return None
    notes.append("portal venous phase used: what stays brighter than the liver there is "
                 "left out of the viable part; washout raises the confidence")
    return pv


@dataclass(frozen=True, slots=True)
class _Grown:
    lesion: Lesion
    surround: float          # liver-like fraction of the shell around the lesion
    liver_shell: np.ndarray  # the shell's liver-like voxels (crop)


def _grow(raw: np.ndarray, smoothed: np.ndarray, seed: tuple[int, int, int],
          first: Background, crop: Crop, spacing_mm: tuple[float, float, float]
          ) -> _Grown | tuple[DeclineReason, str]:
    """Grow with the disc's background; re-estimate it from the shell; grow again with
    thresholds half-way to each class (region.py)."""
    voxel_cm3 = float(np.prod(spacing_mm)) / 1000
    background = first
    lesion: Lesion | None = None
    for _ in range(2):
        levels = (None, None) if lesion is None else (lesion.hyper_level, lesion.hypo_level)
        lesion = grow(raw, smoothed, seed, background, crop, levels)
        if lesion is None:
            return (DeclineReason.NO_LESION_AT_SEED,
                    f"the point ({float(smoothed[seed]):.0f} HU) does not stand out from the "
                    f"liver around it ({background.level:.0f} HU)")
        volume_cm3 = float(lesion.total.sum()) * voxel_cm3
        if lesion.touches_crop or volume_cm3 > MAX_REGION_CM3:
            where = "to the edge of the search box" if lesion.touches_crop else \
                f"over {MAX_REGION_CM3:g} cm³"
            return (DeclineReason.LEAKS, f"the region grown from the point runs beyond a "
                    f"lesion ({volume_cm3:.0f} cm³, {where})")
        background, surround, liver_shell = shell_background(smoothed, lesion.total,
                                                             background, spacing_mm)
        if not LIVER_HU[0] <= background.level <= LIVER_HU[1]:
            return (DeclineReason.NO_LIVER_BACKGROUND, f"the tissue around the region "
                    f"({background.level:.0f} HU) is not liver-like")
    assert lesion is not None
    return _Grown(replace(lesion, background=background), surround, liver_shell)


def _total_levels(lesion: Lesion, value: float) -> tuple[float, float]:
    """(inside, outside) at an end of the total diameter: its class's level, the liver."""
    bg = lesion.background.level
    hyper, hypo = lesion.hyper_level, lesion.hypo_level
    if hyper is not None and (value >= bg or hypo is None):
        return hyper, bg
    return (hypo if hypo is not None else value), bg


Levels = Callable[[int, np.ndarray, np.ndarray], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class _Scene:
    """The arterial volume and its crop, for measuring regions found in the crop."""

    volume: Volume
    raw: np.ndarray
    smoothed: np.ndarray
    crop: Crop

    def best_diameter(self, mask: np.ndarray, levels: Levels) -> tuple[int, Chord] | None:
        """The slice (crop index) and refined chord where *mask*'s diameter is longest."""
        spacing_rc = (self.volume.spacing_mm[1], self.volume.spacing_mm[2])
        chords = [(int(k), longest_chord(mask[k], spacing_rc))
                  for k in np.flatnonzero(mask.any(axis=(1, 2)))]
        found = [(k, chord) for k, chord in chords if chord is not None]
        if not found:
            return None
        longest = max(chord.length_mm for _, chord in found)
        margin = CANDIDATE_MARGIN_PX * max(spacing_rc)
        best: tuple[int, Chord] | None = None
        for k, chord in found:
            if chord.length_mm < longest - margin:
                continue
            start, end = np.array(chord.start_rc), np.array(chord.end_rc)
            outward = (end - start) / max(float(np.linalg.norm(end - start)), 1e-9)
            refined = refine_chord(self.raw[k], chord, spacing_rc,
                                   (levels(k, start, -outward), levels(k, end, outward)))
            if best is None or refined.length_mm > best[1].length_mm:
                best = (k, refined)
        return best

    def suggested(self, kind: MeasurementKind, k: int, chord: Chord,
                  confidence: float) -> SuggestedDiameter:
        """*chord* on crop slice *k* as a suggestion on the volume's slice and pixels."""
        k0, r0, c0 = self.crop.origin
        start = (chord.start_rc[0] + r0, chord.start_rc[1] + c0)
        end = (chord.end_rc[0] + r0, chord.end_rc[1] + c0)
        slice_index = k + k0
        line = measure_line(plane_of_slice(self.volume, slice_index), start, end)
        frames = self.volume.frame_numbers
        frame = (frames[slice_index] or 0) if frames else 0
        size = _ramp(chord.length_mm / max(self.volume.spacing_mm[1:]), 0.0, 5.0)
        return SuggestedDiameter(kind, slice_index, self.volume.sop_instance_uids[slice_index],
                                 frame, line.start_rc, line.end_rc, line.start_xyz,
                                 line.end_xyz, round(line.length_mm, 2),
                                 round(confidence * size, 2))

    def sample(self, other: Volume, within: np.ndarray) -> np.ndarray:
        """*other*'s voxels at this crop's voxel centres inside the bounding box of
        *within* (nearest voxel), NaN elsewhere and outside *other*."""
        out = np.full(self.raw.shape, np.nan, dtype=np.float32)
        found = np.argwhere(within)
        if len(found) == 0:
            return out
        lo, hi = found.min(axis=0), found.max(axis=0) + 1
        origin = np.array(self.crop.origin)
        axes = [np.arange(a, b) + o for a, b, o in zip(lo, hi, origin, strict=True)]
        to_other = np.linalg.solve(other.affine, self.volume.affine)
        shape = np.array(other.voxels.shape)
        box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi, strict=True))
        linear = to_other[:3, :3]
        if np.allclose(linear, np.diag(np.diag(linear)), atol=1e-6):
            # Parallel grids (the usual multiphase CT): one index per axis.
            index = [np.rint(axis * linear[i, i] + to_other[i, 3]).astype(np.int64)
                     for i, axis in enumerate(axes)]
            ok = [(ix >= 0) & (ix < n) for ix, n in zip(index, shape, strict=True)]
            values = other.voxels[np.ix_(*[np.clip(ix, 0, n - 1)
                                           for ix, n in zip(index, shape, strict=True)])]
            valid = ok[0][:, None, None] & ok[1][None, :, None] & ok[2][None, None, :]
            out[box] = np.where(valid, values, np.nan)
            return out
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        index = np.rint(grid @ linear.T + to_other[:3, 3]).astype(np.int64)
        inside = np.all((index >= 0) & (index < shape), axis=1)
        values = np.full(len(grid), np.nan, dtype=np.float32)
        values[inside] = other.voxels[tuple(index[inside].T)]
        out[box] = values.reshape(tuple(int(b - a) for a, b in zip(lo, hi, strict=True)))
        return out


def _viable(scene: _Scene, lesion: Lesion, liver_shell: np.ndarray,
            seed: tuple[int, int, int], pv: Volume | None, base: float) -> Suggestion:
    """The viable part: the lesion's arterially hyperenhancing voxels, less what stays
    brighter than the liver in the portal venous phase; its part holding the seed, else
    its largest part."""
    hyper, washout = lesion.hyper, None
    if lesion.hyper_level is None or not hyper.any():
        return _declined(VIABLE, DeclineReason.NO_VIABLE_TISSUE, "no arterially enhancing "
                         "part in the lesion (fully necrotic, or enhancement too faint)")
    if pv is not None:
        pv_values = smooth_in_plane(scene.sample(pv, lesion.total | liver_shell))
        shell = pv_values[liver_shell & np.isfinite(pv_values)]
        if len(shell) >= 20:
            pv_bg = float(np.median(shell))
            sigma = 1.4826 * float(np.median(np.abs(shell - pv_bg)))
            cut = max(NOISE_MULTIPLE * sigma, MIN_CONTRAST_HU)
            with np.errstate(invalid="ignore"):
                hyper = hyper & ~(pv_values > pv_bg + cut)
                washout = pv_values < pv_bg - cut / 2
    parts = components(hyper)
    chosen = next((p for p in parts if p[seed]), parts[0] if parts else None)
    if chosen is None:
        return _declined(VIABLE, DeclineReason.NO_VIABLE_TISSUE, "what enhances in the "
                         "arterial phase stays bright in the portal venous one (vessels)")
    hypo, bg = lesion.hypo_level, lesion.background.level
    inside = float(lesion.hyper_level)

    def levels(k: int, end: np.ndarray, outward: np.ndarray) -> tuple[float, float]:
        beyond = np.rint(end + 2 * outward).astype(int)
        r = int(np.clip(beyond[0], 0, scene.smoothed.shape[1] - 1))
        c = int(np.clip(beyond[1], 0, scene.smoothed.shape[2] - 1))
        value = float(scene.smoothed[k, r, c])
        if hypo is not None and abs(value - hypo) < abs(value - bg):
            return inside, hypo  # the viable part ends against its necrosis
        return inside, bg

    best = scene.best_diameter(chosen, levels)
    if best is None or best[1].length_mm < MIN_DIAMETER_MM:
        return _declined(VIABLE, DeclineReason.NO_VIABLE_TISSUE, "the enhancing part is "
                         f"under {MIN_DIAMETER_MM:g} mm across")
    if washout is None:
        factor = NO_PORTAL_VENOUS_FACTOR
    else:
        factor = 1.0 if float(washout[chosen].mean()) >= 0.5 else NO_WASHOUT_FACTOR
    return scene.suggested(VIABLE, *best, base * factor)


# How much less sure a viable suggestion is without the portal venous phase to confirm
# washout, and when the enhancing part does not wash out (LI-RADS: washout is a major
# feature of HCC; mRECIST counts arterial enhancement alone as viable).
NO_PORTAL_VENOUS_FACTOR = 0.9
NO_WASHOUT_FACTOR = 0.8


def _ramp(value: float, low: float, high: float) -> float:
    """0 at or below *low*, 1 at or above *high*, linear between."""
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))


def _declined(kind: MeasurementKind, reason: DeclineReason, detail: str) -> Declined:
    return Declined(kind, reason, detail)


def declined_both(reason: DeclineReason, detail: str) -> Suggestions:
    """Both diameters declined for *reason* (e.g. a study without an arterial series)."""
    return _both_declined(reason, detail, None, None)


def _both_declined(reason: DeclineReason, detail: str, seed_krc: tuple[int, int, int] | None,
                   background: float | None) -> Suggestions:
    return Suggestions(_declined(VIABLE, reason, detail), _declined(TOTAL, reason, detail),
                       seed_krc, None if background is None else round(background, 1))


def _point(xyz: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in xyz) + ") mm"
