"""Replay the audit against the tables, and check the schema is the application's own.

The chain (``core.store.audit``) proves the audit was not edited row by row; it says
nothing about the tables. Here the audit is applied in order, as ``core.store.ledger``
wrote it, to build what every audited table must hold now, and the result is compared with
what it holds: a row changed, added or removed by direct SQL is named, however carefully
the chain was left alone. The schema (tables, indexes, triggers) is compared with the one
the migrations build, so a dropped or altered trigger is named too (docs/security.md §3).

Findings name the table, the row and the column, never the values: the person running a
check (an admin, an inspector) must not see a reader's measurements through it.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from core.store.audited import (
    BASELINE,
    BASELINE_START,
    ENTITY_TABLES,
    GROUP_COLUMNS,
    SECRET_COLUMNS,
    recorded,
)
from core.store.chain import digest
from core.store.db import Store
from core.store.migrations import migrations


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One way the file differs from what the application wrote."""

    what: str     # "schema", or the table
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = self.what if self.row_id is None else f"{self.what} row {self.row_id}"
        return f"{where}: {self.reason}"


# -- schema -------------------------------------------------------------------------------

def _objects(db: Database) -> dict[tuple[str, str], str]:
    # Not LIKE 'sqlite_%': "_" matches any character there, so "sqliteX_hidden" would be
    # skipped; only SQLite's own objects (sqlite_autoindex_..., sqlite_stat1) are.
    rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE "
                      "substr(name, 1, 7) <> 'sqlite_'").fetchall()
    return {(kind, name): " ".join((sql or "").split()) for kind, name, sql in rows}


@functools.cache
def expected_schema() -> tuple[tuple[tuple[str, str], str], ...]:
    """The schema every migration step builds on an empty database."""
    with Database(memory=True) as empty:
        migrations.apply(empty)
        return tuple(sorted(_objects(empty).items()))


def schema_discrepancies(store: Store) -> list[Discrepancy]:
    """Tables, indexes and triggers missing, added or changed against the migrations'."""
    expected = dict(expected_schema())
    actual = _objects(store._db)
    found = []
    for (kind, name), sql in sorted(expected.items()):
        if (kind, name) not in actual:
            found.append(Discrepancy("schema", None, f"{kind} {name} is missing"))
        elif actual[(kind, name)] != sql:
            found.append(Discrepancy("schema", None, f"{kind} {name} was changed"))
    for kind, name in sorted(set(actual) - set(expected)):
        found.append(Discrepancy("schema", None, f"{kind} {name} is not the application's"))
    return found


# -- ledger -------------------------------------------------------------------------------

def _columns(store: Store, table: str) -> frozenset[str]:
    names = {row["name"] for row in store._rows(f"PRAGMA table_info({table})")} - {"id"}
    secret = set(SECRET_COLUMNS.get(table, ()))
    return frozenset((names - secret) | {f"{name}_sha256" for name in secret})


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@dataclass
class _Expected:
    rows: dict[str, dict[int, dict[str, Any]]]
    groups: dict[str, dict[int, tuple[int, str]]]
    problems: list[Discrepancy]


def _apply(store: Store) -> _Expected:
    columns = {table: _columns(store, table) for table in ENTITY_TABLES.values()}
    expected = _Expected(defaultdict(dict), defaultdict(dict), [])
    baseline_seen = False
    for row in store._db.query("SELECT id, action, entity, entity_id, after_json FROM audit "
                              "ORDER BY id"):
        action = row["action"]
        if action == BASELINE_START:
            # Written once, by the upgrade to the ledger (m005); another one would wipe
            # what the replay knows, so it is a finding, not a restart.
            if baseline_seen:
                expected.problems.append(Discrepancy("audit", row["id"], "a second ledger "
                                                     "baseline: not the application's"))
                continue
            baseline_seen = True
            expected = _Expected(defaultdict(dict), defaultdict(dict), [])
            continue
        table = ENTITY_TABLES.get(row["entity"])
        row_id = row["entity_id"]
        if table is None or row_id is None:
            continue  # a log-in of an unknown name, a check: no row of a table
        try:
            after = json.loads(row["after_json"]) if row["after_json"] else None
        except (ValueError, RecursionError):
            after = "unreadable"
        if after is not None and not isinstance(after, dict):
            expected.problems.append(Discrepancy("audit", row["id"], "its after-value is "
                                                 "not what the application writes"))
            continue
        if table in GROUP_COLUMNS:
            if after is not None and "sha256" in after:
                count = after.get("count")
                expected.groups[table][row_id] = (count if isinstance(count, int) else -1,
                                                  str(after["sha256"]))
            continue
        rows = expected.rows[table]
        if action == "delete":
            rows.pop(row_id, None)
            continue
        if after is None:
            continue
        values = {key: value for key, value in after.items() if key in columns[table]}
        if action in ("create", BASELINE):
            rows[row_id] = values
        elif row_id in rows:
            rows[row_id].update(values)
        elif values:
            expected.problems.append(Discrepancy(
                table, row_id, f"audit row {row['id']} changes a row the audit never created"))
    return expected


def ledger_discrepancies(store: Store) -> list[Discrepancy]:
    """Rows of audited tables that differ from what the audit says they hold."""
    expected = _apply(store)
    found = list(expected.problems)
    for table in ENTITY_TABLES.values():
        if table in GROUP_COLUMNS:
            found += _group_discrepancies(store, table, expected.groups[table])
            continue
        want = expected.rows[table]
        have = {row["id"]: recorded(table, row) for row in
                store._db.query(f"SELECT * FROM {table}")}
        for row_id in sorted(set(want) - set(have)):
            found.append(Discrepancy(table, row_id, "removed outside the application"))
        for row_id in sorted(set(have) - set(want)):
            found.append(Discrepancy(table, row_id, "added outside the application"))
        for row_id in sorted(set(want) & set(have)):
            current = _normal(have[row_id])
            changed = sorted(column for column in set(current) | set(want[row_id])
                             if current.get(column) != want[row_id].get(column))
            if changed:
                found.append(Discrepancy(table, row_id, f"{', '.join(changed)} changed "
                                         "outside the application"))
    return found


def _group_discrepancies(store: Store, table: str,
                         want: dict[int, tuple[int, str]]) -> list[Discrepancy]:
    column = GROUP_COLUMNS[table]
    found = []
    present = {row[column] for row in store._rows(f"SELECT DISTINCT {column} FROM {table}")}
    for group in sorted(present | set(want)):
        rows = [recorded(table, row) for row in store._rows(
            f"SELECT * FROM {table} WHERE {column} = ? ORDER BY id", (group,))]
        if group not in want:
            found.append(Discrepancy(table, None, f"rows of {column} {group} added outside "
                                     "the application"))
        elif (len(rows), digest(rows)) != want[group]:
            found.append(Discrepancy(table, None, f"rows of {column} {group} changed "
                                     "outside the application"))
    return found
