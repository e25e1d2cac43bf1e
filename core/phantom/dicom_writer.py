"""Build DICOM datasets for phantom images: the attributes a real CT or MR export carries.

UIDs are derived from the subject, timepoint and image (``2.25`` UUID-style roots), so the
same scenario always writes byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    UID,
    CTImageStorage,
    ExplicitVRLittleEndian,
    MRImageStorage,
    RLELossless,
)

from core.model.imaging import Modality, Phase
from core.phantom.grid import ImageGrid
from core.phantom.render import CT_RESCALE_INTERCEPT
from core.phantom.tissues import CT_WINDOWS
from core.phantom.vendors import (
    CONTRAST_AGENT,
    CONTRAST_INGREDIENT,
    CONTRAST_VOLUME_ML,
    VendorStyle,
)

IMPLEMENTATION_CLASS_UID = "2.25.227117063616104470592327520262962004803"
IMPLEMENTATION_VERSION = "MRECIST_PHANTOM1"
TRIAL_SPONSOR = "mRECIST Workstation demo"


# Name-based (version 5) UUIDs of our own namespace: the same parts give the same UID.
_UID_NAMESPACE = uuid.UUID("5b1f0c0e-8a55-4a1e-9d2c-6d7265636973")


def make_uid(*parts: object) -> str:
    """A deterministic DICOM UID from *parts*: ``2.25.`` and a name-based UUID as an integer.

    The 2.25 root turns a UUID into a UID (PS3.5 B.2), so no registered root is needed.
    """
    return f"2.25.{uuid.uuid5(_UID_NAMESPACE, '|'.join(str(p) for p in parts)).int}"


def opaque_file_name(sop_instance_uid: str) -> str:
    """A file name that says nothing about order or content, as PACS exports do."""
    return hashlib.sha1(sop_instance_uid.encode()).hexdigest()[:16].upper()


@dataclass(frozen=True, slots=True)
class StudyContext:
    """What every image of one study shares."""

    subject: str
    trial: str
    timepoint_label: str
    study_date: dt.date
    study_uid: str
    frame_of_reference_uid: str
    accession: str
    modality: Modality
    style: VendorStyle
    injection_time: dt.time


@dataclass(frozen=True, slots=True)
class SeriesContext:
    """What every image of one series shares."""

    series_uid: str
    series_number: int
    description: str
    phase: Phase  # of this image; an MR dynamic series holds several
    delay_s: int  # acquisition time after the injection started
    temporal_position: int | None = None
    temporal_positions: int | None = None


def _time(t: dt.time, add_s: int) -> str:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), t) + dt.timedelta(seconds=add_s)
    return moment.strftime("%H%M%S")


def _patient_and_study(ds: Dataset, study: StudyContext) -> None:
    # Trial data are de-identified: the subject code stands in for name and ID.
    ds.PatientName = study.subject
    ds.PatientID = study.subject
    ds.PatientBirthDate = ""
    ds.PatientSex = ""
    ds.PatientIdentityRemoved = "YES"
    ds.ClinicalTrialSponsorName = TRIAL_SPONSOR
    ds.ClinicalTrialProtocolID = study.trial
    ds.ClinicalTrialSiteID = "01"
    ds.ClinicalTrialSubjectID = study.subject
    ds.ClinicalTrialTimePointID = study.timepoint_label
    ds.StudyInstanceUID = study.study_uid
    ds.StudyDate = study.study_date.strftime("%Y%m%d")
    ds.StudyTime = _time(study.injection_time, -600)
    ds.StudyID = "1"
    ds.AccessionNumber = study.accession
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = (
        "CT ABDOMEN LIVER 4 PHASE" if study.modality is Modality.CT else "MR LIVER DYNAMIC"
    )
    ds.Manufacturer = study.style.manufacturer
    ds.ManufacturerModelName = study.style.model
    ds.InstitutionName = "Phantom Imaging Site 01"
    ds.SoftwareVersions = "mrecist-phantom 1"
    ds.FrameOfReferenceUID = study.frame_of_reference_uid
    ds.PositionReferenceIndicator = ""
    ds.BodyPartExamined = "ABDOMEN"
    ds.PatientPosition = "FFS"


def _contrast(ds: Dataset, study: StudyContext, series: SeriesContext) -> None:
    # Scanners fill the contrast module only for images acquired after the injection.
    if series.phase is Phase.PRE_CONTRAST:
        return
    ds.ContrastBolusAgent = CONTRAST_AGENT[study.modality]
    ds.ContrastBolusRoute = "IV"
    ds.ContrastBolusVolume = CONTRAST_VOLUME_ML[study.modality]
    ds.ContrastBolusStartTime = _time(study.injection_time, 0)
    ds.ContrastBolusIngredient = CONTRAST_INGREDIENT[study.modality]


def _ct_attributes(ds: Dataset, study: StudyContext, grid: ImageGrid) -> None:
    ds.KVP = 120
    ds.ConvolutionKernel = study.style.kernel
    ds.DataCollectionDiameter = 500
    ds.ReconstructionDiameter = round(grid.pixel_spacing_mm * grid.columns, 1)
    ds.GantryDetectorTilt = 0
    ds.TableHeight = 160
    ds.RescaleIntercept = CT_RESCALE_INTERCEPT
    ds.RescaleSlope = 1
    ds.RescaleType = "HU"
    ds.WindowCenter = [w[0] for w in CT_WINDOWS]
    ds.WindowWidth = [w[1] for w in CT_WINDOWS]
    ds.WindowCenterWidthExplanation = [w[2] for w in CT_WINDOWS]
    ds.BitsStored = 12
    ds.HighBit = 11


def _mr_attributes(ds: Dataset, study: StudyContext, series: SeriesContext,
                   grid: ImageGrid) -> None:
    ds.ScanningSequence = "GR"
    ds.SequenceVariant = ["SP", "OSP"]
    ds.ScanOptions = ["FS"]
    ds.MRAcquisitionType = "3D"
    ds.SequenceName = "*fl3d1" if study.style.manufacturer == "SIEMENS" else "lava"
    ds.RepetitionTime = 3.9
    ds.EchoTime = 1.8
    ds.FlipAngle = 10
    ds.NumberOfAverages = 1
    ds.ImagingFrequency = 63.68
    ds.ImagedNucleus = "1H"
    ds.EchoNumbers = 1
    ds.MagneticFieldStrength = 1.5
    ds.SpacingBetweenSlices = grid.slice_spacing_mm
    ds.EchoTrainLength = 1
    ds.PixelBandwidth = 450
    ds.ReceiveCoilName = "Body18"
    ds.InPlanePhaseEncodingDirection = "ROW"
    ds.AcquisitionMatrix = [0, grid.columns, grid.rows, 0]
    ds.WindowCenter = 700
    ds.WindowWidth = 1400
    ds.BitsStored = 12
    ds.HighBit = 11
    if series.temporal_position is not None:
        ds.TemporalPositionIdentifier = series.temporal_position
        ds.NumberOfTemporalPositions = series.temporal_positions
        ds.TriggerTime = max(0, series.delay_s) * 1000.0


def image_dataset(
    study: StudyContext,
    series: SeriesContext,
    grid: ImageGrid,
    slice_index: int,
    instance_number: int,
    pixels: np.ndarray,
    *,
    compress: bool,
) -> Dataset:
    """One complete CT or MR image as a pydicom dataset, ready to write."""
    is_ct = study.modality is Modality.CT
    sop_class = CTImageStorage if is_ct else MRImageStorage
    sop_uid = make_uid(series.series_uid, series.temporal_position, slice_index)

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = UID(sop_uid)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = UID(IMPLEMENTATION_CLASS_UID)
    ds.file_meta.ImplementationVersionName = IMPLEMENTATION_VERSION

    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: descriptions carry accents and umlauts
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.Modality = study.modality.value
    _patient_and_study(ds, study)
    ds.SeriesInstanceUID = series.series_uid
    ds.SeriesNumber = series.series_number
    ds.SeriesDescription = series.description
    ds.ProtocolName = "LIVER MULTIPHASE"
    ds.SeriesDate = ds.StudyDate
    acquired = _time(study.injection_time, series.delay_s)
    ds.SeriesTime = acquired
    ds.AcquisitionDate = ds.StudyDate
    ds.AcquisitionTime = acquired
    ds.ContentDate = ds.StudyDate
    ds.ContentTime = acquired
    ds.AcquisitionNumber = series.temporal_position or 1
    ds.InstanceNumber = instance_number
    _contrast(ds, study, series)

    position = grid.position_mm(slice_index)
    ds.ImagePositionPatient = [round(v, 4) for v in position]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SliceLocation = round(position[2], 4)
    ds.SliceThickness = grid.slice_thickness_mm
    ds.PixelSpacing = [round(grid.pixel_spacing_mm, 6)] * 2
    ds.Rows, ds.Columns = grid.rows, grid.columns
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.PixelRepresentation = 0
    if is_ct:
        _ct_attributes(ds, study, grid)
    else:
        _mr_attributes(ds, study, series, grid)

    if compress:
        ds.compress(RLELossless, np.ascontiguousarray(pixels), encoding_plugin="pylibjpeg")
    else:
        ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds
