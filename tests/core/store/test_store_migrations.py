"""Schema migrations: a store from every earlier step opens and reaches the current schema."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from core.errors import StoreError, StoreVersionError
from core.store import open_store
from core.store.migrations import migrations, step_names

STEPS = list(step_names())


def _schema(path):
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE "
                        "'sqlite_%' AND name != '_sqlite_migrations' ORDER BY name").fetchall()
    conn.close()
    return rows


@pytest.mark.parametrize("stop_before", [None, *STEPS])
def test_a_store_migrates_from_every_earlier_step(tmp_path, stop_before):
    current = tmp_path / "current.sqlite"
    open_store(current, create=True).close()
    old = tmp_path / "old.sqlite"
    db = Database(old)
    if stop_before is not None:
        migrations.apply(db, stop_before=stop_before)
    if stop_before != STEPS[0] and stop_before is not None:
        db.execute("INSERT INTO subjects (code) VALUES ('HCC-900')")
        db.conn.commit()
    db.close()
    store = open_store(old)
    assert [m.name for m in migrations.applied(store._db)] == STEPS
    if stop_before not in (None, STEPS[0]):
        assert store._rows("SELECT code FROM subjects") == [{"code": "HCC-900"}]
    store.close()
    assert _schema(old) == _schema(current)


def test_a_store_from_a_newer_application_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite"
    open_store(path, create=True).close()
    db = Database(path)
    db["_sqlite_migrations"].insert({"migration_set": "mrecist_store", "name": "m999_future",
                                     "applied_at": "2030"})
    db.close()
    with pytest.raises(StoreVersionError, match="newer application"):
        open_store(path)


def test_pragmas_durable_wal_foreign_keys_busy_timeout(tmp_path):
    with open_store(tmp_path / "t.sqlite", create=True, busy_timeout_s=7) as store:
        pragma = store._db.execute
        assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert pragma("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
        assert pragma("PRAGMA busy_timeout").fetchone()[0] == 7000


def test_missing_or_foreign_files_are_named_errors(tmp_path):
    with pytest.raises(StoreError, match="no trial store here"):
        open_store(tmp_path / "absent.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite: not a trial store"):
        open_store(junk)
