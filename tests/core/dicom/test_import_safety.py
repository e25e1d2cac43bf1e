"""Import safety, tried as an attacker would (issue #10): hostile zips, FIFOs and devices,
DICOMDIRs that point outside their folder, UIDs that are not UIDs.

Real DICOM files (pydicom-written) in real zip archives; what could hang or exhaust memory
runs in a subprocess with a timeout, so a regression fails instead of stopping the suite.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from core.dicom import scan
from core.dicom.sources import Archives, FileRef, MiB, UnsafeSourceError, ZipLimits
from core.dicom.uids import uid_problem

GIB = 1024**3
SUBPROCESS_TIMEOUT_S = 120
# Peak memory is read from /proc/self/status (Linux).
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from /proc (Linux)")


def _run_python(script: str, *args: str) -> dict[str, object]:
    """Run *script* in a fresh interpreter; its last line of output is a JSON object."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, timeout=SUBPROCESS_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _zip_of_images(path: Path, make_dataset: Callable[..., pydicom.Dataset], count: int,
                   series_uid: str = "1.2.3.4") -> Path:
    """*count* slices of one series, deflated into the zip archive *path*."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for k in range(count):
            ds = make_dataset(position=(0.0, 0.0, float(k)), series_uid=series_uid)
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=True)
            archive.writestr(f"DICOM/IM{k:05d}", buffer.getvalue())
    return path


# --- UIDs (PS3.5 §9.1) --------------------------------------------------------------------

@pytest.mark.parametrize("uid", ["0", "1.2.840.10008.1.2.1", "2.25.0.10",
                                 "2.25." + "1" * 59])
def test_a_dicom_uid_passes(uid):
    assert uid_problem(uid) is None


@pytest.mark.parametrize(("uid", "problem"), [
    ("", "empty"),
    ("../../../x", "characters other than digits and dots"),
    ("/etc/passwd", "characters other than digits and dots"),
    ("1.2/3", "characters other than digits and dots"),
    ("C:\\x", "characters other than digits and dots"),
    ("1.2.3\n", "characters other than digits and dots"),  # "$" would let this through
    ("1.2.3 ", "characters other than digits and dots"),
    ("1.\u0662.3", "characters other than digits and dots"),  # an Arabic-Indic two: \d
    ("1.02.3", "the component '02' starts with a zero"),
    ("1..2", "an empty component (a dot at an end, or two together)"),
    (".1.2", "an empty component (a dot at an end, or two together)"),
    ("2.25." + "1" * 60, "65 characters, more than 64"),
])
def test_a_value_outside_the_uid_grammar_is_named_with_its_problem(uid, problem):
    assert uid_problem(uid) == problem


# --- zip archives: one open, every member -------------------------------------------------

COUNT_OPENS = """
import json, sys
from pathlib import Path
archive = sys.argv[1]
opens = []
# io.FileIO raises "open" with its mode once per file it opens (os.open, which our opener
# calls inside it, raises a second one with mode None: counted once, here).
sys.addaudithook(lambda event, args: opens.append(args) if event == "open"
                 and str(args[0]) == archive and isinstance(args[1], str) else None)
from core.dicom import scan
result = scan(Path(archive))
print(json.dumps({"opens": len(opens), "images": sum(s.n_images for s in result.series),
                  "rejected": [r.reason for r in result.rejected]}))
"""


def test_a_zip_archive_is_opened_once_for_all_its_members(make_dataset, tmp_path):
    # Before: every member re-opened the archive and parsed its central directory again
    # (8,000 members: 308 s). Counted through the interpreter's audit events, in a child.
    archive = _zip_of_images(tmp_path / "export.zip", make_dataset, 2000)
    found = _run_python(COUNT_OPENS, str(archive))
    assert found == {"opens": 1, "images": 2000, "rejected": []}


def test_many_archives_in_a_folder_are_all_read(make_dataset, tmp_path):
    # More archives than are kept open at once: each is closed and reopened as needed.
    for n in range(12):
        _zip_of_images(tmp_path / f"part{n:02d}.zip", make_dataset, 3, f"1.2.3.{n + 1}")
    result = scan(tmp_path)
    assert (len(result.series), result.rejected) == (12, ())
    assert all(s.n_images == 3 for s in result.series)


def test_an_archive_named_twice_counts_once_against_the_limit(make_dataset, tmp_path):
    archive = _zip_of_images(tmp_path / "export.zip", make_dataset, 3)
    size = sum(i.file_size for i in zipfile.ZipFile(archive).infolist())
    with Archives(ZipLimits(max_total_bytes=size)) as archives:
        result = scan([archive, tmp_path], archives=archives)
    assert (result.series[0].n_images, result.rejected) == (3, ())


# --- zip bombs ---------------------------------------------------------------------------

def _lie_about_sizes(source: Path, target: Path, declared: int) -> Path:
    """A copy of *source* whose central directory declares every member *declared* bytes
    long: a directory entry can lie, and only reading finds out."""
    data = bytearray(source.read_bytes())
    cd_size, cd_offset = int.from_bytes(data[-10:-6], "little"), \
        int.from_bytes(data[-6:-2], "little")
    pos = cd_offset
    while pos < cd_offset + cd_size:
        assert data[pos:pos + 4] == b"PK\x01\x02"
        data[pos + 24:pos + 28] = declared.to_bytes(4, "little")  # uncompressed size
        name, extra, comment = (int.from_bytes(data[pos + k:pos + k + 2], "little")
                                for k in (28, 30, 32))
        pos += 46 + name + extra + comment
    target.write_bytes(data)
    return target


SCAN_MEASURED = """
import json, sys
from pathlib import Path
from core.dicom import scan
result = scan(Path(sys.argv[1]))
# VmHWM, not ru_maxrss: Linux carries the parent's peak over into ru_maxrss at fork and
# exec, so a child of a large pytest process would report the parent's memory.
peak = next(int(line.split()[1]) * 1024 for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"peak_bytes": peak, "series": len(result.series),
                  "rejected": [[r.path.name, r.reason, r.unsafe] for r in result.rejected]}))
"""


@needs_proc
def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it(zip_bomb):
    # Before: 3.1 GB of memory. Now its central directory alone refuses it.
    found = _run_python(SCAN_MEASURED, str(zip_bomb))
    assert found["series"] == 0
    rejected = found["rejected"]
    assert [name for name, _, _ in rejected] == ["IM1", "IM2"]  # type: ignore[union-attr]
    for _, text, unsafe in rejected:  # type: ignore[union-attr]
        assert unsafe
        assert re.fullmatch(r"zip member unpacks to 1\.5 GiB from 1\.\d+ MiB \(1,0\d\d:1, "
                            r"more than the 100:1 allowed; a zip bomb\?\): not read", text)
    assert found["peak_bytes"] < 200 * MiB


@needs_proc
def test_a_bomb_whose_directory_lies_is_stopped_while_it_is_read(zip_bomb, tmp_path):
    # Each member claims 900 KiB (too small for the ratio rule) but inflates to 1.5 GiB:
    # reading stops at the declared size, and the member is refused.
    liar = _lie_about_sizes(zip_bomb, tmp_path / "liar.zip", 900 * 1024)
    found = _run_python(SCAN_MEASURED, str(liar))
    assert found["series"] == 0
    rejected = found["rejected"]
    assert [name for name, _, _ in rejected] == ["IM1", "IM2"]  # type: ignore[union-attr]
    assert all(text.startswith("the zip member cannot be unpacked (Bad CRC-32")
               for _, text, _ in rejected)  # type: ignore[union-attr]
    assert found["peak_bytes"] < 200 * MiB


def test_entries_that_overlap_are_refused(make_dataset, tmp_path):
    # A bomb can multiply one compressed block with many directory entries pointing at it.
    ds = make_dataset(pixels=np.zeros((256, 256), "int16"))
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("IM1", buffer.getvalue())
    data = one.read_bytes()
    cd_offset = int.from_bytes(data[-6:-2], "little")
    entry = data[cd_offset:-22]
    copies = [entry] + [entry.replace(b"IM1", f"IM{k}".encode()) for k in range(2, 10)]
    eocd = bytearray(data[-22:])
    eocd[8:10] = eocd[10:12] = len(copies).to_bytes(2, "little")
    eocd[12:16] = sum(len(c) for c in copies).to_bytes(4, "little")
    (tmp_path / "overlap.zip").write_bytes(data[:cd_offset] + b"".join(copies) + eocd)
    (rejected,) = scan(tmp_path / "overlap.zip").rejected
    assert rejected.unsafe
    assert rejected.reason.startswith("its entries claim 1.13 MiB of compressed data in a "
                                      "file of 129 KiB: they overlap (a crafted archive)")


def test_many_small_members_that_compress_too_well_are_refused_together(tmp_path):
    # Each 1 MiB of zeros is small enough for the per-member rule; the archive is not.
    path = tmp_path / "zeros.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for k in range(20):
            archive.writestr(f"IM{k}", bytes(MiB))
    (rejected,) = scan(path).rejected
    assert (rejected.path, rejected.unsafe) == (path, True)
    assert rejected.reason.startswith("its members unpack to 20 MiB from a file of ")
    assert "more than the 100:1 allowed; a zip bomb?); not read" in rejected.reason


def test_the_import_limit_counts_every_archive_of_the_scan(make_dataset, tmp_path):
    first = _zip_of_images(tmp_path / "a.zip", make_dataset, 4, "1.2.3.1")
    second = _zip_of_images(tmp_path / "b.zip", make_dataset, 4, "1.2.3.2")
    size = sum(i.file_size for i in zipfile.ZipFile(first).infolist())
    with Archives(ZipLimits(max_total_bytes=size + 100)) as archives:
        result = scan([first, second], archives=archives)
    assert [s.series_instance_uid for s in result.series] == ["1.2.3.1"]
    (refused,) = result.rejected
    assert (refused.path, refused.unsafe) == (second, True)
    assert " of the archives listed before it, more than the " in refused.reason
    assert refused.reason.endswith("one import may unpack; import it on its own or raise "
                                   "the limit (mrecist import --max-unzipped-gib)")


def test_a_member_larger_than_a_member_may_be_is_not_read(make_dataset, tmp_path):
    archive = _zip_of_images(tmp_path / "a.zip", make_dataset, 2)
    with Archives(ZipLimits(max_member_bytes=100)) as archives:
        result = scan(archive, archives=archives)
    assert result.series == ()
    assert [r.unsafe for r in result.rejected] == [True, True]
    assert all(r.reason.startswith("zip member unpacks to ") and
               r.reason.endswith("more than the 100 bytes a member may (a zip bomb?): not "
                                 "read") for r in result.rejected)
    # A ref made elsewhere (as a loaded header makes it) is held to the same limit.
    with pytest.raises(UnsafeSourceError, match="more than the 100 bytes"), \
            Archives(ZipLimits(max_member_bytes=100)) as archives:
        archives.open(FileRef(archive, "DICOM/IM00000"))


# --- only regular files ------------------------------------------------------------------

SCAN_REPORT = """
import json, sys
from pathlib import Path
from core.dicom import scan
from core.dicom.sources import FileRef, UnsafeSourceError
result = scan([Path(p) for p in sys.argv[1:]])
try:
    FileRef(Path(sys.argv[1]) / "pipe").open()
    opened = "opened"
except UnsafeSourceError as exc:
    opened = exc.reason
print(json.dumps({"images": sum(s.n_images for s in result.series), "opened": opened,
                  "rejected": {r.path.name: [r.reason, r.unsafe] for r in result.rejected}}))
"""


def _character_device() -> Path:
    """/dev/zero (endless) or another character device this machine still has as one."""
    for name in ("/dev/zero", "/dev/null", "/dev/urandom", "/dev/tty"):
        if Path(name).exists() and stat.S_ISCHR(os.stat(name).st_mode):
            return Path(name)
    pytest.skip("no character device found under /dev")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_sockets_and_devices_are_skipped_never_opened(write_image, tmp_path):
    # Before: a FIFO in an import folder hung the scan forever (open waits for a writer).
    folder = tmp_path / "export"
    write_image(folder, "IM1")
    os.mkfifo(folder / "pipe")
    (folder / "link-to-pipe").symlink_to(folder / "pipe")
    (folder / "device").symlink_to(_character_device())
    lone_fifo = tmp_path / "lone"
    os.mkfifo(lone_fifo)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "sock"))
        found = _run_python(SCAN_REPORT, str(folder), str(lone_fifo))
    finally:
        server.close()
    skipped = "not a regular file: skipped (only regular files are read)"
    assert found == {
        "images": 1,
        "opened": f"a FIFO (named pipe), {skipped}",
        "rejected": {
            "link-to-pipe": [f"a symbolic link to a FIFO (named pipe), {skipped}", True],
            "pipe": [f"a FIFO (named pipe), {skipped}", True],
            "sock": [f"a socket, {skipped}", True],
            "device": [f"a symbolic link to a character device, {skipped}", True],
            "lone": [f"a FIFO (named pipe), {skipped}", True],
        }}


# --- DICOMDIR ----------------------------------------------------------------------------

def test_a_dicomdir_entry_that_points_outside_its_folder_is_not_followed(write_image,
                                                                         tmp_path):
    cd_files = Path(get_testdata_file("DICOMDIR", download=False)).parent  # type: ignore[arg-type]
    shutil.copytree(cd_files, tmp_path / "cd")
    secret = write_image(tmp_path / "elsewhere", "IM", series_uid="9.9.9")
    dicomdir = pydicom.dcmread(tmp_path / "cd" / "DICOMDIR")
    records = [r for r in dicomdir.DirectoryRecordSequence if r.get("ReferencedFileID")]
    with warnings.catch_warnings():  # pydicom warns: not a valid CS value, as intended
        warnings.simplefilter("ignore")
        records[0].ReferencedFileID = ["..", "elsewhere", "IM"]
        records[1].ReferencedFileID = [str(secret)]
    dicomdir.save_as(tmp_path / "cd" / "DICOMDIR")
    result = scan(tmp_path / "cd" / "DICOMDIR")
    assert "9.9.9" not in {s.series_instance_uid for s in result.series}
    outside = [r for r in result.rejected if "points outside" in r.reason]
    assert [(r.path.name, r.unsafe) for r in outside] == [("DICOMDIR", True)] * 2
    assert outside[0].reason == ("ReferencedFileID '../elsewhere/IM' points outside the "
                                 "DICOMDIR's folder (PS3.10 §8.5): not read")
    assert len(result.series) > 0  # the other records are still read
