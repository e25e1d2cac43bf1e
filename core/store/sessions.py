"""The log-in sessions one open store issued: only ``core.store.auth.login`` adds to them.

A session is known by a SHA-256 digest of its token (the token itself is kept nowhere but
in the caller's ``Session``), bound to one user id and to a digest of that user's password
hash at log-in, and dated by the last call that used it, on a monotonic clock. A
``Session`` built by hand, or carrying another session's token with another user id, is
not found. Nothing here is a boundary against code running in the same process (it can
reach any object); it makes the store's own API the only way to a session
(docs/security.md).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class SessionEntry:
    """What the store knows of one live session."""

    user_id: int
    credential: str    # digest of the password hash it was issued under
    last_used: float   # on the registry's clock, in seconds


class SessionRegistry:
    """Live sessions by token digest. ``Store`` holds one, privately."""

    __slots__ = ("_clock", "_entries")

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._entries: dict[str, SessionEntry] = {}
        self._clock = clock

    def now(self) -> float:
        """The registry's clock (monotonic seconds unless a test set another)."""
        return self._clock()

    def set_clock(self, clock: Clock) -> None:
        """Measure inactivity with *clock* from now on (tests advance one by hand)."""
        self._clock = clock

    def issue(self, user_id: int, password_hash: str) -> str:
        """A new token for *user_id*, live from now; only its digest is kept."""
        token = secrets.token_urlsafe(32)
        self._entries[_digest(token)] = SessionEntry(user_id, _digest(password_hash),
                                                     self.now())
        return token

    def find(self, token: object, user_id: object) -> SessionEntry | None:
        """The entry of *token* if it was issued here to *user_id*, else ``None``."""
        if not isinstance(token, str):
            return None
        entry = self._entries.get(_digest(token))
        if entry is None or entry.user_id != user_id:
            return None
        return entry

    @staticmethod
    def issued_under(entry: SessionEntry, password_hash: str) -> bool:
        """True while the user's password is still the one the session was issued under."""
        return secrets.compare_digest(entry.credential, _digest(password_hash))

    def rebind(self, token: str, password_hash: str) -> None:
        """Keep *token* live under a new password hash (the user just changed it)."""
        entry = self._entries.get(_digest(token))
        if entry is not None:
            entry.credential = _digest(password_hash)

    def end(self, token: object) -> bool:
        """End the session of *token*; True if it was live."""
        if not isinstance(token, str):
            return False
        return self._entries.pop(_digest(token), None) is not None

    def end_user(self, user_id: int) -> int:
        """End every session of *user_id* (the account was deactivated); how many ended."""
        ended = [key for key, entry in self._entries.items() if entry.user_id == user_id]
        for key in ended:
            del self._entries[key]
        return len(ended)

    def clear(self) -> None:
        """End every session (the store is closing)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
