"""Signing is one action: the read is loaded once and the engine runs once per read."""

from __future__ import annotations

import collections

import pytest
from store_demo_reading import PASSWORD, read_subject

import core.criteria
import core.store.reads
from core.actions import final_results, get_read, my_tasks, sign_timepoint
from core.criteria import evaluate, result_to_data
from core.reading import build_case


@pytest.fixture
def counted(monkeypatch):
    """Count every read loaded (by task) and every engine run (by subject and timepoints)."""
    loads: collections.Counter[int] = collections.Counter()
    runs: collections.Counter[tuple[str, int]] = collections.Counter()
    load_read, run = core.store.reads.load_read, core.criteria.evaluate

    def counting_load(store, task):
        loads[task.task_id] += 1
        return load_read(store, task)

    def counting_run(case, criteria=None):
        runs[(case.subject, len(case.timepoints))] += 1
        return run(case, criteria)

    monkeypatch.setattr(core.store.reads, "load_read", counting_load)
    monkeypatch.setattr(core.criteria, "evaluate", counting_run)
    return loads, runs


def _sign_last_open(demo, reader, subject):
    """Prepare *subject*'s next timepoint with calipers (uncounted), return what to sign."""
    task = next(t for t in my_tasks(demo.store, reader) if t.subject == subject)
    read = get_read(demo.store, reader, task.task_id)
    return task, next(tp for tp in read.timepoints if tp.status != "signed")


def test_signing_loads_the_read_once_and_runs_the_engine_once(demo, counted):
    loads, runs = counted
    read_subject(demo.store, demo.reader1, "HCC-002", upto=1)
    read_subject(demo.store, demo.reader2, "HCC-002", upto=1)
    # Reader 1 prepares week 6 completely, then only the signature is counted.
    read_subject(demo.store, demo.reader1, "HCC-002", upto=2, sign_last=False)
    task, week6 = _sign_last_open(demo, demo.reader1, "HCC-002")
    loads.clear()
    runs.clear()
    update = sign_timepoint(demo.store, demo.reader1, task.task_id, week6.timepoint_id,
                            PASSWORD)
    # The other read is only at baseline: it is looked at (statuses), never evaluated.
    assert loads[task.task_id] == 1
    assert runs == {("HCC-002", 2): 1}
    assert update.read.timepoint("Week 6").status == "signed"
    assert update.result is not None
    assert update.through == 2


def test_the_signature_that_completes_a_cycle_evaluates_each_read_once(demo, counted):
    loads, runs = counted
    read_subject(demo.store, demo.reader1, "HCC-002", upto=2)
    read_subject(demo.store, demo.reader2, "HCC-002", upto=2, sign_last=False)
    task, week6 = _sign_last_open(demo, demo.reader2, "HCC-002")
    other = next(t for t in my_tasks(demo.store, demo.reader1) if t.subject == "HCC-002")
    loads.clear()
    runs.clear()
    update = sign_timepoint(demo.store, demo.reader2, task.task_id, week6.timepoint_id,
                            PASSWORD)
    assert loads == {task.task_id: 1, other.task_id: 1}
    assert runs == {("HCC-002", 2): 2}  # one per read: reader 2's result is reused
    (final,) = final_results(demo.store, demo.coordinator)
    assert final.source == "concordant"
    # The final result is reader 1's read as the engine decides it, recomputed here.
    read_1 = get_read(demo.store, demo.reader1, other.task_id)
    expected = evaluate(build_case(read_1, "mRECIST", through=2))
    assert final.result == result_to_data(expected)
    assert update.result is not None
