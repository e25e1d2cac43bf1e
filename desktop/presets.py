"""Window/level presets, read from the JSON shipped in ``resources``."""

from __future__ import annotations

import json
from importlib import resources

from core.model.display import WindowLevel, WindowPreset

PRESETS_FILE = "window_presets.json"


def load_window_presets() -> tuple[WindowPreset, ...]:
    """The presets shipped with the application, in menu order."""
    text = resources.files("resources").joinpath(PRESETS_FILE).read_text(encoding="utf-8")
    return tuple(
        WindowPreset(p["name"], WindowLevel(float(p["centre"]), float(p["width"])),
                     p.get("shortcut", ""), p.get("modality", "CT"))
        for p in json.loads(text)["presets"]
    )
