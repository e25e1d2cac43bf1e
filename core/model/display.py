"""Display settings that travel between widgets and the application as plain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WindowLevel:
    """A display window: values from ``centre - width/2`` to ``centre + width/2`` span grey."""

    centre: float
    width: float

    def __post_init__(self) -> None:
        if self.width <= 0:
            raise ValueError(f"window width must be positive, got {self.width}")

    @property
    def limits(self) -> tuple[float, float]:
        """(lowest, highest) value shown, black to white."""
        return (self.centre - self.width / 2, self.centre + self.width / 2)


@dataclass(frozen=True, slots=True)
class WindowPreset:
    """A named window a reader selects by key, e.g. "Liver" on key 2."""

    name: str
    window: WindowLevel
    shortcut: str = ""
    modality: str = "CT"
