"""Where DICOM files come from: folders (recursively), zip archives and DICOMDIR indexes.

A scan sees a flat list of :class:`FileRef`: a file on disk, or a member of a zip archive.
Nothing here parses an image; a source that cannot be listed becomes a rejection with its
reason, never an exception.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pydicom
from pydicom.errors import BytesLengthException, InvalidDicomError

# A zip member larger than this is not read into memory: no CT or MR image file is this big,
# and a crafted archive could otherwise claim any size (a "zip bomb").
MAX_ZIP_MEMBER_BYTES = 2 * 1024**3

# Errors that reading a damaged zip archive or DICOMDIR can raise inside the standard library
# and pydicom; each means "this source cannot be used", never a bug in the caller.
_SOURCE_ERRORS = (
    OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
    RuntimeError, NotImplementedError, OverflowError, zipfile.BadZipFile,
    zipfile.LargeZipFile,
    BytesLengthException, InvalidDicomError,
)


@dataclass(frozen=True, slots=True)
class FileRef:
    """One file to read: a path on disk, or a *member* of the zip archive at *path*."""

    path: Path
    member: str | None = None

    @property
    def display_path(self) -> Path:
        """The path to show a person: ``archive.zip/folder/file`` for a zip member."""
        return self.path / self.member if self.member else self.path

    def open(self) -> BinaryIO:
        """Open for binary reading; the caller closes it."""
        if self.member is None:
            return self.path.open("rb")
        with zipfile.ZipFile(self.path) as archive:
            info = archive.getinfo(self.member)
            if info.file_size > MAX_ZIP_MEMBER_BYTES:
                raise OSError(f"zip member of {info.file_size:,} bytes is too large to read")
            return io.BytesIO(archive.read(info))


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A file or archive that could not be listed, and why."""

    path: Path
    reason: str


def list_files(roots: Iterable[Path]) -> tuple[list[FileRef], list[SourceProblem]]:
    """Every file under *roots*, with zip members and DICOMDIR references expanded.

    A DICOMDIR is an index, not an image: the files it lists are scanned (once, even when a
    folder walk finds them too), and the DICOMDIR itself is neither scanned nor rejected.
    """
    refs: dict[tuple[Path, str | None], FileRef] = {}
    problems: list[SourceProblem] = []
    for root in roots:
        for ref in _expand(Path(root), problems):
            refs.setdefault((ref.path, ref.member), ref)
    return sorted(refs.values(), key=lambda r: (str(r.path), r.member or "")), problems


def _expand(root: Path, problems: list[SourceProblem]) -> Iterator[FileRef]:
    if root.is_dir():
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                yield from _expand_file(Path(folder) / name, problems)
    elif root.is_file():
        yield from _expand_file(root, problems)
    else:
        problems.append(SourceProblem(root, "no such file or folder"))


def _expand_file(path: Path, problems: list[SourceProblem]) -> Iterator[FileRef]:
    # Only names ending in .zip are opened as archives here: testing every file would cost
    # an extra open per image. A zip under another name is found when it fails to read as
    # DICOM (see expand_archive).
    if path.name.upper() == "DICOMDIR":
        yield from _dicomdir_files(path, problems)
    elif path.suffix.lower() == ".zip":
        yield from _zip_members(path, problems)
    else:
        yield FileRef(path)


def expand_archive(ref: FileRef, problems: list[SourceProblem]) -> list[FileRef] | None:
    """The members of *ref* if it is a zip archive on disk under any name, else None."""
    if ref.member is not None:
        return None
    try:
        is_zip = zipfile.is_zipfile(ref.path)
    except OSError:
        return None
    return list(_zip_members(ref.path, problems)) if is_zip else None


def _zip_members(path: Path, problems: list[SourceProblem]) -> Iterator[FileRef]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except _SOURCE_ERRORS as exc:
        problems.append(SourceProblem(path, f"damaged zip archive ({exc})"))
        return
    for info in infos:
        if info.is_dir() or info.filename.endswith("/"):
            continue
        if info.flag_bits & 0x1:
            problems.append(SourceProblem(path / info.filename,
                                          "encrypted zip member: extract it with its password"))
        elif info.filename.lower().endswith(".zip"):
            problems.append(SourceProblem(path / info.filename,
                                          "zip archive inside a zip archive: extract it first"))
        else:
            yield FileRef(path, info.filename)


def _dicomdir_files(path: Path, problems: list[SourceProblem]) -> Iterator[FileRef]:
    try:
        ds = pydicom.dcmread(path)
        # The records themselves, not pydicom's FileSet: FileSet silently drops the files
        # that are missing, and a reader must be told about those.
        listed = [path.parent.joinpath(*_file_id(record.ReferencedFileID))
                  for record in ds.DirectoryRecordSequence
                  if record.get("ReferencedFileID")]
    except _SOURCE_ERRORS as exc:
        # An unreadable index must not hide the images beside it: scan its folder instead.
        problems.append(SourceProblem(path, f"unreadable DICOMDIR ({exc}); the folder "
                                            "beside it was scanned instead"))
        for folder, dirs, names in os.walk(path.parent):
            dirs.sort()
            yield from (FileRef(Path(folder) / n) for n in sorted(names)
                        if Path(folder) / n != path)
        return
    for file_path in listed:
        found = _existing_case_insensitive(file_path)
        if found is None:
            problems.append(SourceProblem(file_path, f"listed in {path.name} but missing"))
        else:
            yield FileRef(found)


def _file_id(value: object) -> list[str]:
    # Not a str: a multi-valued ReferencedFileID, or else the TypeError of a damaged
    # DICOMDIR, which the caller reports (_SOURCE_ERRORS).
    parts = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return [str(p) for p in parts if str(p)]


def _existing_case_insensitive(path: Path) -> Path | None:
    """*path*, or the file whose name differs only in case (CDs are written in upper case)."""
    if path.is_file():
        return path
    current = Path(path.anchor) if path.is_absolute() else Path()
    for part in path.parts[len(current.parts):]:
        candidate = current / part
        if not candidate.exists():
            if not current.is_dir():
                return None
            matches = [p for p in current.iterdir() if p.name.upper() == part.upper()]
            if not matches:
                return None
            candidate = matches[0]
        current = candidate
    return current if current.is_file() else None
