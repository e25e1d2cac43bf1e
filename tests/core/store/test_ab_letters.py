"""Which read is A: drawn at random per subject, kept, never telling the reader (#12).

docs/reading.md §2-3: the adjudicator must not learn a reader from the letter, so the letter
is drawn when a subject is first adjudicated and kept for its later cycles.
"""

from __future__ import annotations

import pytest
from store_demo_reading import read_subject, setup_demo
from store_trial import make_trial

from core.actions import get_adjudication, open_adjudications
from core.reading import ab_order

MISSED_RESPONSE = {("Week 6", "T1", "viable"): 40.0}
MISSED_NEW_LESION = {("Week 12", "N1", "*"): None}


def test_a_subject_keeps_its_letters_from_cycle_to_cycle():
    tasks = (11, 22)
    assert ab_order(tasks, 22, lambda _n: 0) == (1, 0)  # the earlier A stays A
    assert ab_order(tasks, 11, lambda _n: 1) == (0, 1)
    with pytest.raises(ValueError, match="0 or 1"):
        ab_order(tasks, None, lambda _n: 2)


@pytest.mark.slow
def test_reader_1_is_not_always_a_over_twenty_subjects(tmp_path):
    reader_1_is_a = []
    for number in range(10):  # two discordant subjects per trial: twenty in all
        trial = make_trial(tmp_path / f"trial-{number}.sqlite")
        setup_demo(trial.store, trial.admin, ("HCC-001", "HCC-003"))
        for subject, slip in (("HCC-001", MISSED_RESPONSE), ("HCC-003", MISSED_NEW_LESION)):
            read_subject(trial.store, trial.reader1, subject)
            read_subject(trial.store, trial.reader2, subject, slip)
        for task in open_adjudications(trial.store, trial.adjudicator):
            view = get_adjudication(trial.store, trial.adjudicator, task.adjudication_id)
            again = get_adjudication(trial.store, trial.adjudicator, task.adjudication_id)
            assert again.read_a == view.read_a  # the same letters each time it opens
            row = trial.store._row("SELECT t.slot FROM adjudications a JOIN tasks t "
                                   "ON t.id = a.task_a_id WHERE a.id = ?",
                                   (task.adjudication_id,))
            reader_1_is_a.append(row["slot"] == 1)
        trial.store.close()
    assert len(reader_1_is_a) == 20
    # All twenty the same by chance: 2 in 2^20 (about one run in half a million).
    assert 0 < sum(reader_1_is_a) < 20
