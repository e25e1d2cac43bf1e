"""Benchmark the start of the workstation: the bundle's size, and the time from launch to a
drawn main window, from the installed bundle and from the virtual environment (issue #15).

    installer/build.sh                      # the bundle, once
    python benchmarks/startup.py [--archive FILE.tar.gz | --bundle FOLDER] [--runs 5]

Each run starts ``mrecist-workstation --screenshot FILE.png`` in a clean environment (HOME
in a temporary folder, no PYTHONPATH, no virtual environment on PATH, drawing offscreen)
and stops the clock when it prints that the screenshot of the painted window is saved:
launch to a drawn window, plus the 200 ms the screenshot waits for the event loop to have
painted and the grab itself, so an upper bound. The first run of each is reported apart
(the disk cache cold for the bundle's files just unpacked, or the venv's last touched
long ago); the figure is the median of the others. The peer is the same command from the
virtual environment (``.venv/bin/mrecist-workstation``).

The last line printed is one JSON object: ``bundle_mb`` (unpacked), ``archive_mb``,
``bundle_start_s``, ``bundle_first_start_s``, ``venv_start_s``, ``venv_first_start_s``,
``runs``, ``target_s`` (3).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 3.0


def default_archive() -> Path:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]
    return ROOT / "dist" / f"mrecist-workstation-{version}-linux-{platform.machine()}.tar.gz"


def folder_mb(folder: Path) -> float:
    """The bytes the folder takes, each file once (the bundle links some libraries)."""
    files = (p for p in folder.rglob("*") if p.is_symlink() or not p.is_dir())
    return sum(p.lstat().st_size for p in files) / 1e6


def time_to_window(executable: Path, work: Path) -> float:
    """Seconds from starting *executable* to its saved screenshot of the drawn window."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "MRECIST_DATA_DIR": str(work / "data")}
    shot = work / "window.png"
    started = time.perf_counter()
    with subprocess.Popen([str(executable), "--screenshot", str(shot)], env=env, cwd=work,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("screenshot saved to"):
                drawn = time.perf_counter() - started
                break
        else:
            raise SystemExit(f"{executable} drew no window (exit {process.wait()})")
        process.wait(timeout=60)
    return drawn


def measure(executable: Path, runs: int, work: Path) -> tuple[float, float]:
    """The first start, and the median of the *runs* after it."""
    times = [time_to_window(executable, work) for _ in range(runs + 1)]
    return times[0], statistics.median(times[1:])


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Measure, print the figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--archive", type=Path, default=None,
                       help="the bundle's .tar.gz (default: dist/'s, as installer/build.sh "
                       "names it), unpacked into a temporary folder")
    where.add_argument("--bundle", type=Path, help="an unpacked bundle's folder")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv",
                        help="the virtual environment to compare with (default .venv)")
    parser.add_argument("--runs", type=int, default=5, help="runs after the first (5)")
    args = parser.parse_args(argv)
    archive = args.archive or (None if args.bundle else default_archive())
    if archive is not None and not archive.is_file():
        raise SystemExit(f"{archive}: no bundle; build it with installer/build.sh")
    with tempfile.TemporaryDirectory(prefix="mrecist-startup-") as name:
        work = Path(name)
        bundle = args.bundle
        if archive is not None:
            with tarfile.open(archive) as packed:
                packed.extractall(work / "unpacked", filter="tar")
            (bundle,) = (work / "unpacked").iterdir()
        assert bundle is not None
        figures: dict[str, object] = {
            "bundle_mb": round(folder_mb(bundle), 1),
            "archive_mb": round(archive.stat().st_size / 1e6, 1) if archive else None}
        first, median = measure(bundle / "mrecist-workstation", args.runs, work)
        figures.update(bundle_first_start_s=round(first, 3), bundle_start_s=round(median, 3))
        first, median = measure(args.venv / "bin" / "mrecist-workstation", args.runs, work)
        figures.update(venv_first_start_s=round(first, 3), venv_start_s=round(median, 3))
    figures.update(runs=args.runs, target_s=TARGET_S)
    packed_text = f", {figures['archive_mb']} MB packed" if figures["archive_mb"] else ""
    print(f"bundle: {figures['bundle_mb']} MB unpacked{packed_text}")
    print(f"launch to a drawn main window, median of {args.runs} after a first run "
          f"(target ≤ {TARGET_S:g} s):")
    for label, key in (("bundle", "bundle"), ("venv  ", "venv")):
        print(f"  {label}  {figures[f'{key}_start_s']:.2f} s "
              f"(first {figures[f'{key}_first_start_s']:.2f} s)")
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
