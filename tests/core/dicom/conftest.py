"""Small synthetic DICOM files with exactly the geometry a test needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)

WriteImage = Callable[..., Path]


def image_dataset(
    position: Sequence[float] | None = (0.0, 0.0, 0.0),
    orientation: Sequence[float] | None = AXIAL,
    pixel_spacing: Sequence[float] | None = (0.5, 0.8),
    pixels: np.ndarray | None = None,
    series_uid: str = "1.2.3.4",
    study_uid: str = "1.2.3",
    **attributes: object,
) -> Dataset:
    """A minimal but complete CT image: 8 × 6 int16 pixels unless *pixels* says otherwise."""
    pixels = np.arange(48, dtype=np.int16).reshape(8, 6) if pixels is None else pixels
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.Modality = "CT"
    ds.PatientID = "P1"
    ds.StudyInstanceUID = study_uid
    ds.StudyDate = "20240101"
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = 1
    ds.SeriesDescription = "Arterial"
    if position is not None:
        ds.ImagePositionPatient = list(position)
    if orientation is not None:
        ds.ImageOrientationPatient = list(orientation)
    if pixel_spacing is not None:
        ds.PixelSpacing = list(pixel_spacing)
    ds.SliceThickness = 1
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
    ds.RescaleSlope = 1
    ds.RescaleIntercept = 0
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.tobytes()
    return ds


@pytest.fixture
def write_image(tmp_path: Path) -> WriteImage:
    """Write one synthetic image under tmp_path; keyword arguments as :func:`image_dataset`."""
    counter = iter(range(10**6))

    def write(folder: Path | None = None, name: str | None = None, **kwargs: object) -> Path:
        target = (folder or tmp_path) / (name or f"IM{next(counter):05d}")
        target.parent.mkdir(parents=True, exist_ok=True)
        image_dataset(**kwargs).save_as(target, enforce_file_format=True)  # type: ignore[arg-type]
        return target

    return write


@pytest.fixture
def make_dataset() -> Callable[..., Dataset]:
    """:func:`image_dataset`, for tests that change a dataset before writing it."""
    return image_dataset


@pytest.fixture
def testdata() -> Callable[[str], Path]:
    """A pydicom test file by name; the test is skipped when it is not installed.

    About half the files these tests use ship in the ``pydicom-data`` package, not in
    pydicom itself; without it pydicom would try to download them, which tests never do.
    """

    def find(name: str) -> Path:
        path = get_testdata_file(name, download=False)
        if path is None:
            pytest.skip(f"{name} is in the pydicom-data package, which is not installed")
        return Path(path)  # type: ignore[arg-type]

    return find
