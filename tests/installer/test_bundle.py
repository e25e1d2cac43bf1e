"""The bundle, built from this checkout, unpacked into an empty folder and run there with a
clean environment: no virtual environment, no PYTHONPATH, HOME in a temporary folder.

It takes minutes (the build), so it runs only with MRECIST_BUNDLE_TEST=1, which .ci/run
sets in its own step; the README's test command skips it. Its record (sizes, build time)
goes to build/installer/bundle-record.json and is printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.store import open_store
from core.store.migrations import migrations, step_names

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"]
ARCHIVE = ROOT / "dist" / f"mrecist-workstation-{VERSION}-linux-{platform.machine()}.tar.gz"
RECORD = ROOT / "build" / "installer" / "bundle-record.json"
GUI_CHECKS = ["imports", "dicom-decoding", "trial-store", "store-upgrade", "case-evaluation",
              "pdf-report", "main-window"]
# Packages of the checkout, none of which may be in the bundle: test and build tools.
NEVER_BUNDLED = ["pytest", "_pytest", "pytestqt", "hypothesis", "pydicom_data", "pypdf",
                 "scipy", "tkinter", "mypy", "ruff", "importlinter", "setuptools", "pip"]

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(os.environ.get("MRECIST_BUNDLE_TEST") != "1",
                       reason="builds the installer bundle (minutes): set "
                              "MRECIST_BUNDLE_TEST=1, as .ci/run does in its bundle step"),
]


def _size_mb(folder: Path) -> float:
    """The bytes the folder takes, each file once (the bundle links some libraries)."""
    files = (p for p in folder.rglob("*") if p.is_symlink() or not p.is_dir())
    return sum(p.lstat().st_size for p in files) / 1e6


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build with installer/build.sh, unpack into an empty folder; the bundle's folder."""
    started = time.monotonic()
    subprocess.run(["bash", str(ROOT / "installer" / "build.sh")], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHON": sys.executable}, timeout=1800)
    build_s = time.monotonic() - started
    target = tmp_path_factory.mktemp("unpacked")
    assert not any(target.iterdir())
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(target, filter="tar")
    (folder,) = target.iterdir()
    assert folder.name == f"mrecist-workstation-{VERSION}"
    record = {"archive": ARCHIVE.name, "archive_mb": round(ARCHIVE.stat().st_size / 1e6, 1),
              "unpacked_mb": round(_size_mb(folder), 1), "build_s": round(build_s, 1)}
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"\nbundle: {json.dumps(record)}")
    return folder


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """What a fresh log-in on a workstation has: a HOME, the system's PATH, nothing of
    Python (no venv, no PYTHONPATH), drawing offscreen."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen"}


def _run(bundle: Path, program: str, args: list[str], env: dict[str, str], cwd: Path
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle / program), *args], env=env, cwd=cwd, text=True,
                          capture_output=True, timeout=600)


def _module_count(package: str) -> int:
    return sum(1 for path in (ROOT / package).rglob("*.py") if path.name != "__main__.py")


def test_the_bundle_holds_both_commands_their_resources_and_no_test_tools(bundle):
    for name in ("mrecist-workstation", "mrecist"):
        assert os.access(bundle / name, os.X_OK)
    assert (bundle / "INSTALL.md").is_file()
    internal = bundle / "_internal"
    assert (internal / "licenses" / "README.txt").is_file()
    assert len(list((internal / "resources" / "selftest").glob("*.dcm"))) == 16
    assert len(list((internal / "resources" / "fonts").glob("*.ttf"))) == 3
    present = [name for name in NEVER_BUNDLED if (internal / name).exists()]
    assert present == []
    platforms = sorted(p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms")
                       .iterdir())
    assert platforms == ["libqminimal.so", "libqoffscreen.so", "libqxcb.so"]
    assert not (internal / "PySide6" / "Qt" / "translations").exists()


def test_the_gui_self_test_passes_in_the_unpacked_bundle(bundle, clean_env, tmp_path):
    report = tmp_path / "iq-report.json"
    done = _run(bundle, "mrecist-workstation", ["--self-test", "--report", str(report)],
                clean_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:len(GUI_CHECKS)]] == [
        ["PASS", name] for name in GUI_CHECKS]
    assert lines[len(GUI_CHECKS)] == f"self-test passed: {len(GUI_CHECKS)} of " \
                                     f"{len(GUI_CHECKS)} checks"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["format"] == "mrecist-self-test/1"
    assert data["passed"] is True
    assert data["frozen"] is True
    assert data["version"] == VERSION
    assert Path(data["executable"]) == bundle / "mrecist-workstation"
    assert [check["name"] for check in data["checks"]] == GUI_CHECKS
    imports = data["checks"][0]["detail"]
    counts = {package: _module_count(package) for package in ("core", "widgets", "desktop")}
    assert imports == (f"{sum(counts.values())} modules: "
                       + ", ".join(f"{n} of {package}" for package, n in counts.items()))


def test_the_cli_self_test_passes_in_the_unpacked_bundle(bundle, clean_env, tmp_path):
    report = tmp_path / "iq-report.txt"
    done = _run(bundle, "mrecist", ["self-test", "--report", str(report)], clean_env,
                tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    assert f"mRECIST Workstation {VERSION} — installation self-test" in text
    assert "(installed bundle)" in text
    assert text.rstrip().endswith("self-test passed: 6 of 6 checks")


@pytest.mark.parametrize("stop_before", step_names()[1:])
def test_the_bundle_upgrades_a_store_of_every_earlier_schema_after_its_copy(
        bundle, clean_env, tmp_path, stop_before):
    path = tmp_path / "trial.sqlite"
    with contextlib.closing(Database(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        migrations.apply(db, stop_before=stop_before)
    before = path.read_bytes()
    done = _run(bundle, "mrecist", ["audit", "verify", "--record", "--db", str(path)],
                clean_env, tmp_path)
    assert "internal error" not in done.stderr
    assert "Traceback" not in done.stderr
    (backup,) = (tmp_path / "trial-backups").glob(f"trial.before-{stop_before}-*.sqlite")
    assert backup.read_bytes() == before
    assert f"the file as it was is kept in {backup}" in done.stderr
    with contextlib.closing(sqlite3.connect(path)) as conn:
        applied = tuple(name for (name,) in conn.execute("SELECT name FROM _sqlite_migrations"))
    assert applied == step_names()


def test_the_bundle_refuses_a_store_of_a_later_version_in_one_line(bundle, clean_env,
                                                                   tmp_path):
    path = tmp_path / "newer.sqlite"
    open_store(path, create=True).close()
    with contextlib.closing(Database(path)) as db:
        db.table("_sqlite_migrations").insert({"migration_set": "mrecist_store",
                                               "name": "m999_future", "applied_at": "2030"})
    done = _run(bundle, "mrecist", ["audit", "verify", "--record", "--db", str(path)],
                clean_env, tmp_path)
    assert done.returncode == 2
    assert done.stderr == (f"mrecist audit: {path}: written by a newer application (schema "
                           "m999_future, unknown to this version): open it with that version "
                           "or a later one; the file was not changed\n")


def test_the_startup_benchmark_prints_its_figures_as_json_last(bundle):
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "startup.py"), "--bundle",
                           str(bundle), "--runs", "1"], capture_output=True, text=True,
                          timeout=600, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["bundle_mb"] > 0
    for key in ("bundle_start_s", "bundle_first_start_s", "venv_start_s",
                "venv_first_start_s"):
        assert figures[key] > 0
