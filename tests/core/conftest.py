"""Fixtures shared by the DICOM and store tests of import safety (issue #10)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

MIB = 1024**2


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3 MB zip archive holding 2 × 1.5 GiB of zeros, deflated as they are streamed in.

    Written once per session (about 10 s on two cores); tests copy it before changing it.
    """
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    chunk = bytes(MIB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("IM1", "IM2"):
            with archive.open(name, "w") as member:
                for _ in range(1536):
                    member.write(chunk)
    assert path.stat().st_size < 4 * MIB
    return path
