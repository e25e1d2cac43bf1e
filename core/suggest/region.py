"""Region growing on an arterial CT volume: the lesion told from the liver around it.

Pure numpy on a crop of the volume around the seed. The steps (docs/suggest.md):

1. Smooth each slice with a 3 × 3 mean (noise of 9 HU becomes 3 HU; an edge stays
   centred where it was).
2. The liver background: the mode of the liver-range values in a disc around the seed,
   then, once a region is grown, the median of a shell just outside it.
3. Lesion voxels differ from that background by more than a threshold: brighter
   (arterial hyperenhancement: the viable tumour of mRECIST, Lencioni & Llovet 2010) or
   darker (non-enhancing necrosis), with the voxels where the two meet counted too (the
   smoothed value passes through the liver's on the way from one to the other). The
   lesion is the 6-connected component holding the seed.
4. Thresholds start at ``max(4 σ, 15 HU)`` and are then set half-way between the
   background and the median of each class, where a blurred edge is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Liver parenchyma on contrast-enhanced CT lies in this range, arterial to portal venous
# (unenhanced ~55 HU, portal venous ~100-130 HU; LI-RADS v2018 technique). A background
# outside it means the seed is not in the liver.
LIVER_HU = (20.0, 200.0)
# Lesion voxels (viable tumour, necrosis, fluid) lie in this range: darker is fat or air,
# brighter is bone, calcification or contrast-dense vessels.
LESION_HU = (-30.0, 300.0)
# The least difference from the background a lesion voxel needs, and the noise multiple.
MIN_CONTRAST_HU = 15.0
NOISE_MULTIPLE = 4.0
# The crop grown in: half extents in mm (in-plane, craniocaudal). A region reaching the
# crop's sides has leaked; 80 mm also bounds a 16 cm lesion.
CROP_HALF_MM = (80.0, 60.0)
# A lesion larger than this (a 9 cm sphere is 382 cm³) is taken for a leak.
MAX_REGION_CM3 = 400.0
# The disc the first background is taken from, and the shell the second one.
BACKGROUND_DISC_MM = 50.0
SHELL_MM = (2.0, 8.0)
# After the opening, the region grows back this many pixels inside the lesion-like voxels:
# the pixel the erosion took, and a necrotic cap one pixel thin beside the viable part.
RECONSTRUCT_PX = 2
# Voxels where the viable and necrotic parts meet: within this many pixels of both.
BRIDGE_PX = 2


@dataclass(frozen=True, slots=True)
class Crop:
    """Where the crop lies in the volume: its slices and whether each side is the volume's."""

    index: tuple[slice, slice, slice]
    at_volume_edge: tuple[bool, bool, bool, bool, bool, bool]  # k0, k1, r0, r1, c0, c1

    @property
    def origin(self) -> tuple[int, int, int]:
        """The (slice, row, column) of the crop's first voxel in the volume."""
        k, r, c = self.index
        return int(k.start), int(r.start), int(c.start)


def crop_around(shape: tuple[int, ...], seed_krc: tuple[int, int, int],
                spacing_mm: tuple[float, float, float]) -> Crop:
    """The crop of CROP_HALF_MM around *seed_krc*, clipped to the volume."""
    half_plane, half_z = CROP_HALF_MM
    halves = (half_z / spacing_mm[0], half_plane / spacing_mm[1], half_plane / spacing_mm[2])
    index, edges = [], []
    for n, centre, half in zip(shape, seed_krc, halves, strict=True):
        lo, hi = centre - max(1, int(half)), centre + max(1, int(half)) + 1
        index.append(slice(max(lo, 0), min(hi, n)))
        edges.extend([lo <= 0, hi >= n])
    return Crop((index[0], index[1], index[2]),
                (edges[0], edges[1], edges[2], edges[3], edges[4], edges[5]))


def smooth_in_plane(values: np.ndarray) -> np.ndarray:
    """The 3 × 3 in-plane mean of each slice (edges repeated), as float32."""
    padded = np.pad(values.astype(np.float32), ((0, 0), (1, 1), (1, 1)), mode="edge")
    rows = padded[:, :-2, :] + padded[:, 1:-1, :] + padded[:, 2:, :]
    smoothed: np.ndarray = (rows[:, :, :-2] + rows[:, :, 1:-1] + rows[:, :, 2:]) \
        * np.float32(1 / 9)
    return smoothed


def dilate_in_plane(mask: np.ndarray, radius: int) -> np.ndarray:
    """*mask* dilated by a (2 radius + 1)² square on each slice."""
    out = mask.copy()
    for axis in (1, 2):
        grown = out.copy()
        for step in range(1, radius + 1):
            grown[(slice(None),) * axis + (slice(step, None),)] |= \
                out[(slice(None),) * axis + (slice(None, -step),)]
            grown[(slice(None),) * axis + (slice(None, -step),)] |= \
                out[(slice(None),) * axis + (slice(step, None),)]
        out = grown
    return out


def label_components(mask: np.ndarray) -> np.ndarray:
    """6-connected components of a 3-D *mask*: a label per voxel, -1 outside it.

    Vectorised union-find: every edge between two mask voxels hooks the larger root onto
    the smaller, then pointer jumping flattens the trees, until nothing changes
    (Shiloach & Vishkin 1982). Labels are the smallest flat index of each component.
    """
    flat = mask.ravel()
    where = np.flatnonzero(flat)
    position = np.full(flat.size, -1, dtype=np.int64)
    position[where] = np.arange(len(where))
    pairs = []
    strides = (mask.shape[1] * mask.shape[2], mask.shape[2], 1)  # of the raveled copy
    for axis in range(3):
        lead = [slice(None)] * 3
        trail = [slice(None)] * 3
        lead[axis], trail[axis] = slice(None, -1), slice(1, None)
        both = mask[tuple(lead)] & mask[tuple(trail)]
        first = np.ravel_multi_index(np.nonzero(both), mask.shape)
        pairs.append((position[first], position[first + strides[axis]]))
    u = np.concatenate([p[0] for p in pairs])
    v = np.concatenate([p[1] for p in pairs])
    parent = np.arange(len(where))
    while True:
        pu, pv = parent[u], parent[v]
        differ = pu != pv
        if not differ.any():
            break
        lo, hi = np.minimum(pu[differ], pv[differ]), np.maximum(pu[differ], pv[differ])
        np.minimum.at(parent, hi, lo)
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    labels = np.full(flat.size, -1, dtype=np.int64)
    labels[where] = where[parent]
    return labels.reshape(mask.shape)


@dataclass(frozen=True, slots=True)
class Background:
    """The liver around the lesion: its level and the noise of the smoothed image."""

    level: float
    sigma: float

    @property
    def threshold(self) -> float:
        """The least difference a lesion voxel has from the background at first."""
        return max(NOISE_MULTIPLE * self.sigma, MIN_CONTRAST_HU)


def _robust(values: np.ndarray) -> Background:
    level = float(np.median(values))
    sigma = 1.4826 * float(np.median(np.abs(values - level)))  # MAD as a normal σ
    return Background(level, sigma)


def disc_background(smoothed: np.ndarray, seed: tuple[int, int, int],
                    spacing_mm: tuple[float, float, float]) -> Background | None:
    """The liver-like mode in a disc of BACKGROUND_DISC_MM on the seed's slice and its
    neighbours; None when too few liver-range voxels are there."""
    k, r, c = seed
    rows, cols = np.ogrid[:smoothed.shape[1], :smoothed.shape[2]]
    disc = ((rows - r) * spacing_mm[1]) ** 2 + ((cols - c) * spacing_mm[2]) ** 2 \
        <= BACKGROUND_DISC_MM ** 2
    values = smoothed[max(k - 1, 0):k + 2][:, disc].ravel()
    values = values[(values >= LIVER_HU[0]) & (values <= LIVER_HU[1])]
    if len(values) < 50:
        return None
    counts, edges = np.histogram(values, bins=np.arange(LIVER_HU[0], LIVER_HU[1] + 4, 4.0))
    # The mode of a lightly smoothed histogram: the tissue most of the disc is.
    peak = int(np.argmax(np.convolve(counts, np.ones(3), mode="same")))
    mode = (edges[peak] + edges[peak + 1]) / 2
    near = values[np.abs(values - mode) <= 20.0]
    return _robust(near) if len(near) >= 20 else None


def shell_background(smoothed: np.ndarray, region: np.ndarray, first: Background,
                     spacing_mm: tuple[float, float, float]
                     ) -> tuple[Background, float, np.ndarray]:
    """The background from a shell SHELL_MM outside *region* (in-plane), keeping voxels
    near the first estimate (so a vessel or fat in the shell does not move it).

    Returns the background, the fraction of the shell that is liver-like (within the
    first threshold of it: a lesion seen all round against liver is one to trust), and
    the liver-like shell voxels as a mask.
    """
    inner = max(1, round(SHELL_MM[0] / spacing_mm[1]))
    outer = max(inner + 1, round(SHELL_MM[1] / spacing_mm[1]))
    shell = dilate_in_plane(region, outer) & ~dilate_in_plane(region, inner)
    values = smoothed[shell]
    liver_like = np.zeros_like(shell)
    liver_like[shell] = np.abs(values - first.level) <= first.threshold
    fraction = float(liver_like.sum()) / max(1, len(values))
    near = values[np.abs(values - first.level) <= max(3 * first.threshold, 30.0)]
    if len(near) < 20:
        return first, fraction, liver_like
    refined = _robust(near)
    return Background(refined.level, max(refined.sigma, 1.0)), fraction, liver_like


@dataclass(frozen=True, slots=True)
class Lesion:
    """The grown lesion in crop coordinates, with the levels of its classes."""

    total: np.ndarray        # the whole lesion (bool, crop shape)
    hyper: np.ndarray        # arterially hyperenhancing voxels of it
    background: Background
    hyper_level: float | None   # median of the hyperenhancing core
    hypo_level: float | None    # median of the non-enhancing core
    touches_crop: bool


def grow(raw: np.ndarray, smoothed: np.ndarray, seed: tuple[int, int, int],
         background: Background, crop: Crop,
         levels: tuple[float | None, float | None] = (None, None)) -> Lesion | None:
    """The lesion holding *seed* (crop coordinates), or None when the seed is no lesion.

    *levels* are the hyper- and hypo-class medians of an earlier pass; the thresholds are
    then half-way between them and the background. Two guards keep the region from
    running along the liver's surface, where the smoothed value passes through a
    lesion's range on its way from liver to fat: voxels next to fat, air or bone are no
    lesion voxels, and the region is opened (eroded by a pixel, the seed's component
    kept, grown back by RECONSTRUCT_PX inside the lesion voxels), which cuts bridges one
    or two pixels thin.
    """
    bg, t = background.level, background.threshold
    hyper_cut = bg + t if levels[0] is None else max(bg + t, (bg + levels[0]) / 2)
    hypo_cut = bg - t if levels[1] is None else min(bg - t, (bg + levels[1]) / 2)
    in_range = (smoothed >= LESION_HU[0]) & (smoothed <= LESION_HU[1])
    in_range &= ~dilate_in_plane((raw < LESION_HU[0]) | (raw > LESION_HU[1]), 1)
    hyper = in_range & (smoothed >= hyper_cut)
    hypo = in_range & (smoothed <= hypo_cut)
    bridge = in_range & dilate_in_plane(hyper, BRIDGE_PX) & dilate_in_plane(hypo, BRIDGE_PX)
    lesion_like = hyper | hypo | bridge
    core = ~dilate_in_plane(~lesion_like, 1)
    start = _nearest_in(core, seed)
    if start is None:
        return None
    labels = label_components(core)
    total = labels == labels[start]
    for _ in range(RECONSTRUCT_PX):  # geodesic dilation: back what the erosion took, and
        total = dilate_in_plane(total, 1) & lesion_like  # a thin rim (a necrotic cap)
    hyper_core = smoothed[total & (smoothed >= bg + 2 * t)]
    hypo_core = smoothed[total & (smoothed <= bg - 2 * t)]
    return Lesion(
        total=total,
        hyper=total & hyper,
        background=background,
        hyper_level=float(np.median(hyper_core)) if len(hyper_core) >= 4 else None,
        hypo_level=float(np.median(hypo_core)) if len(hypo_core) >= 4 else None,
        touches_crop=_touches_inner_sides(total, crop),
    )


def _nearest_in(mask: np.ndarray, seed: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """*seed* if in *mask*, else the nearest mask pixel on its slice within 2 pixels (a
    click on the thin band where viable meets necrosis)."""
    k, r, c = seed
    if mask[k, r, c]:
        return seed
    best: tuple[int, tuple[int, int, int]] | None = None
    for dr in range(-2, 3):
        for dc in range(-2, 3):
            rr, cc = r + dr, c + dc
            if 0 <= rr < mask.shape[1] and 0 <= cc < mask.shape[2] and mask[k, rr, cc]:
                d = dr * dr + dc * dc
                if best is None or d < best[0]:
                    best = (d, (k, rr, cc))
    return None if best is None else best[1]


def _touches_inner_sides(region: np.ndarray, crop: Crop) -> bool:
    """True when *region* reaches a side of the crop that is not the volume's own."""
    sides = (region[0], region[-1], region[:, 0], region[:, -1], region[:, :, 0],
             region[:, :, -1])
    return any(side.any() and not edge for side, edge in zip(sides, crop.at_volume_edge,
                                                                strict=True))


def components(mask: np.ndarray) -> list[np.ndarray]:
    """The 6-connected components of *mask*, largest first."""
    labels = label_components(mask)
    found, counts = np.unique(labels[labels >= 0], return_counts=True)
    return [labels == found[i] for i in np.argsort(-counts)]
