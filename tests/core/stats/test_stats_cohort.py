"""Cohort summary and ``mrecist stats`` (docs/criteria.md §6, docs/criteria.md §9)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from core.cli import main
from core.criteria import case_from_data, evaluate
from core.stats import clopper_pearson, kaplan_meier, subject_outcome, summarize_cohort

REPO_ROOT = Path(__file__).resolve().parents[3]
BASELINE = dt.date(2023, 1, 9)


def _tp(label: str, days: int, size: float | None) -> dict:
    date = (BASELINE + dt.timedelta(days=days)).isoformat()
    if size is None:
        return {"label": label, "date": date, "not_assessed": True}
    return {
        "label": label,
        "date": date,
        "target": [{"id": "T1", "organ": "lung", "longest_mm": size}],
    }


def _subject(subject: str, *sizes: float | None) -> dict:
    """A RECIST 1.1 subject with one lung target measured every 42 days."""
    return {
        "format": "mrecist-case/1",
        "subject": subject,
        "criteria": "RECIST1.1",
        "timepoints": [
            _tp("Baseline" if i == 0 else f"FU{i}", 42 * i, size) for i, size in enumerate(sizes)
        ],
    }


# CR confirmed; PR unconfirmed, then PD at 84 days; SD; PD at 42 days; SD censored at 42 days
# after a missed last visit; NE (no follow-up).
COHORT = [
    _subject("S1", 40, 0, 0),
    _subject("S2", 40, 20, 30),
    _subject("S3", 40, 36, 38),
    _subject("S4", 40, 50),
    _subject("S5", 40, 38, None),
    _subject("S6", 40),
]


def _results(confirmed: bool = False):
    results = [evaluate(case_from_data(data)) for data in COHORT]
    return summarize_cohort(results, confirmed=confirmed), results


def test_counts_and_rates():
    summary, _ = _results()
    assert dict(summary.counts) == {
        "CR": 1,
        "PR": 1,
        "SD": 2,
        "NON-CR/NON-PD": 0,
        "PD": 1,
        "NE": 1,
    }
    assert (summary.orr.x, summary.orr.n) == (2, 6)
    assert (summary.dcr.x, summary.dcr.n) == (4, 6)
    assert summary.orr == clopper_pearson(2, 6)


def test_confirmed_counts_use_the_confirmed_best_response():
    summary, _ = _results(confirmed=True)
    counts = dict(summary.counts)
    assert (counts["CR"], counts["PR"], counts["SD"]) == (1, 0, 3)
    assert summary.orr.x == 1


def test_pfs_event_at_progression_else_censored_at_last_assessed_timepoint():
    _, results = _results()
    outcomes = [subject_outcome(result) for result in results]
    assert [(o.pfs_days, o.progressed) for o in outcomes] == [
        (84, False),
        (84, True),
        (84, False),
        (42, True),
        (42, False),
        (0, False),
    ]
    assert outcomes[1].pfs_months == float(Fraction(84) / Fraction("30.4375"))


def test_pfs_curve_is_kaplan_meier_in_months():
    summary, results = _results()
    outcomes = [subject_outcome(result) for result in results]
    expected = kaplan_meier([o.pfs_months for o in outcomes], [o.progressed for o in outcomes])
    assert summary.pfs == expected
    assert summary.pfs.events == 2


def test_empty_cohort_is_an_error():
    with pytest.raises(ValueError, match="at least one subject"):
        summarize_cohort([])


def _write_cohort(folder: Path, cohort: list[dict]) -> list[str]:
    paths = []
    for data in cohort:
        path = folder / f"{data['subject']}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_stats_command_prints_counts_rates_and_pfs(tmp_path, capsys):
    assert main(["stats", *_write_cohort(tmp_path, COHORT)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["subjects"] == 6
    assert data["best_overall_response"] == "unconfirmed"
    assert data["counts"]["SD"] == 2
    interval = clopper_pearson(2, 6)
    assert data["orr"] == {
        "x": 2,
        "n": 6,
        "pct": 33.3,
        "ci_low_pct": round(interval.ci_low * 100, 1),
        "ci_high_pct": round(interval.ci_high * 100, 1),
    }
    assert data["dcr"]["pct"] == 66.7
    assert data["pfs"]["events"] == 2
    assert data["pfs"]["censored"] == 4
    assert data["pfs"]["conf_type"] == "log"
    assert data["pfs"]["median"] is None
    assert [row["pfs_months"] for row in data["per_subject"]] == [
        2.76,
        2.76,
        2.76,
        1.38,
        1.38,
        0.0,
    ]


def test_stats_confirmed_and_interval_type(tmp_path, capsys):
    paths = _write_cohort(tmp_path, COHORT)
    assert main(["stats", "--confirmed", "--conf-type", "log-log", *paths]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["best_overall_response"] == "confirmed"
    assert data["orr"]["x"] == 1
    assert data["pfs"]["conf_type"] == "log-log"


def test_stats_median_is_reported_in_months(tmp_path, capsys):
    cohort = [_subject(f"P{i}", 40, 60) for i in range(3)] + [_subject("Q", 40, 40, 40, 60)]
    assert main(["stats", *_write_cohort(tmp_path, cohort)]) == 0
    pfs = json.loads(capsys.readouterr().out)["pfs"]
    # Three of four progress at 42 days: S drops to 0.25 there.
    assert pfs["median"] == 1.38
    assert pfs["median_ci_low"] == 1.38


def test_stats_reports_every_invalid_file_and_exits_2(tmp_path, capsys):
    paths = _write_cohort(tmp_path, COHORT[:2])
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    duplicate = tmp_path / "again.json"
    duplicate.write_text(json.dumps(COHORT[0]), encoding="utf-8")
    assert main(["stats", *paths, str(broken), str(duplicate)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{broken}: line 1, column 2: not valid JSON: Expecting property name enclosed in "
        "double quotes",
        f"{duplicate}: /subject: subject 'S1' is also in {paths[0]}",
    ]


def test_python_m_core_cli_stats_in_a_real_process(tmp_path):
    paths = _write_cohort(tmp_path, COHORT)
    done = subprocess.run(
        [sys.executable, "-m", "core.cli", "stats", *paths],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["orr"]["pct"] == 33.3
