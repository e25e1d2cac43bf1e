"""The reading station end to end, as a radiologist uses it (issue #11, "Done when").

The demo trial store, the real application window offscreen: reader1 logs in by typing,
opens each timepoint of one subject from the worklist with the keyboard, adds the lesions,
draws every viable and total diameter with simulated mouse drags on the arterial viewport
(or, in the second test, clicks inside the lesion and accepts the suggested calipers as
they are), classifies the non-target and the new lesion, and signs each timepoint with the
password in the sign dialog. Each diameter must lie within 1.5 pixels of the phantom's
ground truth, and the result the store holds for the read must equal what ``mrecist
evaluate`` computes from the read's exported case file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from reading_by_hand import KINDS, accept_suggestion, draw_diameters, read_subject_by_hand
from store_demo_reading import demo_truth

from core.actions import export_case_json, get_read, read_state
from core.actions.demo import DEMO_PASSWORD, DEMO_STORE_NAME
from core.criteria.case_io import result_to_data
from core.model.reading import TimepointStatus
from core.store import login, open_store
from desktop.demo_data import DEMO_STORE_FOLDER

SUBJECT = "HCC-003"  # a target, a lymph-node non-target, and a new lesion at week 12


def _check_against_truth_and_the_cli(data_dir: Path, tmp_path: Path) -> None:
    with open_store(data_dir / DEMO_STORE_FOLDER / DEMO_STORE_NAME) as store:
        reader = login(store, "reader1", DEMO_PASSWORD)
        task = next(t for t in window_tasks(store, reader) if t.subject == SUBJECT)
        read = get_read(store, reader, task.task_id)
        assert [tp.status for tp in read.timepoints] == [TimepointStatus.SIGNED] * 3
        for tp in demo_truth()[SUBJECT]:
            timepoint = read.timepoint(tp.label)
            pixel = Decimal(str(tp.grid.pixel_spacing_mm))
            for truth in tp.truth["lesions"]:
                if truth["role"] == "non_target":
                    continue
                lesion = read.lesion(truth["id"])
                for key, kind in KINDS.items():
                    saved = read.measurement(lesion.lesion_id, timepoint.timepoint_id, kind)
                    assert saved is not None, (tp.label, truth["id"], key)
                    expected = Decimal(str(truth[f"{key}_longest_diameter_mm"]))
                    assert abs(saved.length_mm - expected) <= Decimal("1.5") * pixel, (
                        tp.label, truth["id"], key, saved.length_mm, expected)
        last = read.timepoints[-1].timepoint_id
        stored = result_to_data(read_state(store, reader, task.task_id, last).result)
        case_file = tmp_path / f"{SUBJECT}.json"
        case_file.write_text(export_case_json(store, reader, SUBJECT, read="1"),
                             encoding="utf-8")
    evaluated = subprocess.run([sys.executable, "-m", "core.cli", "evaluate", str(case_file)],
                               capture_output=True, text=True, check=True)
    assert json.loads(evaluated.stdout) == json.loads(json.dumps(stored))


def window_tasks(store, reader):
    from core.actions import my_tasks

    return my_tasks(store, reader)


@pytest.mark.slow
def test_a_reader_measures_classifies_and_signs_a_subject_with_the_mouse(qtbot, demo_data_dir,
                                                                         tmp_path):
    read_subject_by_hand(qtbot, demo_data_dir, SUBJECT, draw_diameters)
    _check_against_truth_and_the_cli(demo_data_dir, tmp_path)


@pytest.mark.slow
def test_the_same_read_through_the_suggestion_tool_accepted_as_proposed(qtbot,
                                                                        demo_data_dir,
                                                                        tmp_path):
    read_subject_by_hand(qtbot, demo_data_dir, SUBJECT, accept_suggestion)
    _check_against_truth_and_the_cli(demo_data_dir, tmp_path)

