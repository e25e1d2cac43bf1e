"""First start of a new version: an older store is copied byte for byte, then upgraded; a
newer one is refused unchanged, by the store, the CLI (exit 2, one line) and the GUI."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlite_utils import Database

from core.cli import main as mrecist
from core.errors import StoreError, StoreVersionError
from core.store import init_store, open_store, open_store_read_only
from core.store.db import upgrade_backup
from core.store.integrity import check_store
from core.store.migrations import migrations, step_names
from desktop.app import build_window, parse_args

STEPS = step_names()
PASSWORD = "correct horse battery"


def _old_store(path: Path, stop_before: str, journal_mode: str) -> bytes:
    """A store stopped before *stop_before*, holding a subject; its bytes.

    ``wal`` is how every release wrote its stores; ``delete`` a file in SQLite's default
    journal mode, which the upgrade must copy as it is too.
    """
    db = Database(path)
    db.execute(f"PRAGMA journal_mode={journal_mode}")
    migrations.apply(db, stop_before=stop_before)
    db.execute("INSERT INTO subjects (code) VALUES ('HCC-900')")
    db.conn.commit()
    db.close()
    return path.read_bytes()


def _applied(store_path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(store_path)) as conn:
        rows = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid").fetchall()
    return [name for (name,) in rows]


def _newer_store(path: Path) -> bytes:
    open_store(path, create=True).close()
    db = Database(path)
    db["_sqlite_migrations"].insert({"migration_set": "mrecist_store", "name": "m999_future",
                                     "applied_at": "2030"})
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
@pytest.mark.parametrize("stop_before", STEPS[1:])
def test_every_earlier_schema_is_copied_as_it_was_then_upgraded(tmp_path, stop_before,
                                                                 journal_mode):
    path = tmp_path / "trial.sqlite"
    before = _old_store(path, stop_before, journal_mode)
    with open_store(path) as store:
        backup = upgrade_backup(store)
        assert backup is not None
        assert backup.parent == tmp_path / "trial-backups"
        assert backup.name.startswith(f"trial.before-{stop_before}-")
        assert backup.read_bytes() == before
        assert store._rows("SELECT code FROM subjects") == [{"code": "HCC-900"}]
    assert _applied(path) == list(STEPS)
    assert _applied(backup) == list(STEPS[:STEPS.index(stop_before)])
    # Current now: opening it again copies nothing more.
    with open_store(path) as store:
        assert upgrade_backup(store) is None
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]


def test_a_new_store_and_a_current_one_are_not_copied(tmp_path):
    empty = tmp_path / "empty.sqlite"
    Database(empty).close()  # a file no step has touched: nothing to keep
    with open_store(empty) as store:
        assert upgrade_backup(store) is None
    current = init_store(tmp_path / "current.sqlite", "T", "mRECIST", "admin", "Ada Admin",
                         PASSWORD)
    current.close()
    with open_store(current.path) as store:
        assert upgrade_backup(store) is None
    assert not (tmp_path / "empty-backups").exists()
    assert not (tmp_path / "current-backups").exists()


def test_a_working_trial_keeps_its_record_intact_through_the_upgrade(tmp_path):
    """A real store with accounts and an audit, taken back to m009 as an earlier version
    left it: upgraded, it passes every check, and the copy is the m009 file."""
    path = tmp_path / "trial.sqlite"
    init_store(path, "T", "mRECIST", "admin", "Ada Admin", PASSWORD).close()
    conn = sqlite3.connect(path)
    clinical = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                            "LIKE 'clinical%'").fetchall()
    for (table,) in clinical:  # what m010 and m011 made
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('m010_clinical', "
                 "'m011_lab_event_dismissals')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    code = mrecist(["audit", "verify", "--record", "--db", str(path)])
    assert code == 0
    (backup,) = (tmp_path / "trial-backups").glob("trial.before-m010_clinical-*.sqlite")
    assert backup.read_bytes() == before
    with open_store_read_only(path) as store:
        assert check_store(store).is_intact


def test_a_log_still_holding_pages_is_copied_with_the_file(tmp_path):
    """Another process has the older store open with committed pages not yet in the file:
    the copy takes its write-ahead log along, and SQLite reads the copy whole."""
    path = tmp_path / "trial.sqlite"
    _old_store(path, "m009_measurement_phase", "wal")
    other = sqlite3.connect(path)
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("INSERT INTO subjects (code) VALUES ('HCC-901')")
    other.commit()
    try:
        with open_store(path) as store:
            backup = upgrade_backup(store)
        assert backup is not None
        assert backup.with_name(backup.name + "-wal").is_file()
    finally:
        other.close()
    with contextlib.closing(sqlite3.connect(backup)) as copy:
        codes = [code for (code,) in copy.execute("SELECT code FROM subjects ORDER BY code")]
        names = [name for (name,) in copy.execute("SELECT name FROM _sqlite_migrations")]
    assert codes == ["HCC-900", "HCC-901"]
    assert "m010_clinical" not in names


def test_no_upgrade_without_its_copy(tmp_path):
    path = tmp_path / "trial.sqlite"
    before = _old_store(path, "m010_clinical", "wal")
    (tmp_path / "trial-backups").write_text("a file where the backups folder goes")
    with pytest.raises(StoreError, match=r"cannot keep a copy before upgrading the schema .*"
                       "the store was not changed"):
        open_store(path)
    assert path.read_bytes() == before
    assert _applied(path)[-1] == "m009_measurement_phase"


def test_a_store_of_a_newer_version_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "newer.sqlite"
    before = _newer_store(path)
    for opening in (open_store, open_store_read_only):
        with pytest.raises(StoreVersionError, match=r"newer\.sqlite: written by a newer "
                           r"application \(schema m999_future, unknown to this version\)"):
            opening(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "newer-backups").exists()


@pytest.mark.parametrize("command", [["audit", "verify"], ["audit", "verify", "--record"],
                                     ["status", "--user", "admin", "--password-stdin"]])
def test_the_cli_names_a_newer_store_in_one_line_and_exits_2(tmp_path, capsys, command):
    path = tmp_path / "newer.sqlite"
    _newer_store(path)
    assert mrecist([*command, "--db", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert f"{path}: written by a newer application (schema m999_future" in err
    assert "open it with that version or a later one" in err
    assert "Traceback" not in err


def test_the_application_names_a_newer_store_and_opens_nothing(qtbot, tmp_path):
    path = tmp_path / "newer.sqlite"
    _newer_store(path)
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, read_and_close)
    window = build_window(parse_args(["--db", str(path)]))
    qtbot.addWidget(window)
    assert len(shown) == 1
    assert shown[0].startswith(f"{path}: written by a newer application (schema m999_future")
    assert window.trial is None


def test_the_application_upgrades_an_older_store_after_its_copy(qtbot, tmp_path):
    path = tmp_path / "trial.sqlite"
    before = _old_store(path, "m011_lab_event_dismissals", "wal")
    window = build_window(parse_args(["--db", str(path)]))
    qtbot.addWidget(window)
    assert window.trial is not None
    assert upgrade_backup(window.trial.store) is not None
    assert upgrade_backup(window.trial.store).read_bytes() == before
    window.close_trial()
    assert _applied(path) == list(STEPS)
