"""The reading workflow's rules, pure: functions of plain values, no store, no Qt.

``core.actions`` applies them to the reads it loads; a screen may apply the same rules
before it even asks (docs/reading.md).
"""

from core.reading.adjudication import ab_order, cycle_through, discordance, first_response
from core.reading.calipers import (
    image_refusal,
    kind_refusal,
    length_refusal,
    read_caliper_problems,
    recorded_caliper_problems,
    viable_total_refusal,
)
from core.reading.case import build_case
from core.reading.edits import (
    anonymised,
    truncated,
    with_finding,
    with_lesion,
    with_measurement,
    with_timepoint,
    without_finding,
    without_lesion,
    without_measurement,
)
from core.reading.setup import assignment_refusal, timepoint_refusal
from core.reading.signature import (
    ADJUDICATION_MEANING,
    AMEND_MEANING,
    SIGN_MEANING,
    content_sha256,
    signed_content,
)
from core.reading.workflow import (
    amend_refusal,
    edit_refusal,
    evaluation_through,
    finding_refusal,
    finding_state,
    first_seen_refusal,
    lesion_removal_refusal,
    lesion_selection_refusal,
    next_label,
    not_assessed_refusal,
    sign_refusal,
    signed_prefix,
)

__all__ = [
    "ADJUDICATION_MEANING",
    "AMEND_MEANING",
    "SIGN_MEANING",
    "ab_order",
    "amend_refusal",
    "anonymised",
    "assignment_refusal",
    "build_case",
    "content_sha256",
    "cycle_through",
    "discordance",
    "edit_refusal",
    "evaluation_through",
    "finding_refusal",
    "finding_state",
    "first_response",
    "first_seen_refusal",
    "image_refusal",
    "kind_refusal",
    "length_refusal",
    "lesion_removal_refusal",
    "lesion_selection_refusal",
    "next_label",
    "not_assessed_refusal",
    "read_caliper_problems",
    "recorded_caliper_problems",
    "sign_refusal",
    "signed_content",
    "signed_prefix",
    "timepoint_refusal",
    "truncated",
    "viable_total_refusal",
    "with_finding",
    "with_lesion",
    "with_measurement",
    "with_timepoint",
    "without_finding",
    "without_lesion",
    "without_measurement",
]
