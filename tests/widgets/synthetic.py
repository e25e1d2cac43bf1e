"""Small synthetic volumes for widget tests."""

from __future__ import annotations

import numpy as np

from core.model.imaging import Modality, Phase
from core.model.volume import Volume


def make_volume(n_slices: int = 20, spacing_z: float = 2.5, size: int = 64,
                pixel_mm: float = 0.75, phase: Phase = Phase.ARTERIAL,
                z_top: float = 0.0) -> Volume:
    """An axial volume whose voxel value encodes its slice index (value = 10 * k)."""
    voxels = np.repeat(np.arange(n_slices, dtype=np.float32)[:, None, None] * 10, size, axis=1)
    voxels = np.repeat(voxels, size, axis=2)
    voxels[:, size // 4: size // 2, size // 4: size // 2] += 500  # a bright block
    affine = np.eye(4)
    affine[:3, 0] = (0.0, 0.0, -spacing_z)  # head first
    affine[:3, 1] = (0.0, pixel_mm, 0.0)
    affine[:3, 2] = (pixel_mm, 0.0, 0.0)
    half = (size - 1) * pixel_mm / 2  # pixel centres, symmetric about x = y = 0
    affine[:3, 3] = (-half, -half, z_top)
    return Volume(
        voxels=voxels,
        affine=affine,
        spacing_mm=(spacing_z, pixel_mm, pixel_mm),
        sop_instance_uids=tuple(f"1.2.3.{phase.value}.{k}" for k in range(n_slices)),
        series_instance_uid=f"1.2.3.{phase.value}",
        study_instance_uid="1.2.3",
        modality=Modality.CT,
        phase=phase,
        series_description=f"test {phase.value}",
        window=(40.0, 400.0),
    )
