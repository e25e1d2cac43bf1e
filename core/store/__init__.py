"""The trial store: one SQLite file per trial, the only place where rows exist.

Every function takes the acting user's ``Session`` (from ``login``) and checks role and
ownership here, in ``core``, so blinding holds whatever drives the store (desktop, CLI,
scripts). Values in and out are frozen dataclasses of ``core.model``.

Typical use::

    store = open_store("trial.sqlite")
    reader = login(store, "reader1", password)
    task = my_tasks(store, reader)[0]
    read = get_read(store, reader, task.task_id)
"""

from core.store.audit import AuditVerdict, verify
from core.store.auth import (
    DEFAULT_KDF,
    MAX_FAILED_LOGINS,
    ScryptParams,
    add_user,
    login,
    logout,
    unlock_user,
)
from core.store.backup import backup, rotate_backups
from core.store.cycles import (
    adjudicate,
    adjudication_series,
    final_results,
    get_adjudication,
    open_adjudications,
)
from core.store.db import Store, open_store
from core.store.reads import (
    add_lesion,
    amend_timepoint,
    delete_lesion,
    delete_measurement,
    get_read,
    list_series,
    my_tasks,
    save_finding,
    save_measurement,
    set_not_assessed,
    sign_timepoint,
)
from core.store.reports import export_case, export_case_json, trial_status
from core.store.trial import (
    add_series,
    add_subject,
    add_timepoint,
    assign,
    init_store,
    list_subjects,
    trial_info,
)

__all__ = [
    "DEFAULT_KDF",
    "MAX_FAILED_LOGINS",
    "AuditVerdict",
    "ScryptParams",
    "Store",
    "add_lesion",
    "add_series",
    "add_subject",
    "add_timepoint",
    "add_user",
    "adjudicate",
    "adjudication_series",
    "amend_timepoint",
    "assign",
    "backup",
    "delete_lesion",
    "delete_measurement",
    "export_case",
    "export_case_json",
    "final_results",
    "get_adjudication",
    "get_read",
    "init_store",
    "list_series",
    "list_subjects",
    "login",
    "logout",
    "my_tasks",
    "open_adjudications",
    "open_store",
    "rotate_backups",
    "save_finding",
    "save_measurement",
    "set_not_assessed",
    "sign_timepoint",
    "trial_info",
    "trial_status",
    "unlock_user",
    "verify",
]
