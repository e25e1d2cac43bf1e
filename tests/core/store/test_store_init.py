"""Creating a trial store: all or nothing, under its name only when complete."""

from __future__ import annotations

import os
import stat

import pytest
from store_demo_reading import PASSWORD

from core.errors import AuthenticationError, StoreError
from core.store import init_store, open_store
from core.store.auth import ScryptParams

CHEAP = ScryptParams(n=2**10)


def _files(folder):
    return sorted(path.name for path in folder.iterdir())


def test_a_failure_while_the_store_is_built_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="power of 2"):  # scrypt refuses n = 1000
        init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD,
                   kdf=ScryptParams(n=1000))
    assert _files(tmp_path) == []
    with pytest.raises(AuthenticationError, match="at least 12 characters"):
        init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", "short")
    assert _files(tmp_path) == []


def test_the_store_appears_complete_and_alone(tmp_path):
    init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD,
               kdf=CHEAP).close()
    assert [name for name in _files(tmp_path) if ".creating" in name] == []
    with open_store(tmp_path / "t.sqlite") as store:
        assert store._row("SELECT name FROM trial")["name"] == "T"
        assert store._row("SELECT login FROM users")["login"] == "admin"


def test_an_empty_file_left_by_an_older_interrupted_creation_is_not_a_store(tmp_path):
    (tmp_path / "t.sqlite").touch()
    init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD,
               kdf=CHEAP).close()
    with open_store(tmp_path / "t.sqlite") as store:
        assert store._row("SELECT name FROM trial")["name"] == "T"


def test_a_store_or_a_folder_at_the_path_is_never_replaced(tmp_path):
    init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD,
               kdf=CHEAP).close()
    (tmp_path / "folder.sqlite").mkdir()
    for name in ("t.sqlite", "folder.sqlite"):
        with pytest.raises(StoreError, match="a trial store is created only once"):
            init_store(tmp_path / name, "U", "mRECIST", "admin", "Admin", PASSWORD, kdf=CHEAP)
    with open_store(tmp_path / "t.sqlite") as store:
        assert store._row("SELECT name FROM trial")["name"] == "T"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="a read-only folder stops only a non-root POSIX user")
def test_a_folder_that_cannot_be_written_is_named(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match=f"the folder {folder} cannot be written to"):
            init_store(folder / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD)
    finally:
        folder.chmod(0o755)


def test_without_hard_links_the_store_is_still_created_and_never_overwrites(tmp_path,
                                                                          monkeypatch):
    # FAT volumes and some network shares have no hard links: os.link raises.
    def no_links(*_args):
        raise PermissionError("hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    init_store(tmp_path / "t.sqlite", "T", "mRECIST", "admin", "Admin", PASSWORD,
               kdf=CHEAP).close()
    assert [name for name in _files(tmp_path) if ".creating" in name] == []
    with pytest.raises(StoreError, match="created only once"):
        init_store(tmp_path / "t.sqlite", "U", "mRECIST", "admin", "Admin", PASSWORD,
                   kdf=CHEAP)
    with open_store(tmp_path / "t.sqlite") as store:
        assert store._row("SELECT name FROM trial")["name"] == "T"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_device_is_never_taken_for_an_empty_leftover(tmp_path):
    # A FIFO or a device has size 0 like an interrupted creation's empty file: unlinking it
    # and linking a store in its place once replaced a machine's /dev/zero. A FIFO in a
    # temporary folder is the same case without touching the machine's devices.
    target = tmp_path / "fifo"
    os.mkfifo(target)
    before = target.stat()
    with pytest.raises(StoreError, match="a file is already here"):
        init_store(target, "T", "mRECIST", "admin", "Admin", PASSWORD, kdf=CHEAP)
    after = target.lstat()
    assert stat.S_ISFIFO(after.st_mode)
    assert after.st_ino == before.st_ino
