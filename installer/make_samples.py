"""Write the self-test's sample images into resources/selftest, once (issue #15).

Run from the checkout, with the DCMTK, Grok and OpenJPH command-line tools installed
(Debian: ``apt-get install dcmtk grokj2k-tools openjph-tools``)::

    .venv/bin/python installer/make_samples.py

Each sample is :func:`core.actions.self_test.samples.reference_hu` as a CT slice in one
transfer syntax, encoded by software other than the decoders the workstation ships
(pylibjpeg-libjpeg, -openjpeg, -rle, pydicom), as a site's PACS would send it. The files
are committed; the workstation never needs these tools. The script refuses to write a
sample that does not hold the reference within its bound.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    HTJ2K,
    JPEG2000,
    UID,
    CTImageStorage,
    ExplicitVRLittleEndian,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
)

from core.actions.self_test.samples import SAMPLES, SIZE, STORED_INTERCEPT, Sample, reference_hu
from core.phantom.dicom_writer import make_uid

OUT = Path(__file__).resolve().parents[1] / "resources" / "selftest"
TOOLS = ("dcmconv", "dcmcrle", "dcmcjpeg", "dcmcjpls", "grk_compress", "ojph_compress")


def base_dataset(sample: Sample, index: int, bits: int = 12) -> Dataset:
    """A CT slice of the reference image with the attributes an export carries."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = make_uid("mrecist self-test sample", sample.file, "image")
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = make_uid("mrecist self-test sample", "study")
    ds.SeriesInstanceUID = make_uid("mrecist self-test sample", sample.file, "series")
    ds.FrameOfReferenceUID = make_uid("mrecist self-test sample", "frame of reference")
    ds.Modality = "CT"
    ds.PatientID = "SELF-TEST"
    ds.PatientName = "Self^Test"
    ds.StudyDate = ds.SeriesDate = dt.date(2024, 1, 1).strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = "120000"
    ds.StudyDescription = "mRECIST Workstation self-test"
    ds.SeriesDescription = f"arterial phase, {sample.file.removesuffix('.dcm')}"
    ds.SeriesNumber = index + 1
    ds.InstanceNumber = 1
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.ImagePositionPatient = [-16.0, -16.0, 0.0]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.PixelSpacing = [1.0, 1.0]
    ds.SliceThickness = 1.0
    ds.Rows = ds.Columns = SIZE
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.WindowCenter, ds.WindowWidth = 40, 400
    stored = reference_hu().astype(np.int32) - STORED_INTERCEPT
    if bits == 8:  # what an 8-bit JPEG can hold: a slope of 8 HU per stored step
        ds.RescaleSlope = 8
        stored = stored // 8
    else:
        ds.RescaleSlope = 1
    ds.RescaleIntercept = STORED_INTERCEPT
    ds.RescaleType = "HU"
    ds.BitsAllocated = 8 if bits == 8 else 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = 0
    ds.PixelData = stored.astype(np.uint8 if bits == 8 else np.uint16).tobytes()
    return ds


def run(*command: str | Path) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True)


def write_pgm(ds: Dataset, path: Path) -> None:
    """The stored values as a 16-bit binary PGM (big endian, PNM's byte order)."""
    values = np.frombuffer(ds.PixelData, dtype="<u2").reshape(SIZE, SIZE)
    header = f"P5\n{SIZE} {SIZE}\n{(1 << ds.BitsStored) - 1}\n".encode()
    path.write_bytes(header + values.astype(">u2").tobytes())


def encapsulated(ds: Dataset, code_stream: bytes, syntax: UID, lossy: str | None) -> Dataset:
    """*ds* with *code_stream* as its one encapsulated frame."""
    ds.file_meta.TransferSyntaxUID = syntax
    ds.PixelData = encapsulate([code_stream])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    if lossy is not None:
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = lossy
    return ds


def write_sample(sample: Sample, index: int, work: Path) -> Path:
    """Encode *sample* with its encoder; the file written."""
    out = OUT / sample.file
    base = work / f"{index}-base.dcm"
    ds = base_dataset(sample, index, bits=8 if sample.syntax == JPEGBaseline8Bit else 12)
    ds.save_as(base, enforce_file_format=True)
    flags = {"explicit-vr-big-endian.dcm": ("dcmconv", "+tb"),
             "deflated-explicit-vr-little-endian.dcm": ("dcmconv", "+td"),
             "rle-lossless.dcm": ("dcmcrle",),
             "jpeg-baseline-8bit.dcm": ("dcmcjpeg", "+eb", "+q", "95"),
             "jpeg-extended-12bit.dcm": ("dcmcjpeg", "+ee"),
             "jpeg-lossless-sv6.dcm": ("dcmcjpeg", "+el", "+sv", "6"),
             "jpeg-lossless-sv1.dcm": ("dcmcjpeg", "+e1"),
             "jpeg-ls-lossless.dcm": ("dcmcjpls", "+el"),
             "jpeg-ls-near-lossless.dcm": ("dcmcjpls", "+en", "+md", "2")}
    if sample.syntax == ExplicitVRLittleEndian:
        shutil.copyfile(base, out)
    elif sample.syntax == ImplicitVRLittleEndian:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
        ds.save_as(out, enforce_file_format=True)
    elif sample.file in flags:
        tool, *options = flags[sample.file]
        run(tool, *options, base, out)
    else:  # JPEG 2000 and HTJ2K: a code stream from the encoder, encapsulated here
        pgm, stream = work / f"{index}.pgm", work / f"{index}.j2c"
        write_pgm(ds, pgm)
        lossy = None
        if sample.syntax in (JPEG2000Lossless, JPEG2000):
            lossy = "ISO_15444_1" if sample.syntax == JPEG2000 else None
            extra = ("-I", "-r", "2") if lossy else ()
            run("grk_compress", "-i", pgm, "-o", stream, "-n", "3", *extra)
        else:
            assert sample.syntax in (HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K)
            lossy = "ISO_15444_15" if sample.syntax == HTJ2K else None
            extra = (("-qstep", "0.002") if lossy else ("-reversible", "true")) + (
                ("-prog_order", "RPCL") if sample.syntax == HTJ2KLosslessRPCL else ())
            run("ojph_compress", "-i", pgm, "-o", stream, "-num_decomps", "3", *extra)
        encapsulated(ds, stream.read_bytes(), sample.syntax, lossy).save_as(
            out, enforce_file_format=True)
    check(out, sample)
    return out


def check(path: Path, sample: Sample) -> None:
    """Refuse a sample whose syntax or values are not what the self-test expects."""
    ds = pydicom.dcmread(path)
    if ds.file_meta.TransferSyntaxUID != sample.syntax:
        sys.exit(f"{path.name}: written as {ds.file_meta.TransferSyntaxUID.name}, "
                 f"not {sample.syntax.name}")
    hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    error = float(np.abs(hu - reference_hu()).max())
    if error > sample.max_error_hu:
        sys.exit(f"{path.name}: {error:g} HU from the reference, more than "
                 f"{sample.max_error_hu:g}")
    print(f"{path.name:42} {path.stat().st_size:6,} bytes  max error {error:g} HU")


def main() -> int:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"missing tools: {', '.join(missing)} (Debian: apt-get install dcmtk "
              "grokj2k-tools openjph-tools)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for index, sample in enumerate(SAMPLES):
            write_sample(sample, index, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
