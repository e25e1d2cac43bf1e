"""The audit trail: append-only rows chained by SHA-256 (21 CFR 11.10(e)).

Each row records who (user id), when (UTC), what (action, entity, id) and the entity's
content before and after, and is written in the same transaction as the change it records,
so a crash loses both or neither. Its ``hash`` is SHA-256 over the previous row's hash and
its own content; triggers refuse UPDATE and DELETE, and ``verify`` finds the first row
whose link does not hold (a row edited with the triggers dropped, or removed mid-chain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.store.chain import GENESIS_HASH, digest, row_hash, to_json
from core.store.db import Store, utc_now

__all__ = ["GENESIS_HASH", "AuditVerdict", "digest", "latest", "record", "to_json", "verify"]


def record(
    store: Store,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one audit row; call inside the ``Store.transaction()`` of the change."""
    head = store._row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
    prev_hash = head["hash"] if head else GENESIS_HASH
    row = {
        "id": (head["id"] + 1) if head else 1,
        "utc": utc_now(),
        "user_id": user_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before_json": to_json(before),
        "after_json": to_json(after),
    }
    store._execute(
        "INSERT INTO audit (id, utc, user_id, action, entity, entity_id, before_json, "
        "after_json, prev_hash, hash) VALUES (:id, :utc, :user_id, :action, :entity, "
        ":entity_id, :before_json, :after_json, :prev_hash, :hash)",
        {**row, "prev_hash": prev_hash, "hash": row_hash(prev_hash, row)},
    )


@dataclass(frozen=True, slots=True)
class AuditVerdict:
    """The outcome of ``verify``: rows checked and the first broken link, if any."""

    rows_checked: int
    first_broken_id: int | None = None
    reason: str | None = None

    @property
    def is_intact(self) -> bool:
        """True when every link of the chain holds."""
        return self.first_broken_id is None


def verify(store: Store) -> AuditVerdict:
    """Recompute the chain from the first row on and report the first broken link."""
    prev_hash = GENESIS_HASH
    expected_id = 1
    checked = 0
    for row in store._db.query("SELECT * FROM audit ORDER BY id"):
        if row["id"] != expected_id:
            return AuditVerdict(checked, row["id"],
                                f"row {expected_id} is missing before row {row['id']}")
        if row["prev_hash"] != prev_hash:
            return AuditVerdict(checked, row["id"], "does not link to the previous row's hash")
        if row["hash"] != row_hash(prev_hash, row):
            return AuditVerdict(checked, row["id"], "content does not match its hash")
        prev_hash = row["hash"]
        expected_id += 1
        checked += 1
    return AuditVerdict(checked)


def latest(store: Store, action: str, entity: str) -> tuple[str, Any] | None:
    """(time, after-value) of the newest audit row of *action* on *entity*, or ``None``."""
    row = store._row("SELECT utc, after_json FROM audit WHERE action = ? AND entity = ? "
                    "ORDER BY id DESC LIMIT 1", (action, entity))
    if row is None:
        return None
    return row["utc"], json.loads(row["after_json"]) if row["after_json"] else None
