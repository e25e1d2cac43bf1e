"""Open a trial store: one SQLite file per trial, durable and safe for two processes.

Every store runs in WAL mode with ``synchronous=FULL`` (a commit that returned is on disk,
even if the process is killed the next instant), foreign keys on, and a busy timeout so a
second process waits for the first instead of failing. Every write goes through
``Store.transaction()``, which starts ``BEGIN IMMEDIATE``: the write lock is taken before
anything is read, so two processes can never both read the same audit head or the same
row and overwrite each other's update.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.errors import StoreError, StoreLockedError, StoreVersionError
from core.store.anchors import Anchor, append, checkpoint_path
from core.store.migrations import migrations, step_names
from core.store.sessions import SessionRegistry

log = logging.getLogger(__name__)

# The setting naming a second file the site keeps anchors in (docs/security.md §3).
ANCHOR_COPY_SETTING = "anchor_copy_path"

Params = tuple[Any, ...] | dict[str, Any]

# Seconds a process waits for another one's write to finish before giving up.
DEFAULT_BUSY_TIMEOUT_S = 30.0

# The folder beside a store that holds its backups (the coordinator's "Back up now", the
# scheduled ones and the copy kept before a schema upgrade): ``<store name>-backups``.
BACKUPS_SUFFIX = "-backups"


def utc_now() -> str:
    """The current UTC time as ISO 8601 with microseconds and a ``Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


class Store:
    """An open trial store. Use the functions of ``core.store``; rows never leave it.

    Its connection and raw queries (``_db``, ``_rows``, ``_row``, ``_execute``) are for the
    modules of ``core.store`` only: nothing above the store reads a table except through
    them (import-linter keeps the CLI, desktop and widgets off the store's modules, and
    ``transaction()`` and ``snapshot()`` yield nothing), so a caller holding a reader's
    session has no raw entry point (docs/security.md §4).
    """

    def __init__(self, path: Path, db: Database, busy_timeout_s: float) -> None:
        self.path = path
        self._db = db
        self.busy_timeout_s = busy_timeout_s
        # The sessions this store issued, kept by token digest; only auth.login adds one, so
        # a Session built by hand is refused (core.store.sessions).
        self._sessions = SessionRegistry()
        # The audit head last written to the checkpoint file, and why the last write failed.
        self._anchoring = True
        self._anchored: tuple[int, str] | None = None
        self._tx_start: int | None = None
        self._read_only = False
        self._shares_sessions = False  # a connection for another thread (for_thread)
        self.anchor_problem: str | None = None
        # The copy of the file made before this open upgraded its schema (upgrade_backup).
        self._upgrade_backup: Path | None = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; the file stays consistent whatever happens next.

        Closing a store of :meth:`for_thread` leaves the sessions live: they are the
        first store's.
        """
        if not self._shares_sessions:
            self._sessions.clear()
        self._db.close()

    def for_thread(self) -> Store:
        """The same store through a connection of its own, for long work on another thread.

        Call it on that thread and close it there (an SQLite connection belongs to the
        thread that made it). It accepts the sessions this store issued, so the work runs
        as the same user through the same actions, each in its own transaction, as a
        second process would (the write lock and busy timeout of ``transaction()``); it
        mints no session of its own beyond what ``auth.login`` does.
        """
        if self._read_only:
            raise StoreError(self.path, "opened read-only, to be checked: nothing is written")
        twin = Store(self.path, _connect(self.path, self.busy_timeout_s), self.busy_timeout_s)
        twin._sessions = self._sessions
        twin._shares_sessions = True
        return twin

    def _locked(self, error: sqlite3.OperationalError) -> StoreLockedError:
        return StoreLockedError(
            self.path,
            f"another process kept the store busy for more than {self.busy_timeout_s:g} s "
            f"({error}); try again",
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: everything inside commits together or not at all.

        Raises
        ------
        StoreLockedError
            If another process held the write lock for longer than the busy timeout.
        """
        if self._read_only:
            raise StoreError(self.path, "opened read-only, to be checked: nothing is written")
        if self._db.conn.in_transaction:
            with self._db.atomic():
                yield
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                raise self._locked(error) from None
            raise
        try:
            # The audit's length before this action, under the write lock: its anchor line
            # says which rows it added, so rows no anchored action added stand out.
            self._tx_start = self._audit_length()
            yield
        except BaseException:
            self._db.rollback()
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            self._db.rollback()
            if _is_lock_error(error):
                raise self._locked(error) from None
            raise
        self.anchor()

    def _audit_length(self) -> int | None:
        try:
            found = self._db.execute("SELECT MAX(id) FROM audit").fetchone()
        except sqlite3.OperationalError:
            return None  # a new file: the first migration creates the audit
        return int(found[0] or 0)

    def audit_head(self) -> Anchor | None:
        """The audit's row count and last hash now, or ``None`` for an empty audit."""
        head = self._db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return Anchor(int(head[0]), str(head[1]), utc_now()) if head else None

    def anchor(self, by: str = "commit") -> None:
        """Append the audit head to the checkpoint file (and the site's copy) if it moved.

        Runs after the commit: the action is done whatever happens here, so a file that
        cannot be written is logged and kept in ``anchor_problem`` for the coordinator's
        screen, not raised. A checkpoint file that has gone missing is started again with a
        ``restart`` line, which ``audit verify`` reports. Each line records the audit's
        length before the action too (``start``), so ``audit verify`` finds rows that no
        anchored action wrote.
        """
        if not self._anchoring:
            return
        try:
            head = self.audit_head()
            # Read here, not through core.store.settings: that module writes through the
            # ledger, which imports this one.
            copy = self._db.execute("SELECT value_json FROM settings WHERE key = ?",
                                   (ANCHOR_COPY_SETTING,)).fetchone()
        except sqlite3.Error as error:
            self.anchor_problem = f"could not read the audit head: {error}"
            return
        if head is None or (head.rows, head.head) == self._anchored:
            return
        checkpoint = checkpoint_path(self.path)
        if by == "commit" and not checkpoint.exists():
            by = "restart"
        targets = [checkpoint]
        if copy is not None and json.loads(copy[0]):
            targets.append(Path(json.loads(copy[0])))
        problems = []
        for target in targets:
            try:
                # Not synced after every action: a killed process loses nothing the kernel
                # was given, and what a power cut loses is reported by verify as the last
                # actions' rows without an anchor, for review (docs/security.md §3). The
                # commit itself is synced (synchronous=FULL).
                append(target, Anchor(head.rows, head.head, head.utc, by,
                                      None if by == "upgrade" else self._tx_start),
                       durable=by != "commit")
            except OSError as error:
                problems.append(f"{target}: {error.strerror or error}")
                log.warning("audit anchor not written to %s: %s", target, error)
        self.anchor_problem = "; ".join(problems) or None
        self._anchored = (head.rows, head.head)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A consistent read of several queries: nothing committed meanwhile is half seen.

        Under WAL a deferred transaction reads one snapshot and takes no write lock, so a
        screen loading a read never blocks a reader saving a caliper elsewhere.
        """
        if self._db.conn.in_transaction:
            yield
            return
        self._db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._db.rollback()

    def pragma_messages(self, pragma: str) -> list[str]:
        """The messages of a checking pragma (``integrity_check``), as text."""
        if pragma not in ("integrity_check", "quick_check"):
            raise ValueError(f"not a checking pragma: {pragma}")
        return [str(row[0]) for row in self._db.execute(f"PRAGMA {pragma}").fetchall()]

    def foreign_key_problems(self) -> list[tuple[str, int | None, str]]:
        """(table, row id, parent table) of every row whose foreign key finds no row."""
        return [(str(row[0]), row[1], str(row[2]))
                for row in self._db.execute("PRAGMA foreign_key_check").fetchall()]

    def _rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Run a read query and return its rows as dicts (for ``core.store`` modules only)."""
        try:
            return list(self._db.query(sql, params))
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                raise self._locked(error) from None
            raise

    def _row(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        """The first row of a read query, or ``None``."""
        found = self._rows(sql, params)
        return found[0] if found else None

    def _execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement inside ``transaction()``; return the last row id."""
        if not self._db.conn.in_transaction:
            raise RuntimeError("store writes must run inside Store.transaction()")
        cursor = self._db.execute(sql, params)
        return int(cursor.lastrowid or 0)


def _connect(path: Path, busy_timeout_s: float, read_only: bool = False) -> Database:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=busy_timeout_s)
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        return Database(conn)
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s)
    db = Database(conn)
    with db.ensure_autocommit_on():
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode != "wal":
        raise StoreError(path, f"cannot switch to WAL journal mode (got {mode!r})")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
    return db


def _applied_steps(conn: sqlite3.Connection) -> set[str]:
    """The schema steps recorded in the file (none in a new, empty one)."""
    found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
                         (migrations.migrations_table,)).fetchone()
    if found is None:
        return set()
    return {str(row[0]) for row in conn.execute(
        f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ?",
        (migrations.name,))}


def _newer(path: Path, applied: set[str]) -> StoreVersionError | None:
    unknown = applied - set(step_names())
    if not unknown:
        return None
    return StoreVersionError(path, f"written by a newer application (schema "
                             f"{', '.join(sorted(unknown))}, unknown to this version): open "
                             "it with that version or a later one; the file was not changed")


def upgrade_backup_path(path: Path, first_step: str, utc: str) -> Path:
    """Where the copy of *path* made before applying *first_step* (and the steps after it)
    goes: ``<store name>-backups/<store name>.before-<step>-<UTC>.sqlite`` beside it.

    The "." after the name keeps it out of the rotation of ordinary backups
    (``<store name>-<UTC>.sqlite``, the newest ten kept): a copy from before an upgrade is
    kept until the site deletes it.
    """
    stamp = utc.replace("-", "").replace(":", "").replace(".", "")
    folder = path.parent / f"{path.stem}{BACKUPS_SUFFIX}"
    return folder / f"{path.stem}.before-{first_step}-{stamp}.sqlite"


def upgrade_backup(store: Store) -> Path | None:
    """The copy :func:`open_store` made of *store*'s file before upgrading its schema, or
    ``None`` when this open upgraded nothing."""
    return store._upgrade_backup


def _copy_durably(source: Path, target: Path) -> None:
    """Copy *source* to the new file *target* and sync it; a copy cut short (a full disk)
    is removed, never left to pass for a backup."""
    with source.open("rb") as reading, target.open("xb") as writing:
        try:
            while chunk := reading.read(1 << 20):
                writing.write(chunk)
            writing.flush()
            os.fsync(writing.fileno())
        except BaseException:
            writing.close()
            target.unlink(missing_ok=True)
            raise


def _back_up_before_upgrade(path: Path, busy_timeout_s: float) -> Path | None:
    """Copy an older store byte for byte beside it before its schema is upgraded.

    A store no step has touched (a new file) or one already current is not copied. The
    copy is made under the write lock (``BEGIN IMMEDIATE``), so no other process changes
    the file while it is read; a write-ahead log still holding committed pages (another
    process has the store open) is copied too, as ``<copy>-wal``, which SQLite reads with
    the copy. A store from a newer application is refused here, before anything is written.

    Raises
    ------
    StoreVersionError
        A newer application wrote the store.
    StoreError
        The copy cannot be written (the upgrade is then not attempted).
    """
    try:
        # A plain connection changes nothing (the journal mode stays as it is); closing the
        # last one folds a write-ahead log left by a killed process into the file.
        with contextlib.closing(sqlite3.connect(str(path), timeout=busy_timeout_s)) as probe:
            applied = _applied_steps(probe)
    except sqlite3.DatabaseError:
        return None  # not a trial store: opening it says so
    if (newer := _newer(path, applied)) is not None:
        raise newer
    if not applied or set(step_names()) <= applied:
        return None
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if _is_lock_error(error):
                raise StoreLockedError(path, f"another process kept the store busy for more "
                                       f"than {busy_timeout_s:g} s ({error}); try again") from None
            raise StoreError(path, f"cannot be upgraded: {error}") from None
        applied = _applied_steps(conn)  # another process may have upgraded it meanwhile
        pending = [step for step in step_names() if step not in applied]
        if not pending:
            return None
        target = upgrade_backup_path(path, pending[0], utc_now())
        wal = path.with_name(path.name + "-wal")
        copied = False
        try:
            target.parent.mkdir(exist_ok=True)
            _copy_durably(path, target)
            copied = True
            if wal.is_file() and wal.stat().st_size > 0:
                _copy_durably(wal, target.with_name(target.name + "-wal"))
        except OSError as error:
            if copied:
                target.unlink(missing_ok=True)  # without its log, the copy is incomplete
            raise StoreError(path, f"cannot keep a copy before upgrading the schema "
                             f"({error.filename or target}: {error.strerror or error}); the "
                             "store was not changed") from None
    finally:
        conn.close()  # the transaction only held the lock: nothing to commit
    log.warning("%s: upgrading its schema (%s); the file as it was is kept in %s",
                path, ", ".join(pending), target)
    return target


def _migrate(store: Store) -> tuple[str, ...]:
    """Apply the pending steps; return their names."""
    db = store._db
    applied = {migration.name for migration in migrations.applied(db)}
    if (newer := _newer(store.path, applied)) is not None:
        raise newer
    if not migrations.pending(db):
        return ()
    # Two processes opening a new store at once: the write lock makes the second one wait
    # and then find nothing pending, instead of creating the tables twice.
    store._anchoring = False  # the commit below is not an action; see open_store
    with store.transaction():
        pending = tuple(migration.name for migration in migrations.pending(db))
        migrations.apply(db)
    store._anchoring = True
    if pending and checkpoint_path(store.path).exists():
        store.anchor("migrate")  # the rows a step wrote (a baseline) are an action's too
    return pending


def open_store_read_only(path: Path | str,
                         busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> Store:
    """Open the store at *path* to check it: nothing is written to it, not even an upgrade.

    ``audit verify`` opens a store this way, so checking a backup or an inspector's copy
    leaves it byte for byte as it was.

    Raises
    ------
    StoreError
        No such file, not a trial store, or one an older version wrote (open it with the
        application once to upgrade it, then check it).
    StoreVersionError
        A newer application wrote it.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(path, "no trial store here")
    try:
        db = _connect(path, busy_timeout_s, read_only=True)
        store = Store(path, db, busy_timeout_s)
        store._anchoring = False
        store._read_only = True
        applied = {migration.name for migration in migrations.applied(db)}
    except sqlite3.DatabaseError as error:
        raise StoreError(path, f"not a trial store: {error}") from None
    if (newer := _newer(path, applied)) is not None:
        store.close()
        raise newer
    if set(step_names()) - applied:
        store.close()
        raise StoreError(path, "written by an older version: open it with the application "
                         "once to upgrade it, then check it")
    return store


def open_store(
    path: Path | str, *, create: bool = False, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S
) -> Store:
    """Open the trial store at *path* and bring its schema up to date.

    A store an older version wrote is first copied, byte for byte, into the backups folder
    beside it (:func:`upgrade_backup_path`; :func:`upgrade_backup` names the copy), then
    upgraded in one transaction. A store from a newer version is refused unchanged.

    Parameters
    ----------
    path
        The store file.
    create
        Create the file if it does not exist (``init_store`` does this).
    busy_timeout_s
        How long to wait for another process's write before ``StoreLockedError``.

    Raises
    ------
    StoreError
        If the file does not exist (and *create* is false), is not an SQLite database, or
        is older and the copy before its upgrade cannot be written.
    StoreVersionError
        If a newer application wrote it.
    """
    path = Path(path)
    if not create and not path.is_file():
        raise StoreError(path, "no trial store here (create one with `mrecist db init`)")
    backup = _back_up_before_upgrade(path, busy_timeout_s) if path.is_file() else None
    try:
        db = _connect(path, busy_timeout_s)
    except sqlite3.DatabaseError as error:
        raise StoreError(path, f"not a trial store: {error}") from None
    store = Store(path, db, busy_timeout_s)
    store._upgrade_backup = backup
    try:
        applied = _migrate(store)
        if "m005_settings_and_ledger" in applied and not checkpoint_path(path).exists():
            store.anchor("upgrade")  # an older store: its anchors start now
    except sqlite3.DatabaseError as error:
        store.close()
        raise StoreError(path, f"not a trial store: {error}") from None
    except BaseException:
        store.close()
        raise
    return store
