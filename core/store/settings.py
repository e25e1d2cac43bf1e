"""Site settings: one JSON value per key, written through the ledger (so audited)."""

from __future__ import annotations

import json
from typing import Any

from core.store import ledger
from core.store.db import Store


def get_setting(store: Store, key: str, default: Any = None) -> Any:
    """The value of setting *key*, or *default*."""
    row = store._row("SELECT value_json FROM settings WHERE key = ?", (key,))
    return json.loads(row["value_json"]) if row else default


def put_setting(store: Store, actor: int | None, key: str, value: Any) -> None:
    """Set *key* to *value* inside the caller's transaction."""
    text = json.dumps(value, sort_keys=True)
    row = store._row("SELECT id FROM settings WHERE key = ?", (key,))
    if row is None:
        ledger.insert(store, actor, "setting", {"key": key, "value_json": text})
    else:
        ledger.update(store, actor, "setting", row["id"], {"value_json": text})
