"""DICOM UIDs as PS3.5 §9.1 defines them, checked before a UID names a folder.

A UID is components of digits separated by dots; a component has no leading zero unless it
is "0" itself; the whole is at most 64 characters (PS3.5 §9.1). The import names a series'
folder by its SeriesInstanceUID, so a value outside this grammar (``../../x``, ``/etc``,
``1.2/3``) is refused there rather than trusted.
"""

from __future__ import annotations

import re

MAX_UID_LENGTH = 64  # PS3.5 §9.1

# ASCII digits only ([0-9], not \d, which matches any Unicode digit); fullmatch, not "$",
# which would accept a trailing newline.
_COMPONENT = re.compile(r"0|[1-9][0-9]*")
_DIGITS_AND_DOTS = re.compile(r"[0-9.]*")
_SHOWN_CHARACTERS = 80


def uid_problem(value: str) -> str | None:
    """What makes *value* not a DICOM UID (PS3.5 §9.1), or None when it is one."""
    if not value:
        return "empty"
    if len(value) > MAX_UID_LENGTH:
        return f"{len(value)} characters, more than {MAX_UID_LENGTH}"
    if not _DIGITS_AND_DOTS.fullmatch(value):
        return "characters other than digits and dots"
    for component in value.split("."):
        if not component:
            return "an empty component (a dot at an end, or two together)"
        if not _COMPONENT.fullmatch(component):
            return f"the component {component!r} starts with a zero"
    return None


def shown_uid(value: str) -> str:
    """*value* quoted for a message: control characters escaped, a long one shortened."""
    if len(value) <= _SHOWN_CHARACTERS:
        return repr(value)
    return f"{value[:_SHOWN_CHARACTERS]!r}… ({len(value):,} characters)"
