"""The reading workflow's rules, pure: no database, no Qt.

``core.store`` applies them to stored reads; the desktop session will apply the same rules
before it even asks the store.
"""

from core.reading.adjudication import DEFAULT_TRIGGERS, Trigger, discordance, first_response
from core.reading.workflow import (
    build_case,
    edit_refusal,
    finding_refusal,
    lesion_selection_refusal,
    signed_prefix,
)

__all__ = [
    "DEFAULT_TRIGGERS",
    "Trigger",
    "build_case",
    "discordance",
    "edit_refusal",
    "finding_refusal",
    "first_response",
    "lesion_selection_refusal",
    "signed_prefix",
]
