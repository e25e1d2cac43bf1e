"""Named errors the application catches and shows; ``str()`` names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class CoreError(Exception):
    """Base of every error that ``core`` raises on purpose."""


class DicomImportError(CoreError):
    """A DICOM file or series cannot be used."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason
