"""Named errors the application catches and shows; ``str()`` names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class CoreError(Exception):
    """Base of every error that ``core`` raises on purpose."""


class DicomImportError(CoreError):
    """A DICOM file or series cannot be used."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class NotDicomError(DicomImportError):
    """The file is not DICOM at all (no DICM preamble, no DICOM start): maybe an archive."""


class DecoderCrashedError(DicomImportError):
    """A decoding worker process died (a decoder crashed): its pool cannot be used again."""


class StoreError(CoreError):
    """A trial store file cannot be opened or used."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class StoreLockedError(StoreError):
    """Another process held the trial store for longer than the busy timeout."""


class StoreVersionError(StoreError):
    """The trial store was written by a newer version of the application."""


class AuthenticationError(CoreError):
    """A login failed: unknown user, wrong password or deactivated account."""

    def __init__(self, login: str, reason: str) -> None:
        super().__init__(f"user {login!r}: {reason}")
        self.login = login
        self.reason = reason


class AccountLockedError(AuthenticationError):
    """The account is locked after repeated failed logins; an admin must unlock it."""


class SignatureError(CoreError):
    """A signature was refused: wrong password on re-authentication, or nothing to sign."""

    def __init__(self, entity: str, reason: str) -> None:
        super().__init__(f"{entity}: {reason}")
        self.entity = entity
        self.reason = reason


class PermissionDeniedError(CoreError):
    """The acting user's role or ownership does not allow this (blinding, roles)."""

    def __init__(self, entity: str, reason: str) -> None:
        super().__init__(f"{entity}: {reason}")
        self.entity = entity
        self.reason = reason


class WorkflowError(CoreError):
    """The reading workflow forbids this now (date order, signed timepoint, frozen baseline)."""

    def __init__(self, entity: str, reason: str) -> None:
        super().__init__(f"{entity}: {reason}")
        self.entity = entity
        self.reason = reason


class StaleKeyImageError(WorkflowError):
    """A key image rendered for a caliper that has moved (or gone) since: not filed."""


# What an error message quotes of a value: enough to recognise it, never a megabyte.
_QUOTED_MAX = 80


def quoted(value: object) -> str:
    """``repr(value)``, cut to ``_QUOTED_MAX`` characters with the full length said."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's str-conversion limit (4,300 digits)
        digits = round(value.bit_length() * 0.30103) if isinstance(value, int) else 0
        text = f"an integer of about {digits} digits"
    return shortened(text)


def shortened(text: str) -> str:
    """*text* cut to ``_QUOTED_MAX`` characters, saying how long it was."""
    if len(text) <= _QUOTED_MAX:
        return text
    return f"{text[:_QUOTED_MAX - 1]}… ({len(text)} characters)"


class InvalidValueError(CoreError, ValueError):
    """A value cannot be recorded: a length that is not a finite number ≥ 0, a coordinate
    that is NaN or infinite, a number past the limits of docs/input-limits.md.

    A ``ValueError`` too, because it is a bad argument; ``str()`` is ``FIELD: REASON, not
    VALUE`` with the value quoted short.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}: {reason}, not {quoted(value)}")
        self.field = field
        self.value = value
        self.reason = reason


class InputFileError(CoreError):
    """An input file named on the command line cannot be used: missing, a folder,
    unreadable, larger than its limit, or not text."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ClinicalEntriesError(CoreError):
    """Entries of the clinical record refused together: none of them was recorded.

    ``problems`` holds, for each refused entry, its position in what was given (from 1)
    and the reason, so an import can name every bad line at once.
    """

    def __init__(self, what: str, problems: tuple[tuple[int, str], ...]) -> None:
        listed = "; ".join(f"#{index}: {reason}" for index, reason in problems[:3])
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        super().__init__(f"{what}: {len(problems)} refused, nothing recorded: {listed}{more}")
        self.what = what
        self.problems = problems
