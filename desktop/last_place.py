"""Where each reader was in each trial store: the subject and timepoint to reopen.

After a crash or a kill the reader logs in again and lands on the same subject and
timepoint (issue #11 item 6). The place is kept in the OS user's settings
(``QSettings``), not in the trial store: it is a convenience of this workstation, not
part of the record, and writing it must not add an audited change each time a timepoint
is opened. It is keyed by the store's path and the login, and synced at once, so a
SIGKILL a moment later still finds it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings


def _key(store_path: Path, login: str) -> str:
    # A digest: store paths hold slashes and spaces, which QSettings keys must not.
    digest = hashlib.sha256(f"{store_path.resolve()}\0{login}".encode()).hexdigest()[:24]
    return f"last_place/{digest}"


def remember(store_path: Path, login: str, task_id: int, timepoint_id: int) -> None:
    """Keep the timepoint *login* has open in the store at *store_path*."""
    settings = QSettings()
    settings.setValue(_key(store_path, login), f"{task_id}:{timepoint_id}")
    settings.sync()


def recall(store_path: Path, login: str) -> tuple[int, int] | None:
    """The (task, timepoint) *login* last had open in that store, if any."""
    value = QSettings().value(_key(store_path, login))
    try:
        task, timepoint = str(value).split(":")
        return int(task), int(timepoint)
    except ValueError:
        return None
