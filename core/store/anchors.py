"""Anchors of the audit chain outside the database: (row count, head hash, time).

The chain proves that no row was edited in place, but whoever can write the file can
delete its last rows, or rewrite every row and recompute every hash, and the chain still
holds. An anchor kept elsewhere remembers how long the chain was and how it ended; an audit
that is shorter than an anchor, or whose row at that count has another hash, was truncated
or rewritten (docs/security.md §3).

Anchors are kept
- in the checkpoint file beside the store (``<store>.anchors``, one JSON line appended after
  every committed action, and optionally in a copy at a path the site chooses, e.g. a
  network share the readers' accounts cannot write);
- beside each backup (``<backup>.anchor``), and in the backup itself;
- in every exported or printed report.

Only the standard library: ``core.store.db`` appends after each commit.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import StoreError

CHECKPOINT_SUFFIX = ".anchors"
BACKUP_ANCHOR_SUFFIX = ".anchor"
# Why a line was written. A checkpoint file starts with "create" (a new store) or "upgrade"
# (the first open by a version that writes anchors); "restart" means it had gone missing.
STARTS = ("create", "upgrade")
SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_ANCHOR_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Anchor:
    """The audit had *rows* rows ending in *head* at *utc*."""

    rows: int
    head: str
    utc: str
    by: str = "commit"
    start: int | None = None  # the audit's length before the action; None: not known

    def line(self) -> str:
        """The anchor as one JSON line."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


def checkpoint_path(store_path: Path) -> Path:
    """The checkpoint file beside the store at *store_path*."""
    return store_path.with_name(store_path.name + CHECKPOINT_SUFFIX)


def append(path: Path, anchor: Anchor, *, durable: bool = True) -> None:
    """Append *anchor* to the anchor file at *path*; with *durable*, sync it to disk.

    Only to a regular file, never through a symbolic link, and never waiting: a FIFO put
    in its place would otherwise hang every commit.

    Raises
    ------
    OSError
        The file cannot be written, or is not a regular file.
    """
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.write(descriptor, anchor.line().encode("utf-8"))
        if durable:
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _anchor_from(data: object, where: str) -> Anchor:
    if isinstance(data, dict) and isinstance(data.get("audit_anchor"), dict):
        data = data["audit_anchor"]  # an exported report
    if not isinstance(data, dict):
        raise StoreError(where, "not an audit anchor")
    rows, head, start = data.get("rows"), data.get("head"), data.get("start")
    if (not _count(rows) or not isinstance(head, str) or len(head) != 64
            or not (start is None or _count(start))):
        raise StoreError(where, "not an audit anchor (rows and head hash expected)")
    assert isinstance(rows, int)
    return Anchor(rows, head, str(data.get("utc", "")), str(data.get("by", "")),
                  start if isinstance(start, int) else None)


def _count(value: object) -> bool:
    """A row count SQLite can hold (a line claiming 10**30 rows is no anchor)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in *path*: an anchor file, an exported report, or a store backup.

    Raises
    ------
    StoreError
        Naming the file (and line) that cannot be read or holds something else.
    """
    try:
        if not path.exists():
            raise StoreError(path, "no such anchor file")
        if not path.is_file():
            raise StoreError(path, "not a regular file")
        if path.stat().st_size > MAX_ANCHOR_FILE_BYTES:
            raise StoreError(path, "too large for an anchor file")
        with open(path, "rb") as source:
            magic = source.read(len(SQLITE_MAGIC))
        if magic == SQLITE_MAGIC:
            return [_backup_anchor(path)]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(path, f"cannot be read as an anchor file: {error}") from None
    try:  # one JSON document: a report, or an anchor file of one line
        return [_anchor_from(json.loads(text), f"{path}")]
    except (ValueError, RecursionError):
        pass
    return [_anchor_from(_json(line, f"{path}:{number}"), f"{path}:{number}")
            for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def _json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise StoreError(where, "not valid JSON") from None


def _backup_anchor(path: Path) -> Anchor:
    """The head of the audit inside a backup (read-only, immutable: nothing written beside)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            row = conn.execute("SELECT id, hash, utc FROM audit ORDER BY id DESC "
                               "LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise StoreError(path, f"not a store backup: {error}") from None
    if row is None:
        raise StoreError(path, "a store backup with an empty audit")
    return Anchor(int(row[0]), str(row[1]), str(row[2]), "backup")


def lines_problems(anchors: Iterable[Anchor], *, own: bool = True) -> list[str]:
    """What is wrong with an anchor file's own sequence of anchors.

    Lines of two processes may be written out of order, so the sequence is taken in audit
    order. *own* is the checkpoint beside the store, which must start at the store's
    creation (or upgrade); a site copy starts when the site set it.
    """
    anchors = sorted(anchors, key=lambda anchor: (anchor.rows, anchor.start or 0))
    if not anchors:
        return ["is empty"]
    problems = []
    first = min(anchors, key=lambda anchor: anchor.start if anchor.start is not None
                else anchor.rows)
    if own and first.by not in STARTS:
        problems.append(f"starts at audit row {first.rows} ({first.by!r}), not at "
                        "the store's creation: earlier rows are not anchored by it")
    problems += [f"was restarted at audit row {a.rows}: it had gone missing"
                 for a in anchors if a.by == "restart"]
    return problems


def unanchored_spans(anchors: Iterable[Anchor], audit_rows: int) -> list[tuple[int, int]]:
    """Spans of audit rows (first, last) that no anchored action wrote.

    Each anchor covers the rows from its ``start`` to its ``rows``; what no anchor covers,
    up to the audit's last row, was added outside the application — or committed just
    before a crash, with no time left to write its anchor line.
    """
    spans = []
    covered = 0
    for anchor in sorted(anchors, key=lambda anchor: (anchor.rows, anchor.start or 0)):
        start = anchor.rows if anchor.start is None else anchor.start
        if anchor.by in STARTS:
            start = min(start, covered)
        if start > covered:
            spans.append((covered + 1, start))
        covered = max(covered, anchor.rows)
    if audit_rows > covered:
        spans.append((covered + 1, audit_rows))
    return spans
