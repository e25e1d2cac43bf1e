"""Durability and concurrency: SIGKILL while saving, two writers at once, lock timeouts.

The children are forked from the test process (imports already done), so one kill cycle
costs milliseconds and the kill test can afford hundreds of them. Each child opens its own
connection; the parent's store is closed before forking. The kill test counts acknowledged
saves, never time: on a busy machine it is slower, not failing.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import sys

import pytest
from store_demo_reading import PASSWORD, arterial_plane, demo_truth

from core.actions import add_lesion, get_read, my_tasks, save_caliper
from core.errors import StoreLockedError
from core.geometry import measure_caliper
from core.model.reading import LesionCategory
from core.store import login, open_store, verify
from core.store.backup import backup, rotate_backups
from core.store.integrity import check_store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

KILLS = 200
# Each child is killed after 1 to this many acknowledged saves (about 2,000 in all).
MAX_SAVES_PER_KILL = 20


def _target(store, session):
    """A target lesion at an open baseline of *session*'s first task: (lesion, timepoint)."""
    task = my_tasks(store, session)[0]
    read = get_read(store, session, task.task_id)
    baseline = read.timepoints[0].timepoint_id
    lesion = add_lesion(store, session, task.task_id, baseline, LesionCategory.TARGET,
                        "liver").value
    return lesion.lesion_id, baseline


# Every save is told apart by its caliper's end: save number n ends at column 10 + n/10^4
# of the first arterial slice of HCC-001's baseline, which the audit row records exactly.
_PLANE, _SOP = arterial_plane(demo_truth()["HCC-001"][0], 0)


def _caliper(lesion_id, timepoint_id, number):
    end = (20.0, 10.0 + number * 1e-4)
    return lesion_id, timepoint_id, "viable", measure_caliper(_PLANE, (10.0, 12.0), end, _SOP)


def _saver(path, login_name, lesion_id, timepoint_id, first, count, write_fd):
    """Child: save lengths first, first+1, ...; write each number after its commit."""
    code = 0
    try:
        store = open_store(path)
        session = login(store, login_name, PASSWORD)
        for number in range(first, first + count):
            save_caliper(store, session, *_caliper(lesion_id, timepoint_id, number))
            os.write(write_fd, f"{number}\n".encode())
    except BaseException as error:  # noqa: BLE001 - the child reports all to the parent
        os.write(write_fd, f"ERR {type(error).__name__}: {error}\n".encode())
        code = 1
    os._exit(code)


def _spawn(*args):
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _saver(*args, write_fd)
    os.close(write_fd)
    return pid, read_fd


def _read_acknowledgements(read_fd, wanted):
    """Block until the child has acknowledged *wanted* saves (or died): the bytes read.

    The parent kills right after the *wanted*-th acknowledgement, so every kill lands while
    the child is saving (it starts the next save as soon as it has acknowledged one),
    however busy the machine is: no sleep, no rate. A child that dies by itself stops the
    loop early and the test says so.
    """
    head = b""
    while head.count(b"\n") < wanted and (chunk := os.read(read_fd, 65536)):
        head += chunk
    return head


def _drain(read_fd, head=b""):
    chunks = [head]
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    text = b"".join(chunks).decode()
    # A line cut by the kill was never acknowledged: only complete lines count.
    return text.split("\n")[:-1]


def _saved_lengths(path):
    """The numbers of the saves the audit trail holds (see ``_caliper``), read with sqlite3
    itself so the check depends on the file alone."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT after_json FROM audit WHERE entity = 'measurement'")
        return {round((json.loads(json.loads(after)["end_rc"])[1] - 10.0) * 1e4)
                for (after,) in rows}


@pytest.mark.tampers  # a SIGKILL is not tampering, but its findings are checked here
def test_sigkill_while_saving_loses_no_acknowledged_save(demo, capsys):
    store = demo.store
    lesion_id, timepoint_id = _target(store, demo.reader1)
    path = store.path
    store.close()
    rng = random.Random(4)
    acknowledged: list[int] = []
    next_number = 1
    for kill in range(KILLS):
        # Kill after a varying count of acknowledged saves: which save is cut, and where
        # inside it, then varies with the count, not with the machine's speed.
        wanted = rng.randint(1, MAX_SAVES_PER_KILL)
        pid, read_fd = _spawn(path, "reader1", lesion_id, timepoint_id, next_number, 10**6)
        head = _read_acknowledgements(read_fd, wanted)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        lines = _drain(read_fd, head)
        assert not [line for line in lines if line.startswith("ERR")], lines
        assert len(lines) >= wanted, f"kill {kill}: the child died after {len(lines)} saves"
        acknowledged.extend(int(line) for line in lines)
        next_number = acknowledged[-1] + 1000

    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_store(path) as reopened:
        assert verify(reopened).is_intact
        checked = check_store(reopened)
    # A kill between a commit and its anchor line leaves that one action's audit row
    # unanchored, and audit verify says so; nothing else may be found.
    spans = [re.fullmatch(r"rows (\d+)–(\d+) were written by no anchored action: .*",
                          finding.reason) for finding in checked.discrepancies]
    assert all(spans), [str(finding) for finding in checked.discrepancies]
    assert all(span[1] == span[2] for span in spans if span)  # one save's row each
    assert len(spans) <= KILLS
    found = _saved_lengths(path)
    missing = sorted(set(acknowledged) - found)
    with capsys.disabled():
        print(f"\nkill test: {KILLS} SIGKILLs, {len(acknowledged)} saves acknowledged, "
              f"{len(set(acknowledged) & found)} found, {len(missing)} missing",
              file=sys.stderr)
    assert missing == []
    # At most one save per kill may have committed without being acknowledged (killed
    # between its commit and its line): more found than that means the count is wrong.
    assert len(found - set(acknowledged)) <= KILLS


def test_two_processes_saving_at_once_lose_nothing_and_never_see_a_lock(demo):
    store = demo.store
    targets = [_target(store, demo.reader1), _target(store, demo.reader2)]
    before = store._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"]
    path = store.path
    store.close()
    children = [
        _spawn(path, login_name, lesion_id, timepoint_id, first, 150)
        for (login_name, (lesion_id, timepoint_id), first)
        in zip(("reader1", "reader2"), targets, (1, 1001), strict=True)
    ]
    lines = []
    for pid, read_fd in children:
        lines.extend(_drain(read_fd))
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, lines
    assert len(lines) == 300
    with open_store(path) as reopened:
        assert _saved_lengths(path) == {*range(1, 151), *range(1001, 1151)}
        # Each save read the audit head and appended to it; with a lost update two rows
        # would share a previous hash and the chain would break.
        assert reopened._rows("SELECT COUNT(*) AS n FROM audit")[0]["n"] == before + 300 + 2
        assert verify(reopened).is_intact


def test_a_writer_held_past_the_busy_timeout_is_a_named_error(demo):
    lesion_id, timepoint_id = _target(demo.store, demo.reader1)
    impatient = open_store(demo.path, busy_timeout_s=0.2)
    session = login(impatient, "reader1", PASSWORD)
    blocker = sqlite3.connect(demo.path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreLockedError, match=r"kept the store busy for more than 0\.2 s"):
            save_caliper(impatient, session, *_caliper(lesion_id, timepoint_id, 5))
    finally:
        blocker.rollback()
        blocker.close()
    save_caliper(impatient, session, *_caliper(lesion_id, timepoint_id, 5))
    impatient.close()


def test_online_backup_and_rotation(demo, tmp_path):
    copy = backup(demo.store, tmp_path / "copy.sqlite")
    with open_store(copy) as restored:
        assert verify(restored).is_intact
        assert restored._rows("SELECT COUNT(*) AS n FROM subjects")[0]["n"] == 3
    for _ in range(4):
        rotate_backups(demo.store, tmp_path / "rotating", keep=3)
    assert len(list((tmp_path / "rotating").glob("*.sqlite"))) == 3
