"""The audit chain's link: SHA-256 over the previous row's hash and a row's content.

Kept apart from ``audit`` so that a migration (which has a database, not a ``Store``) can
append rows with the same hash as the application does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

# The columns of an audit row, in the order its hash covers them.
HASHED_COLUMNS = ("id", "utc", "user_id", "action", "entity", "entity_id", "before_json",
                  "after_json")


def to_json(value: Any) -> str | None:
    """Canonical JSON of *value* (sorted keys), or ``None`` for ``None``."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def digest(value: Any) -> str:
    """SHA-256 of *value*'s canonical JSON."""
    return hashlib.sha256((to_json(value) or "null").encode("utf-8")).hexdigest()


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The hash of audit *row* chained to *prev_hash*."""
    content = json.dumps([row[column] for column in HASHED_COLUMNS], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()
