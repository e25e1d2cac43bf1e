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

from core.model.admin import AuditRecord
from core.store.audited import CLINICAL_ENTITIES
from core.store.chain import GENESIS_HASH, digest, row_hash, to_json
from core.store.db import Store, utc_now

__all__ = ["GENESIS_HASH", "AuditVerdict", "actions", "digest", "latest", "record", "records",
           "to_json", "verify"]

# How the audit links an entity's row to its subject: the column of its creation row that
# names its parent, and the parent's entity. ``images`` rows are audited per series (their
# entity id is the series id); a signature names what it signs in its own columns.
_PARENTS: dict[str, tuple[str, str]] = {
    "timepoint": ("subject_id", "subject"),
    "task": ("subject_id", "subject"),
    "adjudication": ("subject_id", "subject"),
    "final_result": ("subject_id", "subject"),
    "series": ("timepoint_id", "timepoint"),
    "read_timepoint": ("task_id", "task"),
    "lesion": ("task_id", "task"),
    "measurement": ("lesion_id", "lesion"),
    "finding": ("lesion_id", "lesion"),
    "amendment": ("read_timepoint_id", "read_timepoint"),
    "key_image": ("measurement_id", "measurement"),
    **dict.fromkeys(CLINICAL_ENTITIES, ("subject_id", "subject")),
}


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


def _loaded(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:  # a row edited behind the application's back: shown as it is
        return {"unreadable": text[:60]}


class _Subjects:
    """The subject of each audited row, from the audit's own creation rows (so a row
    deleted since, a lesion removed by its reader, still names its subject)."""

    def __init__(self) -> None:
        self._parent: dict[tuple[str, int], tuple[str, int]] = {}
        self._codes: dict[int, str] = {}

    def learn(self, entity: str, entity_id: int | None, after: Any) -> None:
        if entity_id is None or not isinstance(after, dict):
            return
        if entity == "subject" and isinstance(after.get("code"), str):
            self._codes[entity_id] = after["code"]
        elif entity == "signature":
            signed, signed_id = after.get("entity"), after.get("entity_id")
            if isinstance(signed, str) and isinstance(signed_id, int):
                self._parent[("signature", entity_id)] = (signed, signed_id)
        elif entity == "images":
            self._parent[("images", entity_id)] = ("series", entity_id)
        elif entity in _PARENTS:
            column, parent = _PARENTS[entity]
            parent_id = after.get(column)
            if isinstance(parent_id, int):
                self._parent.setdefault((entity, entity_id), (parent, parent_id))

    def of(self, entity: str, entity_id: int | None) -> str | None:
        if entity_id is None:
            return None
        key = (entity, entity_id)
        for _ in range(8):  # key_image > measurement > lesion > task > subject at most
            if key[0] == "subject":
                return self._codes.get(key[1])
            found = self._parent.get(key)
            if found is None:
                return None
            key = found
        return None


def records(store: Store, *, user_id: int | None = None,
            action: str | None = None) -> tuple[AuditRecord, ...]:
    """Every audit row, newest first, with its acting login and subject; only the rows of
    *user_id* and of *action* when given (inside the caller's snapshot)."""
    rows = store._rows(
        "SELECT a.id, a.utc, a.user_id, a.action, a.entity, a.entity_id, a.before_json, "
        "a.after_json, u.login FROM audit a LEFT JOIN users u ON u.id = a.user_id "
        "ORDER BY a.id")
    subjects = _Subjects()
    found = []
    for row in rows:
        after = _loaded(row["after_json"])
        subjects.learn(row["entity"], row["entity_id"], after)
        if user_id is not None and row["user_id"] != user_id:
            continue
        if action is not None and row["action"] != action:
            continue
        found.append(AuditRecord(row["id"], row["utc"], row["login"], row["action"],
                                 row["entity"], row["entity_id"],
                                 _loaded(row["before_json"]), after,
                                 subjects.of(row["entity"], row["entity_id"])))
    found.reverse()
    return tuple(found)


def actions(store: Store) -> tuple[str, ...]:
    """Every action the audit holds, in alphabetical order."""
    return tuple(row["action"] for row in
                 store._rows("SELECT DISTINCT action FROM audit ORDER BY action"))
