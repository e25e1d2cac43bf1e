"""The audit trail: append-only, hash-chained, written with the change it records."""

from __future__ import annotations

import sqlite3

import pytest
from store_demo_reading import read_subject

from core.actions import add_subject
from core.errors import WorkflowError
from core.store import verify


def test_every_action_is_audited_with_user_time_and_before_after(demo):
    read_subject(demo.store, demo.reader1, "HCC-001", upto=1)
    rows = demo.store._rows("SELECT * FROM audit")
    actions = {(row["action"], row["entity"]) for row in rows}
    assert {("create", "trial"), ("create", "user"), ("login", "user"),
            ("create", "subject"), ("create", "timepoint"), ("create", "series"),
            ("create", "task"), ("create", "lesion"), ("create", "measurement"),
            ("sign", "read_timepoint")} <= actions
    sign = next(row for row in rows if row["action"] == "sign")
    assert sign["user_id"] == demo.reader1.user_id
    assert sign["utc"].endswith("Z")
    assert '"status":"open"' in sign["before_json"]
    assert '"status":"signed"' in sign["after_json"]


def test_a_refused_action_leaves_no_audit_row(demo):
    before = len(demo.store._rows("SELECT id FROM audit"))
    with pytest.raises(WorkflowError):
        add_subject(demo.store, demo.admin, "HCC-001")
    assert len(demo.store._rows("SELECT id FROM audit")) == before


@pytest.mark.parametrize("statement", ["UPDATE audit SET action = 'x' WHERE id = 3",
                                       "DELETE FROM audit WHERE id = 3"])
def test_triggers_refuse_update_and_delete(trial, statement):
    conn = sqlite3.connect(trial.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()


def _tamper(path, *statements):
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.tampers
def test_verify_names_the_first_edited_row(trial):
    assert verify(trial.store).is_intact
    _tamper(trial.path, "UPDATE audit SET after_json = '{}' WHERE id = 4")
    verdict = verify(trial.store)
    assert (verdict.first_broken_id, verdict.reason) == (4, "content does not match its hash")
    assert verdict.rows_checked == 3


@pytest.mark.tampers
def test_verify_finds_a_removed_row_and_a_rehashed_row(trial):
    _tamper(trial.path, "DELETE FROM audit WHERE id = 5")
    verdict = verify(trial.store)
    assert (verdict.first_broken_id, verdict.reason) == (6, "row 5 is missing before row 6")


@pytest.mark.tampers
def test_verify_finds_a_row_rehashed_after_an_edit(trial):
    # An attacker who recomputes the edited row's own hash still breaks the next link.
    from core.store.chain import row_hash as _row_hash

    row = trial.store._rows("SELECT * FROM audit WHERE id = 4")[0]
    row["after_json"] = "{}"
    forged = _row_hash(row["prev_hash"], row)
    _tamper(trial.path, f"UPDATE audit SET after_json = '{{}}', hash = '{forged}' WHERE id = 4")
    verdict = verify(trial.store)
    assert (verdict.first_broken_id, verdict.reason) == (
        5, "does not link to the previous row's hash")
