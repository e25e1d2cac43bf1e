"""The phantom's abdomen: body wall, organs, vessels and spine as a label volume.

Shapes are painted in order, later ones over earlier ones, each only where the tissue it
may displace lies (``within``), which is how organs stay inside the body wall and lesions
inside the liver. Positions are patient LPS millimetres; ``zc`` is the centre of the
scanned range (:data:`core.phantom.grid.COVERAGE_CENTRE_Z_MM`).
"""

from __future__ import annotations

import math

import numpy as np

from core.phantom.grid import COVERAGE_CENTRE_Z_MM, ImageGrid
from core.phantom.shapes import Capsule, Ellipsoid, EllipticCylinder, Shape, paint
from core.phantom.tissues import Tissue

T = Tissue
zc = COVERAGE_CENTRE_Z_MM
ALL_Z = (zc - 400.0, zc + 400.0)
INSIDE_ABDOMEN = (T.VISCERAL_FAT,)

# Portal venous tree: trunk from the splenoportal confluence to the hilum, then branches.
PORTAL_CONFLUENCE = (0.0, 24.0, zc - 30.0)
PORTAL_HILUM = (-35.0, 6.0, zc - 6.0)
PORTAL_RIGHT_END = (-88.0, 12.0, zc + 12.0)
PORTAL_LEFT_END = (8.0, -28.0, zc + 14.0)
PORTAL_TRUNK_RADIUS_MM = 7.5
PORTAL_RIGHT_RADIUS_MM = 5.5


def _ribs() -> list[tuple[Shape, Tissue, tuple[Tissue, ...] | None]]:
    steps: list[tuple[Shape, Tissue, tuple[Tissue, ...] | None]] = []
    for angle in (148, 163, 178, 193, 208, 330, 345, 0, 15, 30):
        a = math.radians(angle)
        centre = (146.0 * math.cos(a), 10.0 + 103.0 * math.sin(a))
        z_range = (zc - 20.0 - abs(math.sin(a)) * 30.0, zc + 400.0)
        steps.append((EllipticCylinder(centre, (7.0, 4.5), z_range, angle + 90), T.CORTICAL_BONE,
                      (T.MUSCLE, T.VISCERAL_FAT)))
        steps.append((EllipticCylinder(centre, (4.5, 2.2), z_range, angle + 90), T.MARROW,
                      (T.CORTICAL_BONE,)))
    return steps


def anatomy_steps() -> list[tuple[Shape, Tissue, tuple[Tissue, ...] | None]]:
    """The painting steps of the normal abdomen: (shape, tissue, only-over) in order."""
    body = (0.0, 10.0)
    return [
        (EllipticCylinder((0.0, 143.0), (210.0, 5.0), ALL_Z), T.TABLE, None),
        (EllipticCylinder(body, (168.0, 122.0), ALL_Z), T.SUBCUTANEOUS_FAT, None),
        (EllipticCylinder(body, (152.0, 108.0), ALL_Z), T.MUSCLE, (T.SUBCUTANEOUS_FAT,)),
        (EllipticCylinder(body, (141.0, 98.0), ALL_Z), T.VISCERAL_FAT, (T.MUSCLE,)),
        # Paraspinal muscles and psoas, the posterior body wall.
        (EllipticCylinder((-40.0, 98.0), (26.0, 20.0), ALL_Z), T.MUSCLE, None),
        (EllipticCylinder((40.0, 98.0), (26.0, 20.0), ALL_Z), T.MUSCLE, None),
        *_ribs(),
        (Ellipsoid((-74.0, 64.0, zc - 58.0), (27.0, 22.0, 52.0), 25.0), T.KIDNEY, INSIDE_ABDOMEN),
        (Ellipsoid((76.0, 66.0, zc - 45.0), (27.0, 22.0, 52.0), -25.0), T.KIDNEY, INSIDE_ABDOMEN),
        (Ellipsoid((92.0, 42.0, zc + 22.0), (58.0, 26.0, 50.0), 60.0), T.SPLEEN, INSIDE_ABDOMEN),
        (Ellipsoid((58.0, -28.0, zc + 28.0), (40.0, 30.0, 40.0), 30.0), T.STOMACH,
         INSIDE_ABDOMEN),
        (Ellipsoid((58.0, -48.0, zc + 34.0), (30.0, 13.0, 28.0), 30.0), T.GAS, (T.STOMACH,)),
        (Capsule((-18.0, 14.0, zc - 30.0), (72.0, 24.0, zc - 14.0), 11.0), T.PANCREAS,
         INSIDE_ABDOMEN),
        (Ellipsoid((-62.0, 6.0, zc + 15.0), (80.0, 72.0, 76.0), 0.0), T.LIVER, INSIDE_ABDOMEN),
        (Ellipsoid((8.0, -40.0, zc + 36.0), (64.0, 32.0, 42.0), -15.0), T.LIVER,
         INSIDE_ABDOMEN),
        (Ellipsoid((-26.0, -46.0, zc - 26.0), (14.0, 19.0, 28.0), 20.0), T.GALLBLADDER,
         (T.LIVER, T.VISCERAL_FAT)),
        # Great vessels: the aorta left-anterior of the spine, the IVC to its right, which
        # runs through the liver's bare area on its way to the right atrium.
        (EllipticCylinder((18.0, 42.0), (11.0, 11.0), ALL_Z), T.AORTA, None),
        (EllipticCylinder((-24.0, 40.0), (13.0, 11.0), (zc - 400.0, zc + 75.0)), T.IVC, None),
        (Capsule(PORTAL_CONFLUENCE, PORTAL_HILUM, PORTAL_TRUNK_RADIUS_MM), T.PORTAL_VEIN,
         (T.LIVER, T.VISCERAL_FAT, T.PANCREAS)),
        (Capsule(PORTAL_HILUM, PORTAL_RIGHT_END, PORTAL_RIGHT_RADIUS_MM), T.PORTAL_VEIN,
         (T.LIVER,)),
        (Capsule(PORTAL_HILUM, PORTAL_LEFT_END, 4.5), T.PORTAL_VEIN, (T.LIVER,)),
        (Capsule(PORTAL_CONFLUENCE, (74.0, 38.0, zc - 6.0), 4.5), T.PORTAL_VEIN,
         (T.VISCERAL_FAT, T.PANCREAS)),
        # Lumbar spine: vertebral body, posterior arch, canal.
        (EllipticCylinder((0.0, 76.0), (22.0, 19.0), ALL_Z), T.CORTICAL_BONE, None),
        (EllipticCylinder((0.0, 76.0), (19.0, 16.0), ALL_Z), T.MARROW, None),
        (EllipticCylinder((0.0, 108.0), (20.0, 12.0), ALL_Z), T.CORTICAL_BONE, None),
        (EllipticCylinder((0.0, 108.0), (15.0, 7.0), ALL_Z), T.MARROW, None),
        (EllipticCylinder((0.0, 101.0), (9.0, 8.0), ALL_Z), T.SPINAL_CANAL, None),
    ]


def paint_anatomy(grid: ImageGrid) -> np.ndarray:
    """A label volume (slices, rows, columns) of the normal abdomen on *grid*."""
    labels = np.zeros((grid.n_slices, grid.rows, grid.columns), dtype=np.uint8)
    for shape, tissue, within in anatomy_steps():
        paint(labels, grid, shape, tissue, within)
    return labels


def texture_field(grid: ImageGrid, seed: int) -> np.ndarray:
    """A smooth random field in [-1, 1] over *grid*: parenchymal inhomogeneity.

    A sum of separable cosine products keeps it cheap (three 1-D arrays per term) while
    looking like the slow mottling of real liver and spleen parenchyma.
    """
    rng = np.random.default_rng(seed)
    field = np.zeros((grid.n_slices, grid.rows, grid.columns), dtype=np.float32)
    xs, ys, zs = grid.x_mm, grid.y_mm, grid.z_mm
    n_terms = 4
    for _ in range(n_terms):
        kx, ky, kz = 2 * np.pi / rng.uniform(18.0, 70.0, size=3)
        px, py, pz = rng.uniform(0, 2 * np.pi, size=3)
        term = np.cos(kz * zs + pz).astype(np.float32)[:, None, None]
        term = term * np.cos(ky * ys + py).astype(np.float32)[None, :, None]
        field += term * np.cos(kx * xs + px).astype(np.float32)[None, None, :]
    field *= 1.6 / n_terms
    return field
