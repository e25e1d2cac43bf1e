"""The reader's worklist action, and the demo trial store the application opens with --demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHEAP_KDF
from store_demo_reading import PASSWORD, demo_truth, read_subject

from core import actions
from core.actions.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo_store
from core.errors import PermissionDeniedError, StoreError
from core.model.clinical import LesionCategory
from core.model.worklist import TimepointState
from core.phantom import PhantomSize, read_manifest
from core.store import login, open_store
from core.store.integrity import check_store


def states(entry) -> list[str]:
    return [tp.state.value for tp in entry.timepoints]


def test_a_new_read_is_not_started_with_the_baseline_next(demo):
    entries = actions.worklist(demo.store, demo.reader1)
    assert [e.subject for e in entries] == sorted(demo_truth())
    first = entries[0]
    assert states(first) == ["not started"] * 3
    assert first.next_timepoint.label == "Baseline"
    assert [tp.label for tp in first.timepoints] == ["Baseline", "Week 6", "Week 12"]


def test_states_follow_the_reader_s_own_work(demo):
    store, reader = demo.store, demo.reader1
    entry = actions.worklist(store, reader)[0]
    baseline = entry.timepoints[0].timepoint_id
    actions.add_lesion(store, reader, entry.task_id, baseline, LesionCategory.TARGET, "liver")
    assert states(actions.worklist(store, reader)[0]) == ["in progress", "not started",
                                                          "not started"]
    read_subject(store, reader, entry.subject, upto=2)
    after = actions.worklist(store, reader)[0]
    assert states(after) == ["signed", "signed", "not started"]
    assert after.next_timepoint.label == "Week 12"
    read_subject(store, reader, entry.subject)
    done = actions.worklist(store, reader)[0]
    assert done.is_done
    assert done.next_timepoint is None
    # An amendment re-opens the baseline; the later signatures wait for a new one.
    actions.amend_timepoint(store, reader, entry.task_id, baseline, "T1 re-measured")
    amended = actions.worklist(store, reader)[0]
    assert states(amended) == ["in progress", "re-signature needed", "re-signature needed"]
    assert amended.next_timepoint.label == "Baseline"


def test_the_other_reader_s_work_changes_nothing_in_a_worklist(demo):
    before = actions.worklist(demo.store, demo.reader1)
    subject = before[0].subject
    read_subject(demo.store, demo.reader2, subject, upto=2)
    assert actions.worklist(demo.store, demo.reader2)[0].timepoints[0].state is \
        TimepointState.SIGNED
    assert actions.worklist(demo.store, demo.reader1) == before


@pytest.mark.parametrize("role", ["admin", "adjudicator", "coordinator"])
def test_only_readers_have_a_worklist(demo, role):
    with pytest.raises(PermissionDeniedError):
        actions.worklist(demo.store, getattr(demo, role))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, small_demo_trial: Path) -> Path:
    folder = tmp_path_factory.mktemp("demo-data") / "demo-store"
    return build_demo_store(folder, PhantomSize.SMALL, kdf=CHEAP_KDF, phantom=small_demo_trial)


def test_the_demo_store_has_every_account_with_its_demo_password_and_no_change_due(
        demo_store):
    with open_store(demo_store) as store:
        for account in DEMO_ACCOUNTS:
            session = login(store, account.login, DEMO_PASSWORD)
            assert session.role is account.role
            assert not actions.must_change_password(store, session)
        # Any other account still has to change the password an admin gave it.
        admin = login(store, "admin", DEMO_PASSWORD)
        actions.add_user(store, admin, "reader3", "Third", "reader", PASSWORD, kdf=CHEAP_KDF)
        assert actions.must_change_password(store, login(store, "reader3", PASSWORD))


def test_the_demo_store_s_images_are_imported_beside_it_and_both_readers_assigned(
        demo_store, small_demo_trial):
    images = demo_store.parent / f"{demo_store.stem}-images"
    with open_store(demo_store) as store:
        for reader in ("reader1", "reader2"):
            session = login(store, reader, DEMO_PASSWORD)
            entries = actions.worklist(store, session)
            assert [e.subject for e in entries] == ["HCC-001", "HCC-002", "HCC-003"]
            for entry in entries:
                for tp in entry.timepoints:
                    series = actions.list_series(store, session, entry.task_id,
                                                 tp.timepoint_id)
                    assert len(series) == 4
                    for record in series:
                        folder = (demo_store.parent / record.location).resolve()
                        assert folder.parent == images.resolve()
                        assert any(folder.iterdir())
        found = check_store(store)
    assert found.is_intact, [str(d) for d in found.discrepancies]
    assert read_manifest(small_demo_trial) is not None  # a phantom given is kept


def test_the_demo_store_is_built_once_and_an_interrupted_build_starts_again(tmp_path,
                                                                          demo_store):
    mtime = demo_store.stat().st_mtime_ns
    assert build_demo_store(demo_store.parent, PhantomSize.SMALL) == demo_store
    assert demo_store.stat().st_mtime_ns == mtime
    folder = tmp_path / "demo-store"
    leftover = tmp_path / "demo-store.building"
    leftover.mkdir()
    (leftover / "half.sqlite").write_text("interrupted")
    built = build_demo_store(folder, PhantomSize.SMALL, kdf=CHEAP_KDF)
    assert built.is_file()
    assert not leftover.exists()
    assert not (folder / "phantom").exists()  # the written originals are removed
    other = tmp_path / "not-a-demo"
    other.mkdir()
    with pytest.raises(StoreError, match="holds no demo trial store"):
        build_demo_store(other, PhantomSize.SMALL)
