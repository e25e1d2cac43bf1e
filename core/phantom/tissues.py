"""Tissue classes of the phantom and how bright each is in every contrast phase.

CT values are Hounsfield units of a typical late-arterial / portal-venous / 3-minute
delayed liver protocol (LI-RADS v2018 CT/MRI technical recommendations; Lencioni & Llovet
2010 for the HCC pattern: arterial-phase hyperenhancement, washout in the portal venous
and delayed phases). MR values are arbitrary signal units of a fat-suppressed 3D T1
gradient echo before and after an extracellular gadolinium agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from core.model.imaging import Modality, Phase

CONTRAST_PHASES: tuple[Phase, ...] = (
    Phase.PRE_CONTRAST,
    Phase.ARTERIAL,
    Phase.PORTAL_VENOUS,
    Phase.DELAYED,
)


class Tissue(IntEnum):
    """Label values of the phantom's label volume."""

    AIR = 0
    TABLE = 1
    SUBCUTANEOUS_FAT = 2
    MUSCLE = 3
    VISCERAL_FAT = 4
    LIVER = 5
    SPLEEN = 6
    KIDNEY = 7
    STOMACH = 8
    GAS = 9
    GALLBLADDER = 10
    AORTA = 11
    IVC = 12
    PORTAL_VEIN = 13
    CORTICAL_BONE = 14
    MARROW = 15
    SPINAL_CANAL = 16
    LYMPH_NODE = 17
    TUMOUR_THROMBUS = 18
    HCC_VIABLE = 19          # arterial hyperenhancement with washout (typical HCC)
    NECROSIS = 20            # no enhancement in any phase
    ATYPICAL_NODULE = 21     # no arterial hyperenhancement, no washout (equivocal)
    PANCREAS = 22


@dataclass(frozen=True, slots=True)
class Appearance:
    """Mean value per phase (pre, arterial, portal venous, delayed) and texture amplitude."""

    ct_hu: tuple[float, float, float, float]
    mr_signal: tuple[float, float, float, float]
    texture: float = 0.0  # amplitude of the smooth parenchymal texture, in the same units

    def value(self, modality: Modality, phase: Phase) -> float:
        """Mean value of this tissue in *phase* on *modality*."""
        values = self.ct_hu if modality is Modality.CT else self.mr_signal
        return values[CONTRAST_PHASES.index(phase)]


APPEARANCE: dict[Tissue, Appearance] = {
    Tissue.AIR: Appearance((-1000, -1000, -1000, -1000), (0, 0, 0, 0)),
    Tissue.TABLE: Appearance((250, 250, 250, 250), (0, 0, 0, 0)),
    Tissue.SUBCUTANEOUS_FAT: Appearance((-105, -105, -100, -100), (140, 140, 150, 150), 4),
    Tissue.MUSCLE: Appearance((50, 58, 65, 62), (330, 380, 420, 410), 3),
    Tissue.VISCERAL_FAT: Appearance((-95, -95, -92, -92), (150, 150, 160, 160), 4),
    Tissue.LIVER: Appearance((58, 72, 112, 96), (520, 600, 820, 760), 5),
    Tissue.SPLEEN: Appearance((48, 125, 118, 100), (420, 900, 800, 720), 22),
    Tissue.KIDNEY: Appearance((32, 190, 165, 130), (380, 1300, 1050, 900), 12),
    Tissue.STOMACH: Appearance((18, 22, 25, 24), (260, 300, 330, 320)),
    Tissue.GAS: Appearance((-900, -900, -900, -900), (10, 10, 10, 10)),
    Tissue.GALLBLADDER: Appearance((8, 8, 8, 8), (180, 180, 180, 180)),
    Tissue.AORTA: Appearance((42, 310, 165, 125), (300, 2100, 1100, 900)),
    Tissue.IVC: Appearance((40, 85, 150, 130), (300, 500, 1050, 900)),
    Tissue.PORTAL_VEIN: Appearance((40, 110, 185, 135), (300, 700, 1200, 950)),
    Tissue.CORTICAL_BONE: Appearance((750, 750, 760, 760), (60, 60, 60, 60)),
    Tissue.MARROW: Appearance((230, 235, 245, 240), (260, 280, 300, 300)),
    Tissue.SPINAL_CANAL: Appearance((12, 12, 12, 12), (120, 120, 120, 120)),
    Tissue.LYMPH_NODE: Appearance((42, 70, 85, 78), (400, 600, 700, 650)),
    # Tumour thrombus enhances in the arterial phase like the parent tumour and shows as a
    # filling defect in the opacified portal vein (Lencioni & Llovet 2010).
    Tissue.TUMOUR_THROMBUS: Appearance((42, 120, 92, 80), (420, 1000, 650, 560)),
    # Typical HCC: arterial ≥ liver + 50 HU, then hypodense to liver (washout).
    Tissue.HCC_VIABLE: Appearance((42, 155, 92, 78), (420, 1150, 620, 540)),
    Tissue.NECROSIS: Appearance((18, 18, 18, 18), (200, 200, 200, 200)),
    Tissue.ATYPICAL_NODULE: Appearance((52, 66, 105, 92), (480, 560, 780, 730)),
    Tissue.PANCREAS: Appearance((42, 110, 95, 80), (500, 900, 750, 650), 6),
}

# Readers expect some anatomy with its own default window; the DICOM header carries these.
CT_WINDOWS: tuple[tuple[float, float, str], ...] = (
    (40.0, 400.0, "ABDOMEN"),
    (70.0, 160.0, "LIVER"),
)


def lookup_table(modality: Modality, phase: Phase) -> np.ndarray:
    """Value of every label in *phase*, indexable by a label volume."""
    table = np.zeros(max(Tissue) + 1, dtype=np.float32)
    for tissue, appearance in APPEARANCE.items():
        table[tissue] = appearance.value(modality, phase)
    return table


def texture_table(modality: Modality) -> np.ndarray:
    """Texture amplitude of every label, scaled to *modality*'s units."""
    scale = 1.0 if modality is Modality.CT else 6.0
    table = np.zeros(max(Tissue) + 1, dtype=np.float32)
    for tissue, appearance in APPEARANCE.items():
        table[tissue] = appearance.texture * scale
    return table
