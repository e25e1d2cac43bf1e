"""Phantom to response engine: each demo timepoint gets the response it was designed for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main
from core.criteria import case_from_data, evaluate
from core.phantom import PhantomSize, demo_scenarios, write_demo_trial
from core.phantom.cases import perfect_reader_case


@pytest.fixture(scope="module")
def small_trial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small_trial")
    write_demo_trial(folder, PhantomSize.SMALL, workers=1)
    return folder


@pytest.mark.parametrize("criteria", ["mRECIST", "RECIST1.1"])
@pytest.mark.parametrize("scenario", demo_scenarios(), ids=lambda s: s.name)
def test_engine_gives_the_intended_response_at_every_timepoint(small_trial, scenario, criteria):
    case = perfect_reader_case(small_trial, scenario.subject)
    result = evaluate(case_from_data(case), criteria=criteria)
    got = [row.overall.category.value if row.overall else None for row in result.timepoints]
    intended = [tp.get(criteria) for tp in scenario.intended]
    assert got == intended


def test_demo_case_files_drive_mrecist_stats(small_trial, capsys):
    cases = sorted((small_trial / "cases").glob("*.json"))
    assert [p.stem for p in cases] == ["HCC-001", "HCC-002", "HCC-003"]
    assert main(["stats", *map(str, cases)]) == 0
    stats = json.loads(capsys.readouterr().out)
    # Responder CR, stable SD, progressor SD (SD at week 6 before PD at week 12).
    assert stats["counts"]["CR"] == 1
    assert stats["counts"]["SD"] == 2
    assert stats["orr"]["x"] == 1
    assert stats["pfs"]["events"] == 1
