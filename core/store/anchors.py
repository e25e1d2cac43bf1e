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

import itertools
import json
import os
import sqlite3
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

    def line(self) -> str:
        """The anchor as one JSON line."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


def checkpoint_path(store_path: Path) -> Path:
    """The checkpoint file beside the store at *store_path*."""
    return store_path.with_name(store_path.name + CHECKPOINT_SUFFIX)


def append(path: Path, anchor: Anchor) -> None:
    """Append *anchor* to the anchor file at *path* and make it durable."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(anchor.line())
        out.flush()
        os.fsync(out.fileno())


def _anchor_from(data: object, where: str) -> Anchor:
    if isinstance(data, dict) and isinstance(data.get("audit_anchor"), dict):
        data = data["audit_anchor"]  # an exported report
    if not isinstance(data, dict):
        raise StoreError(where, "not an audit anchor")
    rows, head = data.get("rows"), data.get("head")
    if (not isinstance(rows, int) or isinstance(rows, bool) or rows < 0
            or not isinstance(head, str) or len(head) != 64):
        raise StoreError(where, "not an audit anchor (rows and head hash expected)")
    return Anchor(rows, head, str(data.get("utc", "")), str(data.get("by", "")))


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in *path*: an anchor file, an exported report, or a store backup.

    Raises
    ------
    StoreError
        Naming the file (and line) that cannot be read or holds something else.
    """
    try:
        if not path.is_file():
            raise StoreError(path, "no such anchor file")
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


def lines_problems(anchors: Iterable[Anchor]) -> list[str]:
    """What is wrong with the checkpoint file's own sequence of anchors."""
    anchors = list(anchors)
    if not anchors:
        return ["is empty"]
    problems = []
    if anchors[0].by not in STARTS:
        problems.append(f"starts at audit row {anchors[0].rows} ({anchors[0].by!r}), not at "
                        "the store's creation: earlier rows are not anchored by it")
    problems += [f"was restarted at audit row {a.rows}: it had gone missing"
                 for a in anchors[1:] if a.by == "restart"]
    for earlier, later in itertools.pairwise(anchors):
        if later.rows < earlier.rows:
            problems.append(f"goes back from row {earlier.rows} to row {later.rows}")
            break
    return problems
