"""Every user action, one function each, above the store.

An action takes the acting user's ``Session``, loads what it needs once inside one
transaction, applies the rules of ``core.reading`` (and the engine, ``core.criteria``)
once, writes once with its audit rows, and returns plain ``core.model`` values — for a
reader's read a ``ReadUpdate``: what changed, the read as it now is, and its result. The
desktop, the CLI and scripts call these; none of them talks to the store's tables.

Modules: ``reading`` (a reader's work), ``cycles`` (the dual-read decision inside a
signature), ``adjudication``, ``setup`` (accounts, subjects, timepoints, series,
assignment), ``accounts`` (passwords, resets, recovery, session idle time), ``admin`` (the
admin's screens: accounts, roles, the audit trail), ``reports`` (progress, finals, case
export), ``board`` (the coordinator's board), ``importing`` (DICOM into the trial),
``demo`` (the demo trial's registration and the complete demo store), ``worklist`` (a
reader's worklist).
"""

from core.actions.accounts import (
    change_password,
    must_change_password,
    recover_admin,
    reset_password,
    session_idle_minutes,
    set_session_idle_minutes,
)
from core.actions.adjudication import (
    adjudicate,
    adjudication_series,
    awaiting_resignature,
    earlier_decisions,
    get_adjudication,
    open_adjudications,
)
from core.actions.admin import (
    audit_trail,
    deactivate_user,
    list_users,
    reactivate_user,
    set_role,
)
from core.actions.board import coordinator_board
from core.actions.outcome import ReadUpdate
from core.actions.reading import (
    SignPreview,
    add_lesion,
    amend_timepoint,
    clear_finding,
    delete_caliper,
    delete_lesion,
    get_read,
    list_series,
    my_tasks,
    read_state,
    record_finding,
    save_caliper,
    set_not_assessed,
    sign_preview,
    sign_timepoint,
)
from core.actions.reports import export_case, export_case_json, final_results, trial_status
from core.actions.setup import (
    add_series,
    add_subject,
    add_timepoint,
    add_user,
    assign,
    assign_readers,
    complete_series,
    find_series,
    list_subjects,
    list_timepoints,
    set_series_phase,
    unlock_user,
)
from core.actions.worklist import worklist

__all__ = [
    "ReadUpdate",
    "SignPreview",
    "add_lesion",
    "add_series",
    "add_subject",
    "add_timepoint",
    "add_user",
    "adjudicate",
    "adjudication_series",
    "amend_timepoint",
    "assign",
    "assign_readers",
    "audit_trail",
    "awaiting_resignature",
    "change_password",
    "clear_finding",
    "complete_series",
    "coordinator_board",
    "deactivate_user",
    "delete_caliper",
    "delete_lesion",
    "earlier_decisions",
    "export_case",
    "export_case_json",
    "final_results",
    "find_series",
    "get_adjudication",
    "get_read",
    "list_series",
    "list_subjects",
    "list_timepoints",
    "list_users",
    "must_change_password",
    "my_tasks",
    "open_adjudications",
    "reactivate_user",
    "read_state",
    "record_finding",
    "recover_admin",
    "reset_password",
    "save_caliper",
    "session_idle_minutes",
    "set_not_assessed",
    "set_role",
    "set_series_phase",
    "set_session_idle_minutes",
    "sign_preview",
    "sign_timepoint",
    "trial_status",
    "unlock_user",
    "worklist",
]
