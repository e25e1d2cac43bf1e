"""Benchmark scanning one zip archive of many small DICOM files (issue #10, import safety).

    python benchmarks/zip_scan.py [--members 10000] [--series 20] [--folder DIR]

The archive holds ``--members`` small CT images (32 × 32 pixels, ``--series`` series of
equal length, one study), deflated as PACS exports are, written once into ``--folder`` (a
temporary folder by default). ``scan`` of the archive runs in this process on a warm page
cache (the archive is read once first); the figure is the time from the call to the
result, which includes listing the members, reading every header and building the stacks.
The peer is ``raw``: reading every member's bytes through one ``zipfile.ZipFile``, nothing
else (the floor for the same bytes).

Before the archive was opened once for all its members, each member re-opened it and
parsed its whole central directory again: 8,000 members took 308 s. The issue's target is
10,000 members in under 10 s on the project's 2-core machines.

The last line printed is one JSON object with every figure (seconds, milliseconds).
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

from core.dicom import scan

ROWS = COLUMNS = 32


def _image(study: str, series: str, number: int, slice_index: int, sop: str) -> bytes:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    ds.Modality = "CT"
    ds.PatientID = "BENCH-001"
    ds.StudyInstanceUID = study
    ds.StudyDate = "20260101"
    ds.SeriesInstanceUID = series
    ds.SeriesNumber = number
    ds.SeriesDescription = f"series {number}"
    ds.ImagePositionPatient = [0.0, 0.0, float(slice_index)]
    ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    ds.PixelSpacing = [0.8, 0.8]
    ds.SliceThickness = 1
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    pixels = (np.arange(ROWS * COLUMNS, dtype=np.int16) + slice_index) % 2000
    ds.PixelData = pixels.tobytes()
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def write_archive(path: Path, members: int, series: int) -> None:
    """*members* images in *series* series of one study, deflated, in one zip archive."""
    study = "2.25.1"
    per_series = -(-members // series)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for k in range(members):
            s, i = divmod(k, per_series)
            data = _image(study, f"2.25.1.{s + 1}", s + 1, i, f"2.25.1.{s + 1}.{i + 1}")
            archive.writestr(f"DICOM/S{s + 1:03d}/IM{i + 1:05d}", data)


def _raw(path: Path) -> int:
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            total += len(archive.read(info))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--series", type=int, default=20)
    parser.add_argument("--folder", type=Path, help="keep the archive here (default: a "
                        "temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"export-{args.members}.zip"
        if not path.exists():
            started = time.perf_counter()
            write_archive(path, args.members, args.series)
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in "
                  f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        raw_bytes = _raw(path)  # also warms the page cache
        raw_s = time.perf_counter() - started
        started = time.perf_counter()
        result = scan(path)
        scan_s = time.perf_counter() - started
    images = sum(s.n_images for s in result.series)
    print(f"raw: {raw_bytes / 1e6:.1f} MB of members read in {raw_s:.2f} s")
    print(f"scan: {images} images in {len(result.series)} series, {len(result.rejected)} "
          f"rejected, in {scan_s:.2f} s ({1000 * scan_s / args.members:.3f} ms per member)")
    if images != args.members:
        raise SystemExit(f"the scan found {images} images of {args.members}")
    print(json.dumps({"zip_members": args.members, "series": len(result.series),
                      "scan_s": round(scan_s, 3),
                      "per_member_ms": round(1000 * scan_s / args.members, 4),
                      "raw_s": round(raw_s, 3),
                      "scan_vs_raw": round(scan_s / raw_s, 2)}))


if __name__ == "__main__":
    main()
