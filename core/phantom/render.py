"""Turn a label volume into the stored pixel values of one contrast phase."""

from __future__ import annotations

import numpy as np

from core.model.imaging import Modality, Phase
from core.phantom.tissues import Tissue, lookup_table, texture_table

# Image noise (standard deviation). 9 HU is a standard-dose abdominal CT at 2.5 mm; the MR
# value gives a signal-to-noise ratio of about 40 in enhanced liver.
CT_NOISE_HU = 9.0
MR_NOISE = 16.0

# CT is stored as unsigned 12-bit values with RescaleIntercept -1024, as many scanners do.
CT_RESCALE_INTERCEPT = -1024.0
STORED_MAX = 4095


def soften_in_plane(values: np.ndarray) -> np.ndarray:
    """Blur each slice with a separable [1, 2, 1] / 4 kernel: the scanner's point spread.

    Edges become two-pixel ramps centred where they were, so a threshold halfway between
    two tissues still finds the true boundary.
    """
    padded = np.pad(values, ((0, 0), (1, 1), (1, 1)), mode="edge")
    rows = padded[:, :-2, :] + 2 * padded[:, 1:-1, :] + padded[:, 2:, :]
    blurred: np.ndarray = (rows[:, :, :-2] + 2 * rows[:, :, 1:-1] + rows[:, :, 2:]) \
        * np.float32(1 / 16)
    return blurred


def render_phase(
    labels: np.ndarray,
    texture: np.ndarray,
    modality: Modality,
    phase: Phase,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stored pixel values (uint16, slices × rows × columns) of *phase*.

    CT noise is Gaussian inside the body only, so the air around the patient compresses
    well; MR magnitude images get Rician noise everywhere, as real magnitude data has.
    """
    values = lookup_table(modality, phase)[labels]
    values += texture_table(modality)[labels] * texture
    values = soften_in_plane(values)
    if modality is Modality.CT:
        noise = rng.standard_normal(labels.shape, dtype=np.float32) * CT_NOISE_HU
        values += np.where(labels != Tissue.AIR, noise, np.float32(0))
        values -= CT_RESCALE_INTERCEPT
    else:
        real = values + rng.standard_normal(labels.shape, dtype=np.float32) * MR_NOISE
        imag = rng.standard_normal(labels.shape, dtype=np.float32) * MR_NOISE
        values = np.hypot(real, imag)
    stored: np.ndarray = np.clip(np.rint(values), 0, STORED_MAX).astype(np.uint16)
    return stored
