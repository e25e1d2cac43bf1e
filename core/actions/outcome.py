"""What a reading action returns: the changed value, the updated read and its result.

A screen redraws from it without asking the store again: the read as it now is, the
engine's result through the timepoints the change touched, or the problems that keep the
read from being evaluated (and signed) yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from core.criteria import Problem, Result
from core.model.reading import Read

T = TypeVar("T")


@dataclass(frozen=True)
class ReadUpdate(Generic[T]):
    """The outcome of one action on a read.

    Attributes
    ----------
    value
        What the action made or changed: the new ``Lesion``, the saved ``Measurement``,
        the ``Signature``; ``None`` for removals.
    read
        The whole read after the change.
    through
        How many timepoints ``result`` covers (``core.reading.evaluation_through``).
    result
        The engine's result of those timepoints, or ``None`` while it cannot be evaluated.
    problems
        Why it cannot be evaluated yet (each names its place in the case); empty when it
        can. A timepoint is signed only without problems.
    """

    value: T
    read: Read
    through: int
    result: Result | None
    problems: tuple[Problem, ...] = ()

    @property
    def is_evaluable(self) -> bool:
        """True when the engine decided the read (the timepoint could be signed)."""
        return self.result is not None
