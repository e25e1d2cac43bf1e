"""Persist the key image of each caliper: which PNG shows it, and for which caliper.

Persistence only: whose caliper it is and whether the image still shows it are decided by
``core.actions.key_images``; the PNG itself is a file named by its digest, written there.
"""

from __future__ import annotations

from core.model.reading import Caliper, KeyImage
from core.store import ledger
from core.store.db import Store, utc_now
from core.store.rows import measurement_from_row


def measurement_id(store: Store, lesion_id: int, timepoint_id: int, kind: str) -> int | None:
    """The stored caliper's key, or ``None``."""
    row = store._row("SELECT id FROM measurements WHERE lesion_id = ? AND timepoint_id = ? "
                     "AND kind = ?", (lesion_id, timepoint_id, kind))
    return int(row["id"]) if row else None


def stored_caliper(store: Store, measurement: int) -> Caliper | None:
    """The caliper stored under key *measurement*, or ``None``."""
    row = store._row("SELECT m.*, 0 AS is_lossy FROM measurements m WHERE m.id = ?",
                     (measurement,))
    return measurement_from_row(row).caliper if row else None


def find_key_image(store: Store, measurement: int) -> KeyImage | None:
    """The key image recorded for caliper *measurement*, or ``None``."""
    row = store._row("SELECT * FROM key_images WHERE measurement_id = ?", (measurement,))
    if row is None:
        return None
    return KeyImage(row["png_sha256"], row["path"], row["caliper_sha256"], row["created_utc"])


def put_key_image(store: Store, actor: int, measurement: int, caliper_sha256: str,
                  png_sha256: str, path: str) -> None:
    """Record (or replace) the key image of caliper *measurement*."""
    values = {"caliper_sha256": caliper_sha256, "png_sha256": png_sha256, "path": path,
              "created_utc": utc_now()}
    row = store._row("SELECT id FROM key_images WHERE measurement_id = ?", (measurement,))
    if row is None:
        ledger.insert(store, actor, "key_image", {"measurement_id": measurement, **values})
    else:
        ledger.update(store, actor, "key_image", row["id"], values)


def delete_key_image(store: Store, actor: int, measurement: int) -> None:
    """Forget the key image of a caliper being removed (its file stays: others may share it)."""
    row = store._row("SELECT id FROM key_images WHERE measurement_id = ?", (measurement,))
    if row is not None:
        ledger.delete(store, actor, "key_image", row["id"])
