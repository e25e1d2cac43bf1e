"""Attacks on the store file by someone who can write it, and what `audit verify` names.

Each test does what an attacker with the SQLite file (and the folder it sits in) could do,
then runs the real ``mrecist audit verify``: exit 1 and a line naming what was found
(docs/security.md §3). The chain alone misses every one of these.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import threading

import pytest
from sqlite_utils import Database
from store_demo_reading import PASSWORD, read_subject

from core.actions import (
    add_subject,
    amend_timepoint,
    get_read,
    my_tasks,
    sign_timepoint,
    trial_status,
)
from core.actions.safekeeping import backup_store, last_check, set_anchor_copy, verify_store
from core.cli import main
from core.errors import PermissionDeniedError
from core.store import login, open_store
from core.store.anchors import checkpoint_path, read_anchors
from core.store.audit import verify
from core.store.audited import secret_digest
from core.store.auth import ScryptParams, hash_password
from core.store.chain import GENESIS_HASH, row_hash
from core.store.migrations import migrations

pytestmark = pytest.mark.tampers


def _verify(path, *extra):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["audit", "verify", "--db", str(path), *map(str, extra)])
    return status, out.getvalue(), err.getvalue()


def _sql(path, *statements):
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


DROP_TRIGGERS = ("DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete")
RESTORE_TRIGGERS = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
    "            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
    "            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
)


def _rehash_everything(path):
    """Recompute every hash of the chain, as an attacker who edited a row would."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    prev = GENESIS_HASH
    for row in conn.execute("SELECT * FROM audit ORDER BY id").fetchall():
        new = row_hash(prev, dict(row))
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                     (prev, new, row["id"]))
        prev = new
    conn.commit()
    conn.close()


@pytest.fixture
def read(demo):
    """Reader 1 has read and signed HCC-001 to week 12; the store is closed."""
    read_subject(demo.store, demo.reader1, "HCC-001", upto=3)
    demo.store.close()
    return demo


def test_an_untouched_store_is_intact_with_its_checkpoint_anchors(read):
    status, out, err = _verify(read.path)
    assert (status, err) == (0, "")
    assert "intact: audit chain of" in out
    anchors = read_anchors(checkpoint_path(read.path))
    assert anchors[0].by == "create"
    assert len(anchors) > 20  # one line per committed action
    assert [a.rows for a in anchors] == sorted(a.rows for a in anchors)


def test_a_direct_update_of_a_signed_measurement_is_named(read):
    _sql(read.path, "UPDATE measurements SET length_mm = '99.00' WHERE id = (SELECT m.id "
         "FROM measurements m JOIN lesions l ON l.id = m.lesion_id JOIN timepoints t ON "
         "t.id = m.timepoint_id WHERE l.label = 'T1' AND m.kind = 'total' AND "
         "t.label = 'Baseline')")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "measurements row " in err
    assert "length_mm changed outside the application" in err
    # Every signature covering the baseline no longer matches, named by the part that
    # changed.
    lines = [line.split(": ", 1)[1] for line in err.splitlines() if ": signature of " in line]
    assert [line.split(" (")[0] for line in lines] == [
        "signature of HCC-001 read 1 Baseline", "signature of HCC-001 read 1 Week 6",
        "signature of HCC-001 read 1 Week 12"]
    assert all(line.endswith("): content changed since signing: "
                             "timepoints/Baseline/calipers/T1/total/length_mm")
               for line in lines)
    assert "99.00" not in err  # the check names columns, never a reader's values


def test_moving_a_caliper_end_or_its_image_is_named(read):
    _sql(read.path, "UPDATE measurements SET start_xyz = '[0, 0, 0]', sop_instance_uid = "
         "'1.2.3' WHERE rowid = (SELECT MIN(rowid) FROM measurements)")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "sop_instance_uid, start_xyz changed outside the application" in err


def test_a_row_added_or_removed_behind_the_applications_back_is_named(read):
    _sql(read.path, "DELETE FROM measurements WHERE rowid = (SELECT MIN(rowid) FROM "
         "measurements)",
         "INSERT INTO subjects (code) VALUES ('HCC-999')")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "measurements row " in err
    assert "removed outside the application" in err
    assert "subjects row " in err
    assert "added outside the application" in err


def test_a_password_hash_swapped_by_sql_is_named(read):
    # An admin with the file sets a reader's password to one they know, to sign as them.
    _sql(read.path, "UPDATE users SET password_hash = (SELECT password_hash FROM users "
         "WHERE login = 'admin') WHERE login = 'reader1'")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "password_hash_sha256 changed outside the application" in err


def test_dropped_triggers_are_named_even_when_restored_differently(read):
    _sql(read.path, *DROP_TRIGGERS)
    status, _, err = _verify(read.path)
    assert status == 1
    assert "schema: trigger audit_no_delete is missing" in err
    assert "schema: trigger audit_no_update is missing" in err
    _sql(read.path, "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT 1; END",
         RESTORE_TRIGGERS[1])
    status, _, err = _verify(read.path)
    assert err.strip().splitlines() == [
        f"{read.path}: schema: trigger audit_no_update was changed"]


def test_truncating_the_audit_is_caught_by_the_checkpoint_file(read):
    count = sqlite3.connect(read.path).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    _sql(read.path, *DROP_TRIGGERS, f"DELETE FROM audit WHERE id > {count - 3}",
         *RESTORE_TRIGGERS)
    assert verify(open_store(read.path)).is_intact  # the chain alone sees nothing
    status, _, err = _verify(read.path)
    assert status == 1
    assert "audit: truncated: the anchor of " in err
    assert f"the audit has {count - 3}" in err


def test_deleting_every_audit_row_is_caught(read):
    _sql(read.path, *DROP_TRIGGERS, "DELETE FROM audit", *RESTORE_TRIGGERS)
    status, _, err = _verify(read.path)
    assert status == 1
    assert "audit: truncated" in err
    assert "added outside the application" in err  # every row now lacks its audit


def test_a_fully_rehashed_chain_is_caught_by_the_anchor(read):
    # Edit a signed caliper's audit row and the row itself, then recompute every hash:
    # the chain and the replay agree with each other, only the anchor does not.
    conn = sqlite3.connect(read.path)
    target, after = conn.execute(
        "SELECT id, after_json FROM audit WHERE entity = 'measurement' ORDER BY id "
        "LIMIT 1").fetchone()
    entity_id = conn.execute("SELECT entity_id FROM audit WHERE id = ?", (target,)).fetchone()[0]
    conn.close()
    forged = after.replace('"length_mm":"', '"length_mm":"1')
    _sql(read.path, *DROP_TRIGGERS,
         f"UPDATE audit SET after_json = '{forged}' WHERE id = {target}",
         f"UPDATE measurements SET length_mm = '1' || length_mm WHERE id = {entity_id}")
    _rehash_everything(read.path)
    _sql(read.path, *RESTORE_TRIGGERS)
    assert verify(open_store(read.path)).is_intact
    status, _, err = _verify(read.path)
    assert status == 1
    assert "rewritten: its hash differs from the anchor of" in err


def test_a_rewritten_checkpoint_file_is_caught_by_a_backup_anchor(read, tmp_path):
    # The attacker truncates the audit and the checkpoint beside it; the backup, kept
    # elsewhere, still remembers the longer chain.
    store = open_store(read.path)
    backup = backup_store(store, login(store, "coord", PASSWORD), tmp_path / "b.sqlite")
    store.close()
    count = sqlite3.connect(read.path).execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    keep = count - 5
    _sql(read.path, *DROP_TRIGGERS, f"DELETE FROM audit WHERE id > {keep}", *RESTORE_TRIGGERS)
    checkpoint = checkpoint_path(read.path)
    lines = [line for line in checkpoint.read_text().splitlines()
             if int(line.split('"rows":')[1].split(",")[0].rstrip("}")) <= keep]
    checkpoint.write_text("\n".join(lines) + "\n")
    assert "truncated" not in _verify(read.path)[2]  # the checkpoint was rewritten to match
    for anchor_file in (backup.with_name(backup.name + ".anchor"), backup):
        status, _, err = _verify(read.path, "--anchors", anchor_file)
        assert status == 1
        assert f"in {anchor_file} records {count} rows, the audit has " in err


def test_a_missing_or_restarted_checkpoint_file_is_named(read):
    checkpoint_path(read.path).unlink()
    status, _, err = _verify(read.path)
    assert status == 1
    assert "checkpoint file trial.sqlite.anchors: no such anchor file" in err
    store = open_store(read.path)
    add_subject(store, login(store, "admin", PASSWORD), "HCC-777")
    store.close()
    status, _, err = _verify(read.path)
    assert status == 1
    assert "starts at audit row" in err
    assert "not at the store's creation" in err


def test_the_site_copy_of_the_checkpoint_is_kept_and_checked(read, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    store = open_store(read.path)
    admin = login(store, "admin", PASSWORD)
    set_anchor_copy(store, admin, share / "trial.anchors")
    add_subject(store, admin, "HCC-778")
    store.close()
    copy = read_anchors(share / "trial.anchors")
    assert copy[-1] == read_anchors(checkpoint_path(read.path))[-1]
    _sql(read.path, *DROP_TRIGGERS, "DELETE FROM audit WHERE id > 3", *RESTORE_TRIGGERS)
    checkpoint_path(read.path).unlink()
    status, _, err = _verify(read.path, "--anchors", share / "trial.anchors")
    assert status == 1
    assert "in " + str(share / "trial.anchors") in err


def test_a_malformed_anchor_file_is_a_one_line_error(read, tmp_path):
    bad = tmp_path / "bad.anchors"
    bad.write_bytes(b"\xff\xfe not json")
    status, _, err = _verify(read.path, "--anchors", bad)
    assert status == 2
    assert err.strip().endswith("bad.anchors: cannot be read as an anchor file: 'utf-8' codec "
                                "can't decode byte 0xff in position 0: invalid start byte")


def test_each_check_is_recorded_for_the_coordinators_screen(read):
    store = open_store(read.path)
    coord = login(store, "coord", PASSWORD)
    assert last_check(store, coord) is None
    assert verify_store(store, record=True).is_intact
    found = last_check(store, coord)
    assert found is not None
    assert (found.is_intact, found.findings) == (True, 0)
    shown = trial_status(store, coord)
    assert shown.last_check == found
    assert shown.audit_anchor is not None
    assert shown.audit_anchor.head == read_anchors(checkpoint_path(read.path))[-1].head
    with pytest.raises(PermissionDeniedError):
        last_check(store, login(store, "reader1", PASSWORD))
    store.close()


def test_an_amendment_is_reported_as_awaiting_resignature_not_as_tampering(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=3)
    task = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-001")
    baseline = get_read(demo.store, demo.reader1, task.task_id).timepoints[0]
    amend_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id,
                    "T1 re-measured")
    sign_timepoint(demo.store, demo.reader1, task.task_id, baseline.timepoint_id, PASSWORD)
    demo.store.close()
    status, out, err = _verify(demo.path)
    assert (status, err) == (0, "")
    waiting = [line for line in out.splitlines() if "re-signature needed" in line]
    assert [line.split(": ")[1].split(" (")[0] for line in waiting] == [
        "HCC-001 read 1 Week 6", "HCC-001 read 1 Week 12"]


def test_a_store_from_before_the_ledger_is_upgraded_with_a_baseline(tmp_path):
    path = tmp_path / "old.sqlite"
    db = Database(path)
    migrations.apply(db, stop_before="m005_settings_and_ledger")
    db.execute("INSERT INTO trial (id, name, criteria, triggers_json, created_utc) VALUES "
               "(1, 'OLD', 'mRECIST', '[]', '2026-01-01')")
    db.execute("INSERT INTO subjects (code) VALUES ('HCC-900')")
    # The old audit recorded only part of a row.
    prev = GENESIS_HASH
    for number, (entity, after) in enumerate((("trial", '{"name":"OLD"}'),
                                               ("subject", '{"code":"HCC-900"}')), 1):
        row = {"id": number, "utc": "2026-01-01T00:00:00.000000Z", "user_id": None,
               "action": "create", "entity": entity, "entity_id": 1, "before_json": None,
               "after_json": after}
        db.execute("INSERT INTO audit VALUES (:id, :utc, :user_id, :action, :entity, "
                   ":entity_id, :before_json, :after_json, :prev_hash, :hash)",
                   {**row, "prev_hash": prev, "hash": row_hash(prev, row)})
        prev = row_hash(prev, row)
    db.conn.commit()
    db.close()
    open_store(path).close()
    assert read_anchors(checkpoint_path(path))[0].by == "upgrade"
    assert _verify(path)[0] == 0
    _sql(path, "UPDATE subjects SET code = 'HCC-901'")
    status, _, err = _verify(path)
    assert status == 1
    assert "subjects row 1: code changed outside the application" in err


def test_a_copied_store_without_its_checkpoint_is_not_called_intact(read, tmp_path):
    copy = tmp_path / "elsewhere.sqlite"
    shutil.copyfile(read.path, copy)
    status, _, err = _verify(copy)
    assert status == 1
    assert "no such anchor file" in err


def _append_forged_row(path, action, entity, entity_id, before, after):
    """Append an audit row whose hash links correctly: the chain has no key."""
    conn = sqlite3.connect(path)
    last_id, prev, utc = conn.execute(
        "SELECT id, hash, utc FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row = {"id": last_id + 1, "utc": utc, "user_id": entity_id, "action": action,
           "entity": entity, "entity_id": entity_id,
           "before_json": json.dumps(before, sort_keys=True, separators=(",", ":")),
           "after_json": json.dumps(after, sort_keys=True, separators=(",", ":"))}
    conn.execute("INSERT INTO audit VALUES (:id, :utc, :user_id, :action, :entity, "
                 ":entity_id, :before_json, :after_json, :prev, :hash)",
                 {**row, "prev": prev, "hash": row_hash(prev, row)})
    conn.commit()
    conn.close()
    return last_id + 1


def test_forged_rows_appended_to_the_audit_are_found_even_after_later_actions(read):
    # The attacker swaps reader2's password hash and appends a matching, correctly chained
    # "change_password" row: chain and replay agree. No anchored action wrote that row.
    conn = sqlite3.connect(read.path)
    user_id, old = conn.execute(
        "SELECT id, password_hash FROM users WHERE login = 'reader2'").fetchone()
    new = hash_password("attacker chosen pw 9", ScryptParams(n=2**10))
    conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (new, user_id))
    conn.commit()
    conn.close()
    forged = _append_forged_row(read.path, "change_password", "user", user_id,
                                {"password_hash_sha256": secret_digest(old)},
                                {"password_hash_sha256": secret_digest(new)})
    for _ in range(2):  # a later action (here a recorded check) must not seal it
        status, _, err = _verify(read.path, "--record")
        assert status == 1
        assert f"audit: rows {forged}–{forged} were written by no anchored action" in err
    with open_store(read.path) as store:
        add_subject(store, login(store, "admin", PASSWORD), "HCC-779")
    status, _, err = _verify(read.path)
    assert status == 1
    assert f"rows {forged}–{forged} were written by no anchored action" in err


def test_a_second_ledger_baseline_cannot_wipe_what_the_replay_knows(read):
    _sql(read.path, "UPDATE subjects SET code = 'HCC-666' WHERE code = 'HCC-001'")
    forged = _append_forged_row(read.path, "ledger_baseline", "audit", None, None, None)
    status, _, err = _verify(read.path)
    assert status == 1
    # In a store that never needed one, the forged baseline resets the replay (every row is
    # then "added outside the application"), and no anchored action wrote it.
    assert f"rows {forged}–{forged} were written by no anchored action" in err


def test_an_object_named_like_sqlites_own_is_still_seen(read):
    # LIKE 'sqlite_%' would skip "sqliteX_rewrite": "_" matches any character there.
    _sql(read.path, "CREATE TRIGGER sqliteX_rewrite AFTER INSERT ON findings BEGIN "
         "UPDATE findings SET state = 'progressed' WHERE id = new.id; END",
         "CREATE VIEW sqlitey_peek AS SELECT * FROM measurements")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "schema: trigger sqliteX_rewrite is not the application's" in err
    assert "schema: view sqlitey_peek is not the application's" in err


def test_an_index_rebuilt_behind_the_schema_is_found_by_sqlites_own_check(demo):
    for reader in (demo.reader1, demo.reader2):  # a concordant subject: a final result
        read_subject(demo.store, reader, "HCC-002")
    demo.store.close()
    read = demo
    conn = sqlite3.connect(read.path)
    original = conn.execute("SELECT sql FROM sqlite_master WHERE name = "
                            "'final_results_subject'").fetchone()[0]
    conn.close()

    def patch(sql):
        _sql(read.path, "PRAGMA writable_schema = ON",
             f"UPDATE sqlite_master SET sql = '{sql}' WHERE name = 'final_results_subject'")

    patch(original + " WHERE 0")
    _sql(read.path, "REINDEX final_results_subject")
    patch(original)
    status, _, err = _verify(read.path)
    assert status == 1
    assert "file: integrity check: " in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_place_of_the_checkpoint_neither_hangs_nor_passes(read, tmp_path):
    checkpoint = checkpoint_path(read.path)
    checkpoint.unlink()
    os.mkfifo(checkpoint)
    done = {}

    def act():
        with open_store(read.path) as store:
            add_subject(store, login(store, "admin", PASSWORD), "HCC-780")
            done["problem"] = store.anchor_problem

    worker = threading.Thread(target=act, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "a commit hung on a FIFO checkpoint"
    # Opened without waiting: no reader on the FIFO is an error now, not a hang.
    assert str(checkpoint) in done["problem"]
    status, _, err = _verify(read.path)
    assert status == 1
    assert "checkpoint file trial.sqlite.anchors: not a regular file" in err


@pytest.mark.parametrize("after", ["not json", "[1, 2]"])
def test_an_audit_row_that_is_not_the_applications_is_a_finding_not_a_crash(read, after):
    conn = sqlite3.connect(read.path)
    target = conn.execute("SELECT MAX(id) FROM audit WHERE entity = 'subject'").fetchone()[0]
    conn.close()
    _sql(read.path, *DROP_TRIGGERS,
         f"UPDATE audit SET after_json = '{after}' WHERE id = {target}", *RESTORE_TRIGGERS)
    status, _, err = _verify(read.path)
    assert status == 1
    assert "internal error" not in err
    assert f"audit row {target}: its after-value is not what the application writes" in err


def test_the_site_copy_that_stopped_being_written_is_a_finding(read, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    with open_store(read.path) as store:
        admin = login(store, "admin", PASSWORD)
        set_anchor_copy(store, admin, share / "trial.anchors")
        add_subject(store, admin, "HCC-781")
    assert _verify(read.path)[0] == 0  # the copy is checked by default, and matches
    shutil.rmtree(share)  # the share is unmounted
    with open_store(read.path) as store:
        add_subject(store, login(store, "admin", PASSWORD), "HCC-782")
        coord = login(store, "coord", PASSWORD)
        assert "share" in (trial_status(store, coord).anchor_problem or "")
    status, _, err = _verify(read.path)
    assert status == 1
    assert "the site's anchor copy trial.anchors: no such anchor file" in err


def test_checking_a_backup_leaves_it_byte_for_byte_as_it_was(read, tmp_path):
    with open_store(read.path) as store:
        copy = backup_store(store, login(store, "coord", PASSWORD), tmp_path / "b.sqlite")
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    status, out, _ = _verify(copy, "--anchors", copy.with_name("b.sqlite.anchor"))
    assert "intact" not in out or status == 0
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert not checkpoint_path(copy).exists()  # no checkpoint started beside a backup


def test_the_admin_sets_the_anchor_copy_from_the_command_line(read, tmp_path, monkeypatch):
    copy = tmp_path / "share.anchors"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["settings", "--db", str(read.path), "--user", "admin",
                       "--password-stdin", "--anchor-copy", str(copy)])
    assert status == 0
    assert f"anchor_copy = {copy.resolve()}" in out.getvalue()
    # The setting's own commit is the copy's first line, at the checkpoint's head.
    assert read_anchors(copy)[-1] == read_anchors(checkpoint_path(read.path))[-1]
    assert _verify(read.path)[0] == 0
