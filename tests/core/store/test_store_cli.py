"""``mrecist db init | user | subject | assign | status | export-case | audit | backup``."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3

import pytest
from store_demo_reading import PASSWORD, TEMPORARY_PASSWORD, demo_truth, read_subject

from core.actions import final_results
from core.cli import main
from core.store import login, open_store
from core.store.anchors import checkpoint_path

ADMIN_PASSWORD = "the site manager's own"


def run(monkeypatch, capsys, *argv, stdin=""):
    """Run ``mrecist`` in-process with *stdin*; return (status, stdout, stderr)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _run_quietly(*argv, stdin=""):
    """Run ``mrecist`` outside a test's capsys (for the module-scoped template store)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(arg) for arg in argv])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def template_store(tmp_path_factory, small_demo_trial):
    """A store set up through the CLI only: users, the demo subjects, both readers.

    Built once per module (each account costs a full-strength scrypt hash); tests get a
    copy.
    """
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "trial.sqlite"
    status, out, _ = _run_quietly("db", "init", "--db", db, "--trial", "DEMO-HCC-P2",
                                  "--criteria", "mRECIST", "--password-stdin",
                                  stdin=ADMIN_PASSWORD + "\n")
    assert (status, out) == (0, f"{db}: created trial 'DEMO-HCC-P2' (mRECIST) with admin "
                                "'admin'\n")
    for login_name, role in (("reader1", "reader"), ("reader2", "reader"),
                             ("adj", "adjudicator"), ("coord", "coordinator")):
        status, _, err = _run_quietly("user", "add", "--db", db, "--user", "admin",
                                      "--password-stdin", "--login", login_name, "--name",
                                      login_name.title(), "--role", role,
                                      stdin=f"{ADMIN_PASSWORD}\n{TEMPORARY_PASSWORD}\n")
        assert status == 0, err
        status, _, err = _run_quietly("user", "password", "--db", db, "--user", login_name,
                                      "--password-stdin",
                                      stdin=f"{TEMPORARY_PASSWORD}\n{PASSWORD}\n")
        assert status == 0, err
    status, out, err = _run_quietly("subject", "add", "--db", db, "--user", "admin",
                                    "--password-stdin", "--demo", small_demo_trial,
                                    stdin=ADMIN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert "registered 3 subjects" in out
    for slot in (1, 2):
        status, _, err = _run_quietly("assign", "--db", db, "--user", "admin",
                                      "--password-stdin", "--subject", "HCC-001", "HCC-002",
                                      "HCC-003", "--reader", f"reader{slot}", "--slot", slot,
                                      stdin=ADMIN_PASSWORD + "\n")
        assert status == 0, err
    return db


@pytest.fixture
def cli_store(template_store, tmp_path):
    """A private copy of the template store (closed, so the file is complete)."""
    copy = tmp_path / "trial.sqlite"
    shutil.copyfile(template_store, copy)
    # The checkpoint file travels with the store: without it verify cannot rule out truncation.
    shutil.copyfile(checkpoint_path(template_store), checkpoint_path(copy))
    return copy


def test_status_and_export_case_reproduce_the_final_result(cli_store, monkeypatch, capsys):
    with open_store(cli_store) as store:
        for reader in ("reader1", "reader2"):
            read_subject(store, login(store, reader, PASSWORD), "HCC-002")
        (final,) = final_results(store, login(store, "coord", PASSWORD))
    status, out, _ = run(monkeypatch, capsys, "status", "--db", cli_store, "--user", "coord",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 0
    progress = json.loads(out)
    assert (progress["subjects"], progress["concordant"]) == (3, 1)
    assert progress["adjudication_rate"] == 0.0
    assert progress["readers"][0]["agreement_with_adjudicator"] is None
    assert [r["timepoints_signed"] for r in progress["readers"]] == [3, 3]

    case_file = cli_store.parent / "HCC-002.json"
    status, _, err = run(monkeypatch, capsys, "export-case", "--db", cli_store, "--user",
                         "coord", "--password-stdin", "--subject", "HCC-002", "--out",
                         case_file, stdin=PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert json.loads(case_file.read_text())["format"] == "mrecist-case/1"
    status, out, _ = run(monkeypatch, capsys, "evaluate", case_file)
    assert status == 0
    assert json.loads(out) == final.result


def test_audit_verify_reports_the_first_broken_link(cli_store, monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, "audit", "verify", "--db", cli_store)
    assert status == 0
    assert out.startswith(f"{cli_store}: intact: audit chain of ")
    conn = sqlite3.connect(cli_store)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit SET after_json = '{\"role\":\"admin\"}' WHERE id = 7")
    conn.commit()
    conn.close()
    status, _, err = run(monkeypatch, capsys, "audit", "verify", "--db", cli_store)
    assert status == 1
    assert err.splitlines() == [
        f"{cli_store}: audit row 7: content does not match its hash (rows before it are "
        "intact: 6)",
        f"{cli_store}: schema: trigger audit_no_update is missing"]


def test_backup_copies_a_live_store(cli_store, monkeypatch, capsys, tmp_path):
    as_coord = ("--user", "coord", "--password-stdin")
    with open_store(cli_store):  # another connection stays open meanwhile
        status, _, err = run(monkeypatch, capsys, "backup", "--db", cli_store, *as_coord,
                             "--out", tmp_path / "copy.sqlite", stdin=PASSWORD + "\n")
    assert (status, err) == (0, "")
    status, _, err = run(monkeypatch, capsys, "backup", "--db", cli_store, *as_coord, "--out",
                         tmp_path / "copy.sqlite", stdin=PASSWORD + "\n")
    assert status == 2
    assert err.endswith("copy.sqlite: a file is already here; a backup never overwrites\n")
    for _ in range(3):
        status, _, err = run(monkeypatch, capsys, "backup", "--db", cli_store, *as_coord,
                             "--rotate-into", tmp_path / "rotating", "--keep", 2,
                             stdin=PASSWORD + "\n")
        assert (status, err) == (0, "")
    kept = sorted(path.name for path in (tmp_path / "rotating").iterdir())
    assert len(kept) == 4
    assert sum(name.endswith(".anchor") for name in kept) == 2


def test_backup_needs_an_admin_or_coordinator(cli_store, monkeypatch, capsys, tmp_path):
    # A copy holds both reads: a reader with one would see the other read.
    status, _, err = run(monkeypatch, capsys, "backup", "--db", cli_store, "--user",
                         "reader1", "--password-stdin", "--out", tmp_path / "copy.sqlite",
                         stdin=PASSWORD + "\n")
    assert status == 2
    assert "role reader may not do this (needs admin or coordinator)" in err
    assert not (tmp_path / "copy.sqlite").exists()


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["status", "--user", "coord"], "wrong password\n",
     "mrecist status: user 'coord': unknown login or wrong password"),
    (["status", "--user", "reader1"], PASSWORD + "\n",
     "mrecist status: user 'reader1': role reader may not do this (needs coordinator or "
     "admin)"),
    (["export-case", "--user", "coord", "--subject", "HCC-001"], PASSWORD + "\n",
     "mrecist export-case: subject 'HCC-001' read final: this subject has no final result yet"),
    (["assign", "--user", "admin", "--subject", "HCC-001", "--reader", "adj", "--slot", "1"],
     ADMIN_PASSWORD + "\n", "mrecist assign: subject 'HCC-001' reader 1: 'adj' is not a reader"),
    (["status", "--user", "coord"], "", "mrecist status: standard input: no password for "
     "password of coord"),
])
def test_errors_are_one_line_and_exit_2(cli_store, monkeypatch, capsys, argv, stdin, message):
    status, out, err = run(monkeypatch, capsys, *argv[:1], "--db", cli_store,
                           "--password-stdin", *argv[1:], stdin=stdin)
    assert (status, out, err) == (2, "", message + "\n")


def test_db_init_refuses_an_existing_file(cli_store, monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "db", "init", "--db", cli_store, "--trial", "X",
                         "--criteria", "mRECIST", "--password-stdin",
                         stdin=ADMIN_PASSWORD + "\n")
    assert status == 2
    assert "a trial store is created only once" in err


def test_timepoint_add_and_user_unlock(cli_store, monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "timepoint", "add", "--db", cli_store, "--user",
                           "admin", "--password-stdin", "--subject", "HCC-001", "--label",
                           "Week 18", "--date", "2026-05-11", "--week", 18,
                           stdin=ADMIN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert "added 'Week 18' (2026-05-11) to 'HCC-001'" in out
    for _ in range(5):
        run(monkeypatch, capsys, "status", "--db", cli_store, "--user", "coord",
            "--password-stdin", stdin="guess\n")
    status, _, err = run(monkeypatch, capsys, "status", "--db", cli_store, "--user", "coord",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 2
    assert "account locked" in err
    status, _, err = run(monkeypatch, capsys, "user", "unlock", "--db", cli_store, "--user",
                         "admin", "--password-stdin", "--login", "coord",
                         stdin=ADMIN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    status, _, _ = run(monkeypatch, capsys, "status", "--db", cli_store, "--user", "coord",
                       "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 0


class _NoTerminal(io.StringIO):
    """Standard input of a script or a service: not a terminal, nothing to read."""

    def isatty(self):
        return False


def test_db_init_without_a_terminal_asks_for_password_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", _NoTerminal(""))
    status = main(["db", "init", "--db", str(tmp_path / "t.sqlite"), "--trial", "X",
                   "--criteria", "mRECIST"])
    err = capsys.readouterr().err
    assert status == 2
    assert err == ("mrecist db: no terminal to ask for the password for the new admin admin; "
                   "give it on standard input with --password-stdin\n")
    assert list(tmp_path.iterdir()) == []


def test_a_refused_password_leaves_no_file_and_the_retry_works(tmp_path, monkeypatch, capsys):
    db = tmp_path / "t.sqlite"
    status, _, err = run(monkeypatch, capsys, "db", "init", "--db", db, "--trial", "X",
                         "--criteria", "mRECIST", "--password-stdin", stdin="short\n")
    assert status == 2
    assert "a password needs at least 12 characters" in err
    assert list(tmp_path.iterdir()) == []
    status, _, err = run(monkeypatch, capsys, "db", "init", "--db", db, "--trial", "X",
                         "--criteria", "mRECIST", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert sorted(path.name for path in tmp_path.iterdir() if "-" not in path.name) == [
        "t.sqlite", "t.sqlite.anchors"]  # no draft left beside it
    with open_store(db) as store:
        assert store._row("SELECT name FROM trial")["name"] == "X"


def test_db_init_in_a_missing_folder_names_it(tmp_path, monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, "db", "init", "--db", tmp_path / "no" / "t.sqlite",
                         "--trial", "X", "--criteria", "mRECIST", "--password-stdin",
                         stdin=ADMIN_PASSWORD + "\n")
    assert status == 2
    assert f"the folder {tmp_path / 'no'} does not exist" in err


def test_subject_add_says_timepoint_in_the_singular(cli_store, monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, "subject", "add", "--db", cli_store, "--user",
                         "admin", "--password-stdin", "--subject", "HCC-009", "--timepoint",
                         "Baseline=2026-02-02", stdin=ADMIN_PASSWORD + "\n")
    assert status == 0
    assert out.endswith("added subject 'HCC-009' with 1 timepoint\n")


def test_demo_registration_records_every_image_plane(cli_store):
    with open_store(cli_store) as store:
        counts = store._rows("SELECT s.phase, COUNT(i.id) AS n FROM series s "
                            "JOIN images i ON i.series_id = s.id GROUP BY s.id")
    assert len(counts) == 3 * 3 * 4
    assert {row["n"] for row in counts} == {33}  # every slice of every small demo series


def test_series_set_phase_corrects_a_registered_series(cli_store, monkeypatch, capsys):
    uid = demo_truth()["HCC-001"][0].truth["series"][0]["series_instance_uid"]
    status, out, err = run(monkeypatch, capsys, "series", "set-phase", "--db", cli_store,
                           "--user", "admin", "--password-stdin", "--series", uid,
                           "--phase", "delayed", stdin=ADMIN_PASSWORD + "\n")
    assert (status, err) == (0, "")
    assert out == f"{cli_store}: series {uid} is delayed\n"
    status, _, err = run(monkeypatch, capsys, "series", "set-phase", "--db", cli_store,
                         "--user", "admin", "--password-stdin", "--series", "1.2.3",
                         "--phase", "delayed", stdin=ADMIN_PASSWORD + "\n")
    assert status == 2
    assert err == "mrecist series: series 1.2.3: not registered\n"
    with open_store(cli_store) as store:
        (row,) = store._rows("SELECT before_json, after_json FROM audit WHERE entity = 'series' "
                            "AND action = 'update'")
    assert json.loads(row["after_json"]) == {"phase": "delayed"}


def test_a_damaged_demo_folder_registers_nothing(tmp_path, small_demo_trial, monkeypatch,
                                                 capsys):
    demo = tmp_path / "demo"
    shutil.copytree(small_demo_trial, demo)
    manifest = json.loads((demo / "trial.json").read_text())
    damaged = demo / manifest["subjects"][1]["timepoints"][0]["ground_truth"]
    damaged.write_text("{ not json")
    db = tmp_path / "t.sqlite"
    run(monkeypatch, capsys, "db", "init", "--db", db, "--trial", "X", "--criteria",
        "mRECIST", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    argv = ("subject", "add", "--db", db, "--user", "admin", "--password-stdin", "--demo",
            demo)
    for _ in range(2):  # the retry meets the same clear error, not "already registered"
        status, _, err = run(monkeypatch, capsys, *argv, stdin=ADMIN_PASSWORD + "\n")
        assert status == 2
        assert f"{damaged}: cannot read the demo's ground truth" in err
    with open_store(db) as store:
        assert store._rows("SELECT * FROM subjects") == []
        assert store._rows("SELECT * FROM series") == []
