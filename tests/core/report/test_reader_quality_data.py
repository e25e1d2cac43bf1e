"""Reader quality (docs/report.md §5): the adjudication rate over subjects, each reader's
agreement with the adjudicator, Cohen's kappa between the readers' best responses."""

from __future__ import annotations

import pytest

from core.model.board import ReaderAgreement
from core.model.clinical import ResponseCategory as R
from core.report import ReaderPair, reader_quality

NAMES = {"reader1": "Rita Reader", "reader2": "Rolf Reader"}


def _pairs(rows):
    return [ReaderPair(f"S{i:02}", a, b, a, b) for i, (a, b) in enumerate(rows, 1)]


def test_rates_and_kappa_of_a_cohort():
    # The CR/PR/SD table of tests/core/stats/test_stats_kappa.py: R's vcd::Kappa gives
    # 0.5636363636 (95 % CI 0.2258876186 to 0.9013851087).
    rows = ([(R.CR, R.CR)] * 2 + [(R.CR, R.PR)] + [(R.PR, R.CR)] + [(R.PR, R.PR)] * 14
            + [(R.PR, R.SD)] * 2 + [(R.SD, R.PR)] + [(R.SD, R.SD)] * 3)
    quality = reader_quality(6, 24, [ReaderAgreement("reader1", 4, 6),
                                     ReaderAgreement("reader2", 2, 6)], NAMES, _pairs(rows))
    assert quality.adjudication_rate.text == "6/24 (25.0 %)"
    assert [(r.display_name, r.agreement.text) for r in quality.readers] == [
        ("Rita Reader", "4/6 (66.7 %)"), ("Rolf Reader", "2/6 (33.3 %)")]
    kappa = quality.kappa_best.kappa
    assert kappa.categories == ("CR", "PR", "SD")
    assert kappa.kappa == pytest.approx(0.5636363636)
    assert quality.kappa_best.text == "0.56 (95 % CI 0.23 to 0.90; 24 subjects)"
    assert quality.kappa_confirmed.is_confirmed


def test_before_any_adjudication_or_pair():
    quality = reader_quality(0, 0, [ReaderAgreement("reader1", 0, 0)], {}, [])
    assert quality.adjudication_rate.text == "0/0 (–)"
    assert quality.readers[0].display_name == "reader1"
    assert quality.kappa_best.text == "not defined (no paired ratings; 0 subjects)"
    same = reader_quality(0, 2, [], NAMES, _pairs([(R.SD, R.SD), (R.SD, R.SD)]))
    assert "every subject the same category" in same.kappa_best.text
