"""Which tables the audit covers, and how the audit records one of their rows.

No imports from the rest of the store: the migrations use it too (the ledger baseline).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

# entity name in the audit -> table.
ENTITY_TABLES: dict[str, str] = {
    "trial": "trial",
    "setting": "settings",
    "user": "users",
    "subject": "subjects",
    "timepoint": "timepoints",
    "series": "series",
    "images": "images",
    "task": "tasks",
    "read_timepoint": "read_timepoints",
    "lesion": "lesions",
    "measurement": "measurements",
    "finding": "findings",
    "signature": "signatures",
    "amendment": "amendments",
    "adjudication": "adjudications",
    "final_result": "final_results",
    "key_image": "key_images",
    # The clinical record (m010): entity names are core.model.clinical_record.ClinicalKind.
    "eligibility": "clinical_eligibility",
    "screening": "clinical_screening",
    "baseline": "clinical_baseline",
    "treatment_session": "clinical_treatment_sessions",
    "dose": "clinical_doses",
    "lab": "clinical_labs",
    "adverse_event": "clinical_adverse_events",
    "end_of_treatment": "clinical_end_of_treatment",
    "follow_up": "clinical_follow_up",
    "lab_event_dismissal": "clinical_lab_event_dismissals",  # m011
    "clinical_lock": "clinical_locks",
}
# The clinical record's entities: the coordinator's alone, withheld from every other role.
CLINICAL_ENTITIES = frozenset({"eligibility", "screening", "baseline", "treatment_session",
                               "dose", "lab", "adverse_event", "end_of_treatment",
                               "follow_up", "lab_event_dismissal", "clinical_lock"})
# The key an audit row's after-value gives the reason for a change after entry (21 CFR
# 11.10(e)); no audited table has a column of that name, so the replay passes it by.
CHANGE_REASON = "change_reason"
TABLE_ENTITIES = {table: entity for entity, table in ENTITY_TABLES.items()}

# Recorded as a digest only.
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"users": ("password_hash",)}

# Rows created by a reader's or adjudicator's work get random ids (see ``ledger``).
RANDOM_ID_TABLES = frozenset({"lesions", "measurements", "findings", "signatures",
                              "amendments", "key_images"})

# Recorded per group (the images of one series), as a count and a digest.
GROUP_COLUMNS: dict[str, str] = {"images": "series_id"}

# The audit rows that restart the replay (a store upgraded to the ledger, see m005).
BASELINE_START = "ledger_baseline"
BASELINE = "baseline"


def secret_digest(value: object) -> str:
    """What the audit records of a secret column's value."""
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def recorded(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """*row* as the audit records it: without ``id``, secret columns as digests."""
    secret = SECRET_COLUMNS.get(table, ())
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column == "id":
            continue
        if column in secret:
            out[f"{column}_sha256"] = secret_digest(value)
        else:
            out[column] = value
    return out
