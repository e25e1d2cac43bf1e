"""The 31-subject store says what the seed trial says (issue #13, "Done when"): 3 CR, 17 PR,
4 SD and 7 PD by the final reads, Table 1's baseline counts, Table 3's treatment-related
adverse events at their worst grade, and ``mrecist endpoints`` feeding Kaplan-Meier to the
PFS and OS medians of the intended event times.

Every count here is computed from what the store holds (its final reads, its clinical
record, the command line's output) and compared with what the generator intended
(``Trial31Facts``), never with itself.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from trial31_csv import KINDS
from trial31_design import RELATED, design_trial
from trial31_generator import run_mrecist

from core.actions import clinical_entries, export_case, final_results
from core.clinical import child_pugh
from core.criteria import case_from_data, evaluate
from core.model.clinical_record import BaselineCharacteristics, ClinicalKind
from core.stats import kaplan_meier, summarize_cohort
from core.store import login, open_store
from core.store.integrity import check_store

# The record's Child-Pugh words, as core.clinical.scores spells them (Pugh 1973).
ASCITES = {"none": "none", "mild": "mild", "moderate_severe": "moderate-severe"}
ENCEPHALOPATHY = {"none": "none", "grade_1_2": "1-2", "grade_3_4": "3-4"}


def _coordinator(store, facts):
    return login(store, facts.logins["coordinator"], facts.password)


def test_the_store_verifies_and_holds_31_final_reads(trial31_template):
    with open_store(trial31_template.path) as store:
        found = check_store(store)
        assert found.is_intact, [str(d) for d in found.discrepancies] or found.chain
        finals = final_results(store, _coordinator(store, trial31_template))
    assert len(finals) == 31
    assert all(final.signature_problems == () for final in finals)
    sources = {final.subject: final.source for final in finals}
    adjudicated = {s.code for s in trial31_template.subjects if s.adjudicated}
    assert len(adjudicated) == 4
    assert {code for code, source in sources.items() if source == "adjudicated"} == adjudicated


def test_the_final_reads_give_3_cr_17_pr_4_sd_7_pd(trial31_template):
    facts = trial31_template
    with open_store(facts.path) as store:
        coordinator = _coordinator(store, facts)
        finals = {final.subject: final.result for final in final_results(store, coordinator)}
        cases = [export_case(store, coordinator, s.code, "final") for s in facts.subjects]
    # Per subject, the final read's responses are the intended ones.
    for subject in facts.subjects:
        result = finals[subject.code]
        rows = result["timepoints"]
        assert [row["overall_response"] for row in rows[1:]] == list(subject.responses), \
            subject.code
        assert result["best_overall_response"] == subject.best_response, subject.code
        assert result["confirmed_best_overall_response"] == subject.best_response
        progression = result["progression"]
        assert (progression and progression["date"]) == (
            subject.progression_date and subject.progression_date.isoformat())
        assert Decimal(str(result["best_change_from_baseline_pct"])) == \
            subject.best_change_pct
    counts = Counter(result["best_overall_response"] for result in finals.values())
    assert dict(counts) == {"CR": 3, "PR": 17, "SD": 4, "PD": 7}
    assert facts.best_response_counts == {"CR": 3, "PR": 17, "SD": 4, "PD": 7}
    # The same through the case files and core.stats: ORR 20/31, DCR 24/31.
    results = [evaluate(case_from_data(case)) for case in cases]
    for confirmed in (False, True):
        summary = summarize_cohort(results, confirmed=confirmed)
        shown = {category.value: n for category, n in summary.counts if n}
        assert shown == {"CR": 3, "PR": 17, "SD": 4, "PD": 7}
        assert (summary.orr.x, summary.orr.n, summary.dcr.x, summary.dcr.n) == (20, 31, 24, 31)
        # R: binom.test(20, 31)$conf.int = 0.4537 .. 0.8077 (issue #14: 45.4-80.8 %).
        assert (round(summary.orr.ci_low * 100, 1), round(summary.orr.ci_high * 100, 1)) == \
            (45.4, 80.8)


def _baselines(facts) -> dict[str, BaselineCharacteristics]:
    with open_store(facts.path) as store:
        entries = clinical_entries(store, _coordinator(store, facts), ClinicalKind.BASELINE)
    return {entry.subject: entry.value for entry in entries}


def test_table_1_counts_from_the_stored_baselines_are_the_seeds(trial31_template):
    facts = trial31_template
    baselines = _baselines(facts)
    assert len(baselines) == 31
    with open_store(facts.path) as store:
        sessions = Counter(entry.subject for entry in clinical_entries(
            store, _coordinator(store, facts), ClinicalKind.TREATMENT_SESSION))
    scores = {code: child_pugh(b.bilirubin_umol_l, "umol/L", b.albumin_g_l, "g/L", b.inr,
                               ASCITES[b.ascites.value],
                               ENCEPHALOPATHY[b.encephalopathy.value])
              for code, b in baselines.items()}
    found = {
        "sex": Counter(b.sex.value for b in baselines.values()),
        "etiology": Counter(b.etiology.value for b in baselines.values()),
        "ecog": Counter(str(b.ecog) for b in baselines.values()),
        "child_pugh_score": Counter(str(cp.score) for cp in scores.values()),
        "child_pugh_class": Counter(cp.child_pugh_class for cp in scores.values()),
        "afp": Counter("< 400" if b.afp_ng_ml < 400 else ">= 400" for b in baselines.values()),
        "tumour_number": Counter("<= 3" if b.tumour_number <= 3 else "> 3"
                                 for b in baselines.values()),
        "pvtt": Counter(b.pvtt.value for b in baselines.values()),
        "ivc_thrombus": Counter("yes" if b.has_ivc_thrombus else "no"
                                for b in baselines.values()),
        "extrahepatic_metastasis": Counter("yes" if b.has_extrahepatic_metastasis else "no"
                                           for b in baselines.values()),
        "deb_tace_sessions": Counter(str(n) for n in sessions.values()),
    }
    assert {name: dict(counts) for name, counts in found.items()} == facts.table1
    assert facts.table1["pvtt"]["absent"] == 6  # the seed's 19.4 % (printed 19.3 %)
    # BCLC C: every subject without PVTT has extrahepatic spread.
    assert all(b.has_extrahepatic_metastasis for b in baselines.values()
               if b.pvtt.value == "absent")
    for subject in facts.subjects:  # the values themselves, not only their categories
        stored = baselines[subject.code]
        assert (stored.age_years, stored.max_tumour_size_mm, stored.total_tumour_size_mm) == \
            (subject.baseline.age, subject.baseline.max_size_mm,
             subject.baseline.total_size_mm)
        assert scores[subject.code].score == subject.baseline.child_pugh_score


def test_table_3_treatment_related_events_at_each_subjects_worst_grade(trial31_template):
    facts = trial31_template
    with open_store(facts.path) as store:
        events = clinical_entries(store, _coordinator(store, facts),
                                  ClinicalKind.ADVERSE_EVENT)
    worst: dict[tuple[str, str], int] = {}
    for entry in events:
        event = entry.value
        if any(assessment.value in RELATED for _, assessment in event.relatedness):
            key = (entry.subject, event.term)
            worst[key] = max(event.grade, worst.get(key, 0))
    table: dict[str, list[int]] = {}
    for (_, term), grade in worst.items():
        row = table.setdefault(term, [0, 0, 0])
        row[0] += 1
        row[1 if grade <= 2 else 2] += 1
    assert {term: tuple(row) for term, row in table.items()} == facts.table3
    # Subjects count once per term: some had a term twice, and unrelated events are left out.
    assert len(events) > len(worst)
    assert {e.value.term for e in events} - set(table) == {"Upper respiratory infection",
                                                           "Back pain"}
    for subject in facts.subjects:
        mine = {term: grade for (code, term), grade in worst.items() if code == subject.code}
        assert mine == subject.related_worst_grades, subject.code


def _median_days(times, events) -> float | None:
    return kaplan_meier([float(t) for t in times], list(events)).median


def test_mrecist_endpoints_feeds_kaplan_meier_to_the_intended_pfs_and_os_medians(
        trial31_template):
    facts = trial31_template
    status, out, err = run_mrecist("endpoints", "--db", facts.path, "--user",
                                   facts.logins["coordinator"], "--password-stdin", "--json")
    assert (status, err) == (0, "")
    rows = {row["subject"]: row for row in json.loads(out)["subjects"]}
    assert sorted(rows) == [s.code for s in facts.subjects]
    for subject in facts.subjects:
        row = rows[subject.code]
        assert (row["pfs"]["days"], row["pfs"]["event"]) == \
            (subject.pfs_days, subject.pfs_event), (subject.code, row["pfs"]["rule"])
        assert (row["os"]["days"], row["os"]["event"]) == \
            (subject.os_days, subject.os_event), (subject.code, row["os"]["rule"])
    pfs = _median_days([r["pfs"]["days"] for r in rows.values()],
                       [r["pfs"]["event"] for r in rows.values()])
    os_ = _median_days([r["os"]["days"] for r in rows.values()],
                       [r["os"]["event"] for r in rows.values()])
    intended_pfs = _median_days([s.pfs_days for s in facts.subjects],
                                [s.pfs_event for s in facts.subjects])
    intended_os = _median_days([s.os_days for s in facts.subjects],
                               [s.os_event for s in facts.subjects])
    assert intended_pfs is not None  # both medians are reached
    assert intended_os is not None
    assert (pfs, os_) == (intended_pfs, intended_os)
    # Every FDA rule the design meant to exercise decided a subject's PFS.
    rules = {row["pfs"]["rule"].split(":")[0].split(" on ")[0] for row in rows.values()}
    assert {"progression documented", "no progression", "new anticancer therapy",
            "death between adequate assessments", "treatment stopped"} <= rules


def test_mrecist_endpoints_prints_every_subject_and_exits_0(trial31_template):
    facts = trial31_template
    status, out, err = run_mrecist("endpoints", "--db", facts.path, "--user",
                                   facts.logins["coordinator"], "--password-stdin")
    assert (status, err) == (0, "")
    assert [line for line in out.splitlines() if line.startswith("HCC-")] == \
        [s.code for s in facts.subjects]


@pytest.mark.parametrize("kind", KINDS)
def test_each_imported_file_exports_back_line_for_line(trial31_template, kind):
    facts = trial31_template
    status, out, err = run_mrecist("clinical", "export", "--db", facts.path, "--user",
                                   facts.logins["coordinator"], "--password-stdin", kind)
    assert (status, err) == (0, "")
    written = facts.csv_files[kind].read_text(encoding="utf-8").splitlines()
    exported = out.splitlines()
    assert exported[0] == written[0]
    assert sorted(exported[1:]) == sorted(written[1:])


def test_the_design_is_the_same_every_time():
    first, second = design_trial(), design_trial()
    assert [(p.code, p.enrolment, p.assessments, p.events) for p in first] == \
        [(p.code, p.enrolment, p.assessments, p.events) for p in second]


def test_a_copy_is_a_whole_store_locked_at_the_data_cut_off(trial31, tmp_path):
    with open_store(trial31.path) as store:
        found = check_store(store)
    assert found.is_intact, [str(d) for d in found.discrepancies] or found.chain
    late = tmp_path / "late.csv"
    header = trial31.csv_files["adverse-events"].read_text(encoding="utf-8").splitlines()[0]
    late.write_text(header + "\nHCC-001,Fatigue,1,2025-01-10,,N,DOSE NOT CHANGED,"
                    "NOT RECOVERED/NOT RESOLVED,POSSIBLY RELATED,NOT RELATED,NOT RELATED\n",
                    encoding="utf-8")
    before = run_mrecist("clinical", "export", "--db", trial31.path, "--user", "coord",
                         "--password-stdin", "adverse-events")[1]
    status, _, err = run_mrecist("clinical", "import", "--db", trial31.path, "--user",
                                 "coord", "--password-stdin", "adverse-events", late)
    assert status == 2
    assert "line 2: behind the data cut-off of 2025-06-30" in err
    after = run_mrecist("clinical", "export", "--db", trial31.path, "--user", "coord",
                        "--password-stdin", "adverse-events")[1]
    assert after == before
