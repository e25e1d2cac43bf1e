"""What a suggestion is: plain frozen values the GUI shows as dashed calipers, or a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.model.reading import MeasurementKind


class DeclineReason(StrEnum):
    """Why no diameter is suggested. The reader then measures by hand, as always."""

    NOT_ARTERIAL = "not_arterial"              # mRECIST measures on the arterial phase
    UNSUPPORTED_MODALITY = "unsupported_modality"  # thresholds are in HU: CT only
    NOT_MEASURABLE = "not_measurable"          # no PixelSpacing: no millimetres
    SEED_OUTSIDE_VOLUME = "seed_outside_volume"
    NO_LIVER_BACKGROUND = "no_liver_background"  # around the point is not liver-like tissue
    NO_LESION_AT_SEED = "no_lesion_at_seed"    # the point looks like its surroundings
    LEAKS = "leaks"                            # the region runs far beyond a lesion
    TOO_SMALL = "too_small"
    NO_VIABLE_TISSUE = "no_viable_tissue"      # nothing enhancing: necrotic, or too faint


@dataclass(frozen=True, slots=True)
class SuggestedDiameter:
    """A proposed longest in-plane diameter on one arterial slice, never saved by itself.

    ``start_rc``/``end_rc`` are (row, column) on slice ``slice_index`` of the arterial
    volume, fractional (the ends sit on the edge found between pixels); ``start_xyz`` and
    ``end_xyz`` the same points in patient LPS mm. To keep it, the GUI measures the same
    ends with ``core.geometry.measure_caliper(plane_of_slice(volume, slice_index), ...)``
    and saves that caliper like any other. ``confidence`` is a heuristic in [0, 1]
    (docs/suggest.md), not a calibrated probability.
    """

    kind: MeasurementKind
    slice_index: int
    sop_instance_uid: str
    frame: int
    start_rc: tuple[float, float]
    end_rc: tuple[float, float]
    start_xyz: tuple[float, float, float]
    end_xyz: tuple[float, float, float]
    length_mm: float
    confidence: float


@dataclass(frozen=True, slots=True)
class Declined:
    """No suggestion for *kind*: the reason as a code and as one sentence for the reader."""

    kind: MeasurementKind
    reason: DeclineReason
    detail: str


Suggestion = SuggestedDiameter | Declined


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The viable (mRECIST) and total (RECIST 1.1) diameters suggested for one click.

    ``background_hu`` is the surrounding liver's arterial value the lesion was told from
    (None when the suggestion stopped before estimating it); ``notes`` say what was used
    (the portal venous phase or why not).
    """

    viable: Suggestion
    total: Suggestion
    seed_krc: tuple[int, int, int] | None
    background_hu: float | None
    notes: tuple[str, ...] = ()
