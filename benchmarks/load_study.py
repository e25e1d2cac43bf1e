"""Benchmark loading a full-size 4-phase CT study: ours against SimpleITK and plain pydicom.

    python benchmarks/load_study.py [--folder DIR] [--slices 200] [--repeat 2]

The study is the phantom's full-size CT (512², 4 phases) written once into ``--folder``
(a temporary folder by default), then restacked to ``--slices`` slices per phase (the
phantom's 81 slices resampled along z, new positions and UIDs, files in shuffled order), in
three encodings: uncompressed, RLE Lossless and JPEG 2000 lossless (what PACS exports use
most). For each encoding, every method runs in a fresh process on a warm page cache (the
files are read once first), best of ``--repeat``:

- ``raw``: read every file's bytes, nothing else (the floor for the same bytes);
- ``ours``: ``scan`` (showing the first image it meets of a series named arterial: the
  time to the first displayable arterial slice), ``read_slice`` of the arterial middle
  slice once every header is read, then ``load_phases`` (``load_volume`` of all four
  phases) as the application runs it: compressed images decoded on worker processes when
  ``auto_decode_processes`` says so (JPEG 2000 here), else on threads;
- ``ours_threads``: the same, never starting worker processes;
- ``ours_processes``: the same, always decoding compressed slices on one worker process per
  core (uncompressed slices never go to the workers; the workers' memory is not in the
  peak figure);
- ``simpleitk``: ``ImageSeriesReader`` on each series GDCM finds (series discovery
  included), as a volume per series;
- ``pydicom``: ``dcmread`` every file, group by series, sort by position, stack
  ``pixel_array`` × slope + intercept as float32.

Peak memory is the growth of the process's peak resident set size during the method, so
it counts every allocation, native ones included. The issue's targets: whole study
≤ 0.25 × SimpleITK and ≤ 5 × raw; first slice ≤ 0.05 × SimpleITK's whole study; peak
memory ≤ 1.5 × the voxel bytes. SimpleITK is needed only here (``pip install
SimpleITK``); without it that column is skipped.

The last line printed is one JSON object with every figure (seconds, bytes).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.uid import JPEG2000Lossless

from core.model.imaging import Modality, Phase
from core.phantom import PhantomSize, demo_scenarios, write_study
from core.phantom.demo import scenario_study_spec
from core.phantom.dicom_writer import make_uid, opaque_file_name

PHASES = 4


def _stretched(source: Path, target: Path, n_slices: int) -> None:
    """Rewrite each series of *source* as *n_slices* slices covering the same z range."""
    target.mkdir(parents=True, exist_ok=True)
    by_series: dict[str, list[tuple[float, Path]]] = {}
    for path in source.iterdir():
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        by_series.setdefault(ds.SeriesInstanceUID, []).append(
            (float(ds.ImagePositionPatient[2]), path))
    jobs = []
    for uid, members in by_series.items():
        members.sort(reverse=True)  # head first
        top, bottom = members[0][0], members[-1][0]
        for k in range(n_slices):
            source_k = round(k * (len(members) - 1) / (n_slices - 1))
            z = top - k * (top - bottom) / (n_slices - 1)
            jobs.append((uid, k, z, members[source_k][1]))
    random.Random(5).shuffle(jobs)
    for uid, k, z, path in jobs:
        ds = pydicom.dcmread(path)
        ds.SOPInstanceUID = make_uid("benchmark", uid, n_slices, k)
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [*ds.ImagePositionPatient[:2], round(z, 4)]
        ds.SliceLocation = round(z, 4)
        ds.save_as(target / opaque_file_name(ds.SOPInstanceUID), enforce_file_format=True)


def _to_jpeg_2000(job: tuple[Path, Path]) -> None:
    source, target = job
    ds = pydicom.dcmread(source)
    ds.compress(JPEG2000Lossless)
    ds.save_as(target, enforce_file_format=True)


def _is_complete(folder: Path, n_slices: int) -> bool:
    return folder.is_dir() and len(list(folder.iterdir())) == PHASES * n_slices


def prepare(folder: Path, n_slices: int) -> dict[str, Path]:
    """The benchmark studies (written once, reused when already there)."""
    out = {}
    for name, compress in (("uncompressed", False), ("rle", True)):
        stretched = folder / f"{name}-{n_slices}"
        out[name] = stretched
        if _is_complete(stretched, n_slices):
            continue
        spec = scenario_study_spec(demo_scenarios()[0], 1, 0, PhantomSize.FULL, Modality.CT,
                                   compress=compress)
        written = write_study(spec, folder / f"{name}-phantom")
        print(f"phantom written: {written.dicom_folder}", file=sys.stderr)
        _stretched(written.dicom_folder, stretched, n_slices)
    # JPEG 2000 lossless, the compression PACS exports use most: the uncompressed files,
    # re-encoded (on every core: ~10 ms a slice).
    out["j2k"] = j2k = folder / f"j2k-{n_slices}"
    if not _is_complete(j2k, n_slices):
        j2k.mkdir(parents=True, exist_ok=True)
        jobs = [(path, j2k / path.name) for path in _files(out["uncompressed"])]
        with ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_to_jpeg_2000, jobs, chunksize=16))
        print(f"JPEG 2000 study written: {j2k}", file=sys.stderr)
    return out


def _status_bytes(field: str) -> int:
    """VmRSS or VmHWM (peak) of this process. Unlike ru_maxrss, VmHWM starts afresh in a
    spawned process instead of carrying the parent's peak over."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def run_raw(folder: Path) -> dict[str, float]:
    total = 0
    for path in _files(folder):
        with open(path, "rb") as f:
            total += len(f.read())
    return {"bytes": total}


def run_ours(folder: Path, decode_processes: int | None = None) -> dict[str, float]:
    from core.dicom import scan
    from core.dicom.study import ArterialPreview, in_load_order, load_phases, phase_series
    from core.dicom.volume import read_slice

    started = time.perf_counter()
    seen: dict[str, float] = {}
    preview = ArterialPreview(
        lambda _header, _pixels: seen.setdefault("t", time.perf_counter() - started))
    result = scan(folder, on_header=preview)
    chosen = in_load_order(phase_series(result))
    assert chosen[0].phase.phase is Phase.ARTERIAL
    read_slice(chosen[0])
    middle = time.perf_counter() - started
    volumes = load_phases(result, decode_processes=decode_processes)
    return {"first_slice_s": seen["t"], "arterial_middle_slice_s": middle,
            "voxel_bytes": sum(v.voxels.nbytes for v in volumes)}


def run_ours_threads(folder: Path) -> dict[str, float]:
    """Ours, decoding compressed slices on threads only (no worker processes)."""
    return run_ours(folder, decode_processes=0)


def run_ours_processes(folder: Path) -> dict[str, float]:
    """Ours, decoding compressed slices on one worker process per core."""
    return run_ours(folder, decode_processes=os.cpu_count() or 1)


def run_simpleitk(folder: Path) -> dict[str, float]:
    import SimpleITK as sitk

    reader = sitk.ImageSeriesReader()
    images = []
    for uid in reader.GetGDCMSeriesIDs(str(folder)):
        reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder), uid))
        images.append(sitk.GetArrayViewFromImage(reader.Execute()))
    return {"voxel_bytes": sum(a.nbytes for a in images)}


def run_pydicom(folder: Path) -> dict[str, float]:
    by_series: dict[str, list[tuple[float, np.ndarray]]] = {}
    for path in _files(folder):
        ds = pydicom.dcmread(path)
        pixels = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + \
            float(ds.RescaleIntercept)
        by_series.setdefault(ds.SeriesInstanceUID, []).append(
            (float(ds.ImagePositionPatient[2]), pixels))
    volumes = [np.stack([p for _, p in sorted(members, key=lambda m: -m[0])])
               for members in by_series.values()]
    return {"voxel_bytes": sum(v.nbytes for v in volumes)}


METHODS: dict[str, Callable[[Path], dict[str, float]]] = {
    "raw": run_raw, "ours": run_ours, "ours_threads": run_ours_threads,
    "ours_processes": run_ours_processes,
    "simpleitk": run_simpleitk, "pydicom": run_pydicom,
}


def _child(method: str, folder: str, queue: Any) -> None:
    if method.startswith("ours"):
        import core.dicom.study  # noqa: F401  (imports are not what is measured)
    elif method == "simpleitk":
        import SimpleITK  # noqa: F401
    baseline = _status_bytes("VmRSS")
    started = time.perf_counter()
    figures = METHODS[method](Path(folder))
    figures["total_s"] = time.perf_counter() - started
    figures["peak_memory_bytes"] = max(_status_bytes("VmHWM") - baseline, 0)
    queue.put(figures)


def measure(method: str, folder: Path, repeat: int) -> dict[str, float]:
    """Best of *repeat* fresh-process runs of *method* (by total time)."""
    context = multiprocessing.get_context("spawn")
    runs = []
    for _ in range(repeat):
        queue = context.Queue()
        process = context.Process(target=_child, args=(method, str(folder), queue))
        process.start()
        runs.append(queue.get())
        process.join()
    return min(runs, key=lambda r: r["total_s"])


def has_simpleitk() -> bool:
    try:
        import SimpleITK  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=None,
                        help="where the studies are written (reused across runs)")
    parser.add_argument("--slices", type=int, default=200, help="slices per phase")
    parser.add_argument("--repeat", type=int, default=2, help="runs per method (best kept)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="mrecist-bench-"))
    studies = prepare(folder, args.slices)
    methods = [m for m in METHODS if m != "simpleitk" or has_simpleitk()]
    report: dict[str, Any] = {"slices_per_phase": args.slices, "phases": PHASES,
                              "cpus": os.cpu_count(), "decode_threads": _threads()}
    for name, study in studies.items():
        run_raw(study)  # warm the page cache: every method reads from memory
        figures = {m: measure(m, study, args.repeat) for m in methods}
        figures["ratios"] = _ratios(figures)
        report[name] = figures
        _print(name, figures)
    print(json.dumps(report))
    return 0


def _threads() -> int:
    from core.dicom.volume import decode_workers

    return decode_workers()


def _ratios(f: dict[str, dict[str, float]]) -> dict[str, float]:
    ours = f["ours"]
    out = {"ours_over_raw": ours["total_s"] / f["raw"]["total_s"],
           "ours_threads_over_ours": f["ours_threads"]["total_s"] / ours["total_s"],
           "ours_processes_over_ours": f["ours_processes"]["total_s"] / ours["total_s"],
           "ours_over_pydicom": ours["total_s"] / f["pydicom"]["total_s"],
           "peak_over_voxel_bytes": ours["peak_memory_bytes"] / ours["voxel_bytes"]}
    if "simpleitk" in f:
        out["ours_over_simpleitk"] = ours["total_s"] / f["simpleitk"]["total_s"]
        out["first_slice_over_simpleitk"] = ours["first_slice_s"] / f["simpleitk"]["total_s"]
        out["middle_slice_over_simpleitk"] = (ours["arterial_middle_slice_s"]
                                              / f["simpleitk"]["total_s"])
    return out


def _print(name: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"{name}:")
    for method, f in figures.items():
        if method == "ratios":
            continue
        extra = (f", first arterial slice {f['first_slice_s']:.3f} s, arterial middle slice "
                 f"{f['arterial_middle_slice_s']:.3f} s") if "first_slice_s" in f else ""
        print(f"  {method:<10} {f['total_s']:7.3f} s, peak memory "
              f"{f['peak_memory_bytes'] / 1024**2:7.1f} MiB{extra}")
    for key, value in figures["ratios"].items():
        print(f"  {key:<28} {value:6.3f}")


if __name__ == "__main__":
    sys.exit(main())
