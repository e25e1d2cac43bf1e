"""Where DICOM files come from: folders (recursively), zip archives and DICOMDIR indexes.

A scan sees a flat list of :class:`FileRef`: a file on disk, or a member of a zip archive.
Nothing here parses an image; a source that cannot be listed becomes a rejection with its
reason, never an exception.

The files may be hostile (docs/import-limits.md): only regular files are read, never a
FIFO or device; each zip archive is opened once per scan (:class:`Archives`) and unpacked
within :class:`ZipLimits`, checked before anything is inflated and again while reading; a
DICOMDIR is followed only below its own folder.
"""

from __future__ import annotations

import io
import os
import stat
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pydicom
from pydicom.errors import BytesLengthException, InvalidDicomError

from core.errors import DicomImportError

MiB = 1024**2
GiB = 1024**3

# Errors that reading a damaged zip archive or DICOMDIR can raise inside the standard library
# and pydicom; each means "this source cannot be used", never a bug in the caller.
_SOURCE_ERRORS = (
    OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError,
    RuntimeError, NotImplementedError, OverflowError, zipfile.BadZipFile,
    zipfile.LargeZipFile,
    BytesLengthException, InvalidDicomError,
)
# What inflating a damaged member raises (a bad CRC, a cut stream, an unknown method).
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError)

# Read a zip member in pieces of this size, so a member that inflates past its declared
# size is stopped within one piece of it.
_CHUNK_BYTES = MiB

# Zip archives kept open at once by one Archives: more would risk the process's file limit
# when a folder holds many archives (refs are read in path order, so each is reopened at
# most once).
_MAX_OPEN_ARCHIVES = 8

# Asks the kernel not to wait for a writer when the path turns out to be a FIFO (one
# swapped in after the stat); there are no FIFOs to open by path on Windows.
_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)


class UnsafeSourceError(DicomImportError):
    """Refused by an import safety rule (docs/import-limits.md), not merely unreadable."""


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How much zip archives may make one scan or import unpack (docs/import-limits.md).

    Checked from each archive's central directory before anything is inflated, and again
    while a member is read, since a directory entry can lie.
    """

    #: All members of all archives of one scan (or import), as their directory declares.
    max_total_bytes: int = 64 * GiB
    #: One member is read into memory whole: no CT or MR image file is this big.
    max_member_bytes: int = 2 * GiB
    #: Unpacked to packed size, for each member above *ratio_exempt_bytes* and for each
    #: archive as a whole; real images deflate about 2-4:1.
    max_ratio: int = 100
    #: A member this small may compress better (a blank 512² slice deflates 583:1).
    ratio_exempt_bytes: int = MiB


@dataclass(frozen=True, slots=True)
class FileRef:
    """One file to read: a path on disk, or a *member* of the zip archive at *path*.

    *archives*, when set, is the scan's :class:`Archives`, through which the member is
    read without opening its archive again; it takes no part in comparisons.
    """

    path: Path
    member: str | None = None
    archives: Archives | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def display_path(self) -> Path:
        """The path to show a person: ``archive.zip/folder/file`` for a zip member."""
        return self.path / self.member if self.member else self.path

    def open(self) -> BinaryIO:
        """Open for binary reading; the caller closes it.

        Raises
        ------
        UnsafeSourceError
            Not a regular file, or a zip member beyond the limits of :class:`ZipLimits`.
        DicomImportError
            A zip member that cannot be unpacked.
        OSError
            As ``open`` raises it.
        """
        if self.archives is not None:
            return self.archives.open(self)
        if self.member is None:
            return open_regular(self.path)
        with Archives() as archives:  # one member on its own: the default limits apply
            return archives.open(self)


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A file or archive that could not be listed, and why.

    *unsafe* is True when an import safety rule refused it (docs/import-limits.md).
    """

    path: Path
    reason: str
    unsafe: bool = False


def special_file_problem(mode: int, *, link: bool = False) -> str | None:
    """Why a file of this ``st_mode`` is not read, or None for a regular file.

    *link* says the path is a symbolic link to that file (the reason says so).

    Only regular files are read: opening a FIFO waits for a writer forever, a device can
    be endless (``/dev/zero``) or act when opened, and a socket cannot be opened at all.
    """
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISDIR, "a folder"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    kind = f"a symbolic link to {kind}" if link else kind
    return f"{kind}, not a regular file: skipped (only regular files are read)"


def open_regular(path: Path) -> BinaryIO:
    """Open *path* for binary reading if it is a regular file (or a link to one).

    The file is stat-ed before it is opened, so a FIFO or device is never opened, and
    checked again once open, so one swapped in between is never read.

    Raises
    ------
    UnsafeSourceError
        *path* is a FIFO, socket, device or folder.
    OSError
        As ``open`` raises it (missing, permission denied).
    """
    problem = special_file_problem(os.stat(path).st_mode)
    if problem is not None:
        raise UnsafeSourceError(path, problem)

    def opener(name: str | bytes | os.PathLike[str] | os.PathLike[bytes], flags: int) -> int:
        fd = os.open(name, flags | _NONBLOCK)
        try:
            problem = special_file_problem(os.fstat(fd).st_mode)
            if problem is not None:
                raise UnsafeSourceError(path, problem)
            if _NONBLOCK:
                os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd

    return open(path, "rb", opener=opener)  # the caller closes it


def _size(n: int) -> str:
    """A byte count for people: ``1.5 GiB``, ``12 MiB``."""
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"


class _OpenArchive:
    """A zip archive's central directory, parsed once, and the file it is read through."""

    def __init__(self, path: Path) -> None:
        self.file = open_regular(path)
        try:
            self.size = os.fstat(self.file.fileno()).st_size
            self.zip = zipfile.ZipFile(self.file)
        except BaseException:
            self.file.close()
            raise

    def close(self) -> None:
        self.zip.close()
        self.file.close()  # ZipFile leaves a file it was given open


class Archives:
    """The zip archives of one scan or import, each opened once for all its members.

    Listing an archive (:meth:`members`) checks its central directory against *limits*
    before anything is inflated and keeps it open, so reading its members (:meth:`open`)
    neither opens the file nor parses its directory again. At most a few archives are
    open at a time (the least recently used is closed, and reopened if needed). Close it
    (or use it as a context manager) when the scan is done; it may be shared by threads.
    """

    def __init__(self, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()
        self._open: OrderedDict[Path, _OpenArchive] = OrderedDict()
        self._listed_bytes = 0  # declared unpacked size of every member listed so far
        self._listed: dict[Path, list[FileRef]] = {}  # an archive named twice counts once
        self._lock = threading.RLock()

    def __enter__(self) -> Archives:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close every archive still open."""
        with self._lock:
            while self._open:
                self._open.popitem()[1].close()

    def _archive(self, path: Path) -> _OpenArchive:
        with self._lock:
            archive = self._open.get(path)
            if archive is None:
                archive = self._open[path] = _OpenArchive(path)
                while len(self._open) > _MAX_OPEN_ARCHIVES:
                    self._open.popitem(last=False)[1].close()
            self._open.move_to_end(path)
            return archive

    def members(self, path: Path, problems: list[SourceProblem]) -> list[FileRef]:
        """The members of the zip archive *path* to scan, each read through this object.

        A member that is encrypted, a zip itself or beyond the per-member limits is a
        problem with its reason; so is the whole archive when its directory is damaged,
        its entries overlap, or it would unpack beyond the archive or import limits.
        An archive listed before gives its members again (its problems were told then).
        """
        with self._lock:
            return self._members(path, problems)

    def _members(self, path: Path, problems: list[SourceProblem]) -> list[FileRef]:
        if path in self._listed:
            return list(self._listed[path])
        try:
            archive = self._archive(path)
            infos = archive.zip.infolist()
        except UnsafeSourceError as exc:
            problems.append(SourceProblem(path, exc.reason, unsafe=True))
            return []
        except _SOURCE_ERRORS as exc:
            problems.append(SourceProblem(path, f"damaged zip archive ({exc})"))
            return []
        wanted: list[zipfile.ZipInfo] = []
        for info in infos:
            if info.is_dir() or info.filename.endswith("/"):
                continue
            where = path / info.filename
            if info.flag_bits & 0x1:
                problems.append(SourceProblem(
                    where, "encrypted zip member: extract it with its password"))
            elif info.filename.lower().endswith(".zip"):
                problems.append(SourceProblem(
                    where, "zip archive inside a zip archive: extract it first"))
            elif (problem := self._member_problem(info)) is not None:
                problems.append(SourceProblem(where, problem, unsafe=True))
            else:
                wanted.append(info)
        problem = self._archive_problem(infos, wanted, archive.size)
        if problem is not None:
            problems.append(SourceProblem(path, problem, unsafe=True))
            return []
        self._listed_bytes += sum(info.file_size for info in wanted)
        refs = self._listed[path] = [FileRef(path, info.filename, self) for info in wanted]
        return list(refs)

    def _member_problem(self, info: zipfile.ZipInfo) -> str | None:
        """Why one member is refused from its directory entry alone, or None."""
        limits = self.limits
        if info.file_size > limits.max_member_bytes:
            return (f"zip member unpacks to {_size(info.file_size)}, more than the "
                    f"{_size(limits.max_member_bytes)} a member may (a zip bomb?): not read")
        if (info.file_size > limits.ratio_exempt_bytes
                and info.file_size > limits.max_ratio * info.compress_size):
            ratio = info.file_size / max(info.compress_size, 1)
            return (f"zip member unpacks to {_size(info.file_size)} from "
                    f"{_size(info.compress_size)} ({ratio:,.0f}:1, more than the "
                    f"{limits.max_ratio}:1 allowed; a zip bomb?): not read")
        return None

    def _archive_problem(self, infos: list[zipfile.ZipInfo], wanted: list[zipfile.ZipInfo],
                         archive_size: int) -> str | None:
        """Why a whole archive is refused from its central directory, or None."""
        limits = self.limits
        packed = sum(info.compress_size for info in infos)
        if packed > archive_size:
            # The entries of a real archive never share data; a bomb's overlap, to make one
            # compressed block unpack many times.
            return (f"its entries claim {_size(packed)} of compressed data in a file of "
                    f"{_size(archive_size)}: they overlap (a crafted archive); not read")
        unpacked = sum(info.file_size for info in wanted)
        if (unpacked > limits.ratio_exempt_bytes
                and unpacked > limits.max_ratio * archive_size):
            return (f"its members unpack to {_size(unpacked)} from a file of "
                    f"{_size(archive_size)} ({unpacked / max(archive_size, 1):,.0f}:1, more "
                    f"than the {limits.max_ratio}:1 allowed; a zip bomb?); not read")
        if self._listed_bytes + unpacked > limits.max_total_bytes:
            before = (f" with the {_size(self._listed_bytes)} of the archives listed before "
                      "it" if self._listed_bytes else "")
            return (f"its members unpack to {_size(unpacked)}{before}, more than the "
                    f"{_size(limits.max_total_bytes)} one import may unpack; import it on "
                    "its own or raise the limit (mrecist import --max-unzipped-gib)")
        return None

    def open(self, ref: FileRef) -> BinaryIO:
        """*ref* opened for binary reading (a zip member unpacked into memory).

        Raises
        ------
        UnsafeSourceError
            Not a regular file; a member beyond the limits, or one that inflates past the
            size its directory entry declares.
        DicomImportError
            A member that cannot be unpacked (damaged data, an unknown method).
        OSError
            The file or archive cannot be opened.
        """
        if ref.member is None:
            return open_regular(ref.path)
        where = ref.display_path
        with self._lock:
            archive = self._archive(ref.path)
            try:
                info = archive.zip.getinfo(ref.member)
            except KeyError:
                raise DicomImportError(where, "no longer in its zip archive (the archive "
                                              "changed since it was listed)") from None
            # Again here: the archive may have been reopened, or the ref made elsewhere.
            problem = self._member_problem(info)
            if problem is not None:
                raise UnsafeSourceError(where, problem)
            return io.BytesIO(_unpack(archive.zip, info, where))


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: Path) -> bytes:
    """The member's bytes, read in bounded pieces: never more than its declared size."""
    out = io.BytesIO()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK_BYTES):
                if out.tell() + len(chunk) > info.file_size:
                    raise UnsafeSourceError(where, f"zip member inflates past the "
                                                   f"{info.file_size:,} bytes its directory "
                                                   "entry declares (a crafted archive)")
                out.write(chunk)
    except _UNPACK_ERRORS as exc:
        raise DicomImportError(where, f"the zip member cannot be unpacked ({exc})") from None
    return out.getvalue()


def list_files(roots: Iterable[Path],
               archives: Archives | None = None) -> tuple[list[FileRef], list[SourceProblem]]:
    """Every file under *roots*, with zip members and DICOMDIR references expanded.

    A DICOMDIR is an index, not an image: the files it lists are scanned (once, even when a
    folder walk finds them too), and the DICOMDIR itself is neither scanned nor rejected.
    Only regular files (and links to them) are listed; FIFOs, sockets and devices are
    problems with their reason. Zip members are listed through *archives*, and read
    through it afterwards; without it, each member opens its archive anew.
    """
    refs: dict[tuple[Path, str | None], FileRef] = {}
    problems: list[SourceProblem] = []
    own = archives is None
    lister = Archives() if archives is None else archives
    try:
        for root in roots:
            for ref in _expand(Path(root), problems, lister):
                if own:
                    ref = FileRef(ref.path, ref.member)
                refs.setdefault((ref.path, ref.member), ref)
    finally:
        if own:
            lister.close()
    return sorted(refs.values(), key=lambda r: (str(r.path), r.member or "")), problems


def _expand(root: Path, problems: list[SourceProblem],
            archives: Archives) -> Iterator[FileRef]:
    try:
        mode = os.stat(root).st_mode
    except OSError:
        problems.append(SourceProblem(root, "no such file or folder"))
        return
    if stat.S_ISDIR(mode):
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                yield from _expand_file(Path(folder) / name, problems, archives)
    else:
        yield from _expand_file(root, problems, archives)


def _special(path: Path) -> str | None:
    """Why *path* is not listed (not a regular file), or None; a path that cannot be
    stat-ed is listed, and reading it says why it cannot be opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return (None if stat.S_ISREG(mode)
            else special_file_problem(mode, link=path.is_symlink()))


def _expand_file(path: Path, problems: list[SourceProblem],
                 archives: Archives) -> Iterator[FileRef]:
    # Only names ending in .zip are opened as archives here: testing every file would cost
    # an extra open per image. A zip under another name is found when it fails to read as
    # DICOM (see expand_archive).
    if (problem := _special(path)) is not None:
        problems.append(SourceProblem(path, problem, unsafe=True))
    elif path.name.upper() == "DICOMDIR":
        yield from _dicomdir_files(path, problems)
    elif path.suffix.lower() == ".zip":
        yield from archives.members(path, problems)
    else:
        yield FileRef(path, None, archives)


def expand_archive(ref: FileRef, problems: list[SourceProblem]) -> list[FileRef] | None:
    """The members of *ref* if it is a zip archive on disk under any name, else None.

    The members are read through *ref*'s :class:`Archives` when it has one.
    """
    if ref.member is not None:
        return None
    try:
        with open_regular(ref.path) as fp:
            is_zip = zipfile.is_zipfile(fp)
    except (OSError, DicomImportError):
        return None
    if not is_zip:
        return None
    if ref.archives is not None:
        return ref.archives.members(ref.path, problems)
    with Archives() as archives:
        return [FileRef(r.path, r.member) for r in archives.members(ref.path, problems)]


def _dicomdir_files(path: Path, problems: list[SourceProblem]) -> Iterator[FileRef]:
    try:
        with open_regular(path) as fp:
            ds = pydicom.dcmread(fp)
        # The records themselves, not pydicom's FileSet: FileSet silently drops the files
        # that are missing, and a reader must be told about those.
        file_ids = [_file_id(record.ReferencedFileID) for record in ds.DirectoryRecordSequence
                    if record.get("ReferencedFileID")]
    except UnsafeSourceError as exc:
        problems.append(SourceProblem(path, exc.reason, unsafe=True))
        return
    except _SOURCE_ERRORS as exc:
        # An unreadable index must not hide the images beside it: scan its folder instead.
        problems.append(SourceProblem(path, f"unreadable DICOMDIR ({exc}); the folder "
                                            "beside it was scanned instead"))
        for folder, dirs, names in os.walk(path.parent):
            dirs.sort()
            for name in sorted(names):
                file_path = Path(folder) / name
                if file_path == path:
                    continue
                if (problem := _special(file_path)) is not None:
                    problems.append(SourceProblem(file_path, problem, unsafe=True))
                else:
                    yield FileRef(file_path)
        return
    for parts in file_ids:
        if (problem := _file_id_problem(parts)) is not None:
            problems.append(SourceProblem(path, problem, unsafe=True))
            continue
        file_path = path.parent.joinpath(*parts)
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


def _file_id_problem(parts: list[str]) -> str | None:
    """Why a ReferencedFileID is not followed, or None.

    A File ID names a file below the DICOMDIR's folder, one component per folder (PS3.10
    §8.5 allows only A-Z, 0-9 and _ in each; real media bend that, so only what would
    leave the folder is refused: ``..``, a separator, an absolute or drive path).
    """
    for part in parts:
        if (part == ".." or any(c in part for c in "/\\:\0")
                or Path(part).is_absolute()):
            shown = "/".join(parts)
            return (f"ReferencedFileID {shown!r} points outside the DICOMDIR's folder "
                    "(PS3.10 §8.5): not read")
    return None


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
