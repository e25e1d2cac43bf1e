"""The printed trial report of the 31-subject store (issue #14, "Done when"): ORR 20/31 =
64.5 % (95 % CI 45.4-80.8) and DCR 24/31 = 77.4 % (58.9-90.4) with R's binom.test
intervals, the Kaplan-Meier medians of ``core.stats`` on the store's endpoints, Table 1
and Table 3 as the generator intended them, every subject in the figures, every page
inside its margins on A4 and Letter.

The numbers are read back from the PDF (pypdf) and compared with values computed apart
from the report: R's printed intervals typed in, ``kaplan_meier`` on ``subject_endpoints``,
the generator's facts.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "pdf"))

from pdf_pages import (
    body_ink,
    embedded_fonts,
    ink_outside,
    page_texts,
    render_pages,
)

from core.actions import print_trial_report, trial_report_data
from core.actions.endpoints import subject_endpoints
from core.pdf.document import PageSize
from core.pdf.trial_report_pdf import write_trial_report
from core.report import Percentage, Swimmer
from core.report.rounding import number_text, percent_text
from core.stats import kaplan_meier
from core.store import login, open_store

DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# R 4.2: binom.test(20, 31)$conf.int and binom.test(24, 31)$conf.int.
R_ORR_CI = (0.4536956, 0.8077326)
R_DCR_CI = (0.5890361, 0.9040578)
# The page each table and figure starts on (the cover is page 1).
TITLES = {"Table 1.": "report-trial-table1", "Table 2.": "report-trial-table2",
          "Table 3.": "report-trial-table3", "Table 4.": "report-trial-reader-quality",
          "Figure 1.": "report-waterfall", "Figure 2.": "report-swimmer",
          "Figure 3.": "report-km-pfs", "Figure 4.": "report-km-os"}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _page(pages: list[str], title: str) -> str:
    """The page that starts with *title* ("Table 2."), flattened."""
    (found,) = [page for page in pages if _flat(page).lstrip().startswith(title)]
    return _flat(found)


@pytest.fixture
def printed(trial31, tmp_path):
    """The trial report of a copy of the store, its pages' text, and the store's facts."""
    out = tmp_path / "trial.pdf"
    with open_store(trial31.path) as store:
        coordinator = login(store, trial31.logins["coordinator"], trial31.password)
        result = print_trial_report(store, coordinator, out)
        endpoints = subject_endpoints(store, coordinator)
    return out, page_texts(out), trial31, endpoints, result


def test_orr_and_dcr_print_from_their_own_counts_with_r_binom_test_intervals(printed):
    _, pages, facts, _, _ = printed
    table = _page(pages, "Table 2.")
    counts = facts.best_response_counts
    assert counts == {"CR": 3, "PR": 17, "SD": 4, "PD": 7}
    for name, category in (("Complete response (CR)", "CR"), ("Partial response (PR)", "PR"),
                           ("Stable disease (SD)", "SD"),
                           ("Progressive disease (PD)", "PD")):
        share = Percentage(counts[category], 31).text
        assert f"{name} {share} {share}" in table  # unconfirmed and confirmed
    assert "Objective response rate, ORR (CR + PR) 20/31 (64.5 %) 20/31 (64.5 %)" in table
    assert "Disease control rate, DCR (CR + PR + SD) 24/31 (77.4 %) 24/31 (77.4 %)" in table
    orr_ci = f"{percent_text(R_ORR_CI[0])}-{percent_text(R_ORR_CI[1])}"
    dcr_ci = f"{percent_text(R_DCR_CI[0])}-{percent_text(R_DCR_CI[1])}"
    assert (orr_ci, dcr_ci) == ("45.4-80.8", "58.9-90.4")
    assert f"95 % CI, Clopper-Pearson (%) {orr_ci} {orr_ci}" in table
    assert f"95 % CI, Clopper-Pearson (%) {dcr_ci} {dcr_ci}" in table
    assert "ORR 20/31 (64.5 %; 95 % CI 45.4-80.8) and DCR 24/31 (77.4 %; 95 % CI " \
           "58.9-90.4) (unconfirmed)" in table
    # The seed's slips cannot be printed: the figures follow from 20/31 and 24/31.
    assert "54.5" not in table
    assert "67.4" not in table


def test_the_intervals_are_r_binom_test(trial31):
    with open_store(trial31.path) as store:
        report = trial_report_data(
            store, login(store, trial31.logins["coordinator"], trial31.password))
    for rate, expected in ((report.response.unconfirmed.orr, R_ORR_CI),
                           (report.response.unconfirmed.dcr, R_DCR_CI)):
        assert rate.ci_low == pytest.approx(expected[0], abs=5e-8)
        assert rate.ci_high == pytest.approx(expected[1], abs=5e-8)


def _median_text(times, events) -> str:
    fit = kaplan_meier(times, events)

    def shown(value):
        return "not reached" if value is None else number_text(value, 1)

    return (f"{shown(fit.median)} (95 % CI {shown(fit.median_ci_low)}-"
            f"{shown(fit.median_ci_high)}) months; {fit.events} events among {fit.n} "
            "subjects")


def test_the_kaplan_meier_medians_are_core_stats_on_the_endpoints(printed):
    _, pages, _, endpoints, _ = printed
    for title, name, get in (("Figure 3.", "PFS", lambda e: e.progression_free_survival),
                             ("Figure 4.", "OS", lambda e: e.overall_survival)):
        found = [get(row) for row in endpoints]
        assert all(endpoint is not None for endpoint in found)
        expected = _median_text([float(e.months) for e in found], [e.event for e in found])
        assert f"Median {name} {expected}." in _page(pages, title)


def test_the_number_at_risk_sits_under_the_axis_with_the_report_counts(trial31, printed):
    _, pages, _, endpoints, _ = printed
    for title, name, get in (("Figure 3.", "PFS", lambda e: e.progression_free_survival),
                             ("Figure 4.", "OS", lambda e: e.overall_survival)):
        months = [float(get(row).months) for row in endpoints]
        steps = range(0, int(max(months) // 3) + 2)
        counts = [sum(m >= 3 * k for m in months) for k in steps]
        assert f"Number at risk {name} {' '.join(map(str, counts))}" in _page(pages, title)


def test_table_1_and_table_3_are_the_intended_counts(printed):
    _, pages, facts, _, _ = printed
    table1 = _page(pages, "Table 1.")
    for label, count in (("Male", facts.table1["sex"]["M"]),
                         ("Female", facts.table1["sex"]["F"]),
                         ("HBV", facts.table1["etiology"]["HBV"]),
                         ("Absent", facts.table1["pvtt"]["absent"]),
                         ("Vp4", facts.table1["pvtt"]["Vp4"])):
        assert f"{label} {Percentage(count, 31).text}" in table1
    assert "Absent 6/31 (19.4 %)" in table1  # the seed printed 19.3 %
    table3 = _page(pages, "Table 3.")
    for term, (every, mild, severe) in facts.table3.items():
        row = " ".join(Percentage(n, 31).text for n in (every, mild, severe))
        assert f"{term} {row}" in table3


def test_every_subject_has_its_bar_and_its_lane(printed):
    _, pages, facts, _, _ = printed
    waterfall, swimmer = _page(pages, "Figure 1."), _page(pages, "Figure 2.")
    for subject in facts.subjects:
        assert subject.code in waterfall
        assert subject.code in swimmer
    assert "CR (3) PR (17) SD (4) PD (7)" in waterfall


@pytest.mark.parametrize("size", list(PageSize))
def test_every_page_prints_inside_its_margins(trial31, tmp_path, size):
    out = tmp_path / f"trial-{size.value}.pdf"
    with open_store(trial31.path) as store:
        coordinator = login(store, trial31.logins["coordinator"], trial31.password)
        result = print_trial_report(store, coordinator, out, page_size=size)
    pages = page_texts(out)
    assert result.pages == len(pages) == 9
    images = render_pages(out, tmp_path / "png")
    assert images[0].shape[1] == pytest.approx(size.points[0] / 72 * 60, abs=1)
    for image in images:
        assert body_ink(image) > 200  # no blank page
        assert ink_outside(image, 0.04) == 0
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"} <= embedded_fonts(out)
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
        assert result.fingerprint in page.replace("\n", "")
    assert "Data cut-off 2025-06-30" in _flat(pages[0])
    assert "Analysis set 31 subjects: enrolled subjects with a final" in _flat(pages[0])


def test_a_swimmer_plot_too_long_for_a_page_goes_on_with_one_scale(trial31, tmp_path):
    with open_store(trial31.path) as store:
        report = trial_report_data(
            store, login(store, trial31.logins["coordinator"], trial31.password))
    lanes = tuple(dataclasses.replace(lane, subject=f"S{copy}-{lane.subject[-3:]}")
                  for copy in range(5) for lane in report.swimmer.lanes)
    longer = dataclasses.replace(report, swimmer=Swimmer(lanes, report.swimmer.as_of))
    out = tmp_path / "long.pdf"
    write_trial_report(out, longer)
    pages = page_texts(out)
    parts = [page for page in pages if _flat(page).lstrip().startswith("Figure 2.")]
    assert len(parts) == 3
    assert "subjects 1-" in parts[0]
    assert f"of {len(lanes)}, part 3 of 3" in _flat(parts[2])
    text = "\n".join(parts)
    assert all(lane.subject in text for lane in lanes)
    for image in render_pages(out, tmp_path / "png"):
        assert ink_outside(image, 0.04) == 0


def test_the_pages_as_pictures(printed, tmp_path):
    """docs/screenshots/report-trial-*.png, report-waterfall.png, report-swimmer.png,
    report-km-*.png (MRECIST_WRITE_SCREENSHOTS=1)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out, pages, _, _, _ = printed
    folder = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    names = {1: "report-trial-cover"}
    for number, page in enumerate(pages, 1):
        for title, name in TITLES.items():
            if _flat(page).lstrip().startswith(title):
                names[number] = name
    assert sorted(names.values()) == sorted(["report-trial-cover", *TITLES.values()])
    for number, name in names.items():
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(number), "-l",
                        str(number), "-singlefile", str(out), str(folder / name)],
                       check=True, capture_output=True)
        assert (folder / f"{name}.png").stat().st_size > 10_000
