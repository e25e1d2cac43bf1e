"""Every write of an audited table, with the audit row that lets ``verify`` replay it.

A table is changed only through these functions, so the audit holds, for every row of
every audited table, what it must contain now: a creation records the whole row as it was
stored (defaults included), an update the new value of each column it changed, a deletion
the row it removed. ``core.store.replay`` applies the audit in order and compares the
result with the tables, which catches a row changed by direct SQL however the chain was
left (docs/security.md §3).

Columns holding a secret (a password hash) are recorded as their SHA-256 only, under
``<column>_sha256``: the audit can be shown to an inspector. Keys of an audit row's
after-value that are not columns (notes such as a subject's code) are not replayed.
Ids of rows a reader's work creates are random, not sequential, so an id a reader sees says
nothing about how much the other reader has done (docs/security.md §4).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from core.store import audit
from core.store.audited import (
    ENTITY_TABLES,
    GROUP_COLUMNS,
    RANDOM_ID_TABLES,
    recorded,
)
from core.store.db import Store

_RANDOM_ID_BITS = 53  # exact in a JSON number read by any language


def _table(entity: str) -> str:
    return ENTITY_TABLES[entity]


def _fresh_id(store: Store, table: str) -> int:
    while True:
        candidate = secrets.randbits(_RANDOM_ID_BITS) or 1
        if store._row(f"SELECT 1 FROM {table} WHERE id = ?", (candidate,)) is None:
            return candidate


def stored_row(store: Store, table: str, row_id: int) -> dict[str, Any] | None:
    """Row *row_id* of *table* as stored, or ``None``."""
    return store._row(f"SELECT * FROM {table} WHERE id = ?", (row_id,))


def insert(store: Store, actor: int | None, entity: str, values: Mapping[str, Any], *,
           action: str = "create", note: Mapping[str, Any] | None = None,
           row_id: int | None = None) -> int:
    """Insert one row of *entity*'s table and audit it whole; return its id."""
    table = _table(entity)
    columns = dict(values)
    if row_id is not None:
        columns["id"] = row_id
    elif table in RANDOM_ID_TABLES:
        columns["id"] = _fresh_id(store, table)
    names = ", ".join(columns)
    marks = ", ".join(f":{name}" for name in columns)
    new_id = store._execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", columns)
    new_id = int(columns.get("id", new_id))
    row = stored_row(store, table, new_id)
    assert row is not None  # just inserted inside this transaction
    audit.record(store, actor, action, entity, new_id, None,
                 {**dict(note or {}), **recorded(table, row)})
    return new_id


def update(store: Store, actor: int | None, entity: str, row_id: int,
           changes: Mapping[str, Any], *, action: str = "update",
           note: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Change columns of one row and audit their old and new values; return the old row.

    Raises
    ------
    LookupError
        If there is no such row (the caller found it in the same transaction).
    """
    table = _table(entity)
    before = stored_row(store, table, row_id)
    if before is None:
        raise LookupError(f"{table} has no row {row_id}")
    assignments = ", ".join(f"{name} = :{name}" for name in changes)
    store._execute(f"UPDATE {table} SET {assignments} WHERE id = :_row_id",
                  {**changes, "_row_id": row_id})
    old = recorded(table, {name: before[name] for name in changes})
    new = recorded(table, dict(changes))
    audit.record(store, actor, action, entity, row_id, old, {**dict(note or {}), **new})
    return before


def delete(store: Store, actor: int | None, entity: str, row_id: int, *,
           action: str = "delete",
           note: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """Delete one row and audit what it held; return it, or ``None`` if there was none.

    A *note* (the reason for removing a clinical entry) is the audit row's after-value;
    the replay removes the row whatever its after-value says.
    """
    table = _table(entity)
    before = stored_row(store, table, row_id)
    if before is None:
        return None
    store._execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    audit.record(store, actor, action, entity, row_id, recorded(table, before),
                 dict(note) if note else None)
    return before


def group_digest(store: Store, table: str, group_id: int) -> tuple[int, str]:
    """(count, digest) of the rows of one group of a grouped table, as stored."""
    column = GROUP_COLUMNS[table]
    rows = [recorded(table, row) for row in
            store._rows(f"SELECT * FROM {table} WHERE {column} = ? ORDER BY id", (group_id,))]
    return len(rows), audit.digest(rows)


def insert_group(store: Store, actor: int | None, entity: str, group_id: int,
                 rows: Sequence[Mapping[str, Any]], *,
                 note: Mapping[str, Any] | None = None) -> int:
    """Insert rows of one group (images of a series) with one audit row for the group.

    The audit records the group's count and digest after the insert, so replay compares
    the whole group, not each row.
    """
    if not rows:
        return 0
    table = _table(entity)
    column = GROUP_COLUMNS[table]
    names = list(rows[0])
    sql = (f"INSERT INTO {table} ({', '.join(names)}) "
           f"VALUES ({', '.join(':' + name for name in names)})")
    for row in rows:
        if row[column] != group_id:
            raise ValueError(f"a row of {table} outside group {group_id}")
        store._execute(sql, dict(row))
    count, sha = group_digest(store, table, group_id)
    audit.record(store, actor, "create", entity, group_id, None,
                 {**dict(note or {}), "group_column": column, "count": count, "sha256": sha})
    return len(rows)
