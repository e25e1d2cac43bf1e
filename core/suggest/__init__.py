"""Suggested diameters: an assist that proposes viable and total calipers, never saves them.

Pure numpy on a loaded :class:`~core.model.volume.Volume` (docs/suggest.md).
"""

from core.suggest.api import declined_both, suggest_diameters
from core.suggest.types import (
    Declined,
    DeclineReason,
    SuggestedDiameter,
    Suggestion,
    Suggestions,
)

__all__ = [
    "DeclineReason",
    "Declined",
    "SuggestedDiameter",
    "Suggestion",
    "Suggestions",
    "declined_both",
    "suggest_diameters",
]
