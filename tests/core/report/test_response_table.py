"""Table 2 (docs/report.md §2): best overall response n (%), ORR and DCR with their exact
Clopper-Pearson CIs (R's ``binom.test``), unconfirmed and confirmed."""

from __future__ import annotations

from core.model.clinical import ResponseCategory as R
from core.report import SubjectResponse, response_table

# The seed trial's final reads: 3 CR, 17 PR, 4 SD, 7 PD of 31; confirmation turns two PRs
# into SD and one CR into PR here.
SEED = ([R.CR] * 3 + [R.PR] * 17 + [R.SD] * 4 + [R.PD] * 7)
CONFIRMED = ([R.CR] * 2 + [R.PR] * 16 + [R.SD] * 6 + [R.PD] * 7)


def _subjects(best, confirmed):
    return [SubjectResponse(f"S{i:02}", b, c)
            for i, (b, c) in enumerate(zip(best, confirmed, strict=True), 1)]


def test_the_seed_trials_counts_give_orr_64_5_and_dcr_77_4():
    table = response_table(_subjects(SEED, CONFIRMED))
    column = table.unconfirmed
    assert table.n == 31
    assert table.categories == (R.CR, R.PR, R.SD, R.PD, R.NE)
    assert [column.count(c).text for c in table.categories] == [
        "3/31 (9.7 %)", "17/31 (54.8 %)", "4/31 (12.9 %)", "7/31 (22.6 %)", "0/31 (0.0 %)"]
    # R: binom.test(20, 31)$conf.int 0.4537 0.8077; binom.test(24, 31) 0.5890 0.9041
    assert column.orr.text == "20/31 (64.5 %; 95 % CI 45.4-80.8)"
    assert column.dcr.text == "24/31 (77.4 %; 95 % CI 58.9-90.4)"


def test_the_confirmed_column_counts_the_confirmed_response():
    confirmed = response_table(_subjects(SEED, CONFIRMED)).confirmed
    assert confirmed.is_confirmed
    assert confirmed.count(R.SD).text == "6/31 (19.4 %)"
    # R: binom.test(18, 31)$conf.int 0.3907592 0.7545240
    assert confirmed.orr.text == "18/31 (58.1 %; 95 % CI 39.1-75.5)"
    assert confirmed.dcr.share.text == "24/31 (77.4 %)"


def test_ne_counts_in_the_denominator_and_non_cr_non_pd_only_when_present():
    table = response_table(_subjects([R.PR, R.NE, R.NON_CR_NON_PD],
                                     [R.SD, R.NE, R.NON_CR_NON_PD]))
    assert table.categories == (R.CR, R.PR, R.SD, R.NON_CR_NON_PD, R.PD, R.NE)
    assert table.unconfirmed.count(R.NE).text == "1/3 (33.3 %)"
    # DCR counts NON-CR/NON-PD (docs/criteria.md §6): PR + NON-CR/NON-PD of 3.
    assert table.unconfirmed.dcr.share.text == "2/3 (66.7 %)"
    assert table.confirmed.orr.share.text == "0/3 (0.0 %)"


def test_one_subject_and_none():
    single = response_table(_subjects([R.CR], [R.CR]))
    # R: binom.test(1, 1)$conf.int 0.025 1
    assert single.unconfirmed.orr.text == "1/1 (100.0 %; 95 % CI 2.5-100.0)"
    empty = response_table([])
    assert empty.n == 0
    assert empty.unconfirmed.orr.text == "0/0 (–)"
    assert empty.confirmed.count(R.PR).text == "0/0 (–)"
