"""How scanners of different makes label their series.

Real exports name phases in the site's language and the vendor's habits, so phase
recognition cannot rely on English words. Each style below is modelled on protocol names
seen in public collections (TCIA, LI-RADS technique papers); none is a real site's export.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model.imaging import Modality, Phase

P = Phase


@dataclass(frozen=True, slots=True)
class VendorStyle:
    """Manufacturer tags and series descriptions of one scanner make and site language."""

    manufacturer: str
    model: str
    kernel: str
    descriptions: dict[Phase, str]


CT_STYLES: tuple[VendorStyle, ...] = (
    VendorStyle("SIEMENS", "SOMATOM Definition AS+", "B30f", {
        P.PRE_CONTRAST: "Leber nativ 2.5 B30f",
        P.ARTERIAL: "Leber arteriell 2.5 B30f",
        P.PORTAL_VENOUS: "Leber portalvenös 2.5 B30f",
        P.DELAYED: "Leber Spätphase 2.5 B30f",
    }),
    VendorStyle("GE MEDICAL SYSTEMS", "Revolution CT", "STANDARD", {
        P.PRE_CONTRAST: "NON CON 2.5mm",
        P.ARTERIAL: "LATE ART 2.5mm",
        P.PORTAL_VENOUS: "PV 70s 2.5mm",
        P.DELAYED: "DELAYED 3MIN 2.5mm",
    }),
    VendorStyle("Philips", "IQon - Spectral CT", "B", {
        P.PRE_CONTRAST: "FOIE SANS INJ",
        P.ARTERIAL: "FOIE TEMPS ARTERIEL",
        P.PORTAL_VENOUS: "FOIE TEMPS PORTAL",
        P.DELAYED: "FOIE TEMPS TARDIF",
    }),
    VendorStyle("TOSHIBA", "Aquilion ONE", "FC08", {
        P.PRE_CONTRAST: "Fase sin contraste 2.5",
        P.ARTERIAL: "Fase arterial 2.5",
        P.PORTAL_VENOUS: "Fase portal 2.5",
        P.DELAYED: "Fase de equilibrio 2.5",
    }),
)

MR_STYLES: tuple[VendorStyle, ...] = (
    VendorStyle("SIEMENS", "MAGNETOM Aera", "", {
        P.PRE_CONTRAST: "t1_vibe_fs_tra_bh_pre",
        P.ARTERIAL: "t1_vibe_fs_tra_bh_art",
        P.PORTAL_VENOUS: "t1_vibe_fs_tra_bh_pv",
        P.DELAYED: "t1_vibe_fs_tra_bh_3min",
    }),
    VendorStyle("GE MEDICAL SYSTEMS", "SIGNA Artist", "", {
        P.PRE_CONTRAST: "Ax LAVA-Flex PRE",
        P.ARTERIAL: "Ax LAVA-Flex ART",
        P.PORTAL_VENOUS: "Ax LAVA-Flex PORTAL",
        P.DELAYED: "Ax LAVA-Flex DELAY",
    }),
)

# The series description of an MR dynamic series that holds all phases.
MR_DYNAMIC_DESCRIPTIONS = ("t1_vibe_fs_tra_bh_dyn", "Ax LAVA-Flex MULTIPHASE")

# Seconds after the start of the contrast injection at which each phase is acquired: late
# arterial at ~35 s (CT) or ~20 s (MR bolus tracking), portal venous at 70 s, delayed at 3 min.
PHASE_DELAY_S: dict[Modality, dict[Phase, int]] = {
    Modality.CT: {P.PRE_CONTRAST: -120, P.ARTERIAL: 35, P.PORTAL_VENOUS: 70, P.DELAYED: 180},
    Modality.MR: {P.PRE_CONTRAST: -90, P.ARTERIAL: 20, P.PORTAL_VENOUS: 60, P.DELAYED: 180},
}

CONTRAST_AGENT = {Modality.CT: "Iomeprol 400 mgI/mL", Modality.MR: "Gadoterate meglumine"}
CONTRAST_INGREDIENT = {Modality.CT: "IODINE", Modality.MR: "GADOLINIUM"}
CONTRAST_VOLUME_ML = {Modality.CT: 100.0, Modality.MR: 15.0}


def style_for(modality: Modality, index: int) -> VendorStyle:
    """The vendor style number *index* (wrapping around) for *modality*."""
    styles = CT_STYLES if modality is Modality.CT else MR_STYLES
    return styles[index % len(styles)]
