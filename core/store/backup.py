"""Backups of a live store with SQLite's online backup API, and their rotation.

The online backup copies a consistent snapshot page by page while other connections keep
reading and writing, so a backup never needs the application closed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from core.errors import StoreError
from core.store.anchors import BACKUP_ANCHOR_SUFFIX, Anchor, append
from core.store.db import Store

# Backups the application keeps per store before deleting the oldest.
DEFAULT_KEEP = 10


def backup(store: Store, out: Path | str) -> Path:
    """Copy the store to *out* (which must not exist) and check the copy's integrity.

    Beside the copy, ``<out>.anchor`` records the audit head it holds: an anchor kept
    apart from the store (docs/security.md §3), as is the copy itself.

    Raises
    ------
    StoreError
        If *out* exists, cannot be written, or the copy fails its integrity check.
    """
    out = Path(out)
    if out.exists():
        raise StoreError(out, "a file is already here; a backup never overwrites")
    try:
        target = sqlite3.connect(str(out))
        try:
            store._db.conn.backup(target, pages=1024)
            verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
            head = target.execute("SELECT id, hash, utc FROM audit ORDER BY id DESC "
                                  "LIMIT 1").fetchone()
        finally:
            target.close()
    except sqlite3.Error as error:
        out.unlink(missing_ok=True)
        raise StoreError(out, f"backup failed: {error}") from None
    if verdict != "ok":
        raise StoreError(out, f"backup failed its integrity check: {verdict}")
    if head is not None:
        append(out.with_name(out.name + BACKUP_ANCHOR_SUFFIX),
               Anchor(int(head[0]), str(head[1]), str(head[2]), "backup"))
    return out


def rotate_backups(store: Store, folder: Path | str, keep: int = DEFAULT_KEEP) -> Path:
    """Write a timestamped backup into *folder* and delete all but the newest *keep*."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    made = backup(store, folder / f"{store.path.stem}-{stamp}.sqlite")
    backups = sorted(folder.glob(f"{store.path.stem}-*.sqlite"))
    for old in backups[:-keep] if keep > 0 else []:
        old.unlink()
        old.with_name(old.name + BACKUP_ANCHOR_SUFFIX).unlink(missing_ok=True)
    return made
