"""Decide a subject's dual-read cycle, inside the signature that completes it.

When both reads of a subject are signed up to the same timepoint (at least one follow-up),
both results are compared with the trial's triggers (``core.reading.discordance``):
concordant subjects take reader 1's read as final, discordant ones get an adjudication in
which the two reads are labelled A and B at random (``core.reading.ab_order``), so the
adjudicator cannot tell which reader is which. A new timepoint signed by both starts the
next cycle; an amendment supersedes the cycles that rested on it (docs/reading.md §3).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from core.actions._engine import evaluate_read
from core.criteria import Result, result_to_data
from core.errors import WorkflowError
from core.model.reading import Read
from core.model.trial import Subject, Task, TrialInfo
from core.reading import ab_order, cycle_through, discordance
from core.store import Store, adjudications, reads
from core.store import trial as trial_store


def _result(read: Read, trial: TrialInfo, through: int) -> Result:
    result, problems = evaluate_read(read, trial, through)
    if result is None:  # both reads were validated when signed; a stored read changed
        details = "; ".join(map(str, problems))
        raise WorkflowError(f"{read.subject} read {read.task_id}",
                            f"a signed read no longer evaluates: {details}")
    return result


def decide_cycle(store: Store, actor: int, signed_task: Task, signed_read: Read,
                 trial: TrialInfo, computed: Mapping[int, Result]) -> None:
    """Decide the subject's cycle if both reads are now signed to the same timepoint.

    Runs inside the transaction of the signature that may complete the cycle.
    *signed_read* is that read as signed, and *computed* its engine results by number of
    timepoints, so the signing read is neither loaded nor evaluated a second time; the
    other read is loaded and evaluated once.
    """
    subject = Subject(signed_task.subject_id or 0, signed_task.subject)
    tasks = trial_store.subject_tasks(store, subject)
    if len(tasks) != 2:
        return
    loaded = [signed_read if task.task_id == signed_task.task_id else reads.load_read(store, task)
              for task in tasks]
    through = cycle_through(loaded[0].timepoints, loaded[1].timepoints)
    if through is None:
        return
    through_tp = loaded[0].timepoints[through - 1].timepoint_id
    if adjudications.is_cycle_decided(store, subject.subject_id, through_tp):
        return
    results = [computed[through] if task.task_id == signed_task.task_id and through in computed
               else _result(read, trial, through) for task, read in zip(tasks, loaded,
                                                                        strict=True)]
    a, b = ab_order([task.task_id for task in tasks],
                    adjudications.earlier_task_a(store, subject.subject_id), secrets.randbelow)
    # Triggers are worded "A vs B", never in reader order, so they reveal no identity.
    fired = discordance(results[a], results[b], trial.triggers)
    if not fired:
        adjudications.insert_final(store, actor, subject.subject_id, through_tp,
                                   tasks[0].task_id, "concordant", None,
                                   result_to_data(results[0]))
        return
    adjudications.insert_adjudication(store, actor, subject.subject_id, through_tp,
                                      tasks[a].task_id, tasks[b].task_id, fired,
                                      result_to_data(results[a]), result_to_data(results[b]))
