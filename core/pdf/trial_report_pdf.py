"""The trial report as a PDF: the analysis set and cut-off, Tables 1-4 and Figures 1-4
(issue #14 item 2).

Laid out in the way of a clinical study report's tables and figures: each table and figure
starts a page, under a numbered title kept with it, with its footnotes or caption below.
Every number comes from ``core.report`` as it computed and wrote it (``Percentage.text``
prints a count with its own denominator, "20/31 (64.5 %)"); numeric columns are
right-aligned, so their decimals line up (every figure of a column has the same decimals
and suffix, and DejaVu's digits are of one width).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import PageBreak
from reportlab.platypus.flowables import Flowable

from core.model.clinical import ResponseCategory
from core.pdf import figures
from core.pdf.blocks import (
    facts_table,
    fingerprint_text,
    footnotes,
    gap,
    kept,
    paragraph,
    utc_text,
)
from core.pdf.document import MARGIN, PageFrame, PageSize, content_width, write_pdf
from core.pdf.report_figures import at_risk_times, km_curve, swimmer_lanes, waterfall_bars
from core.pdf.tables import cell, data_table
from core.report import (
    BaselineTable,
    ReaderQuality,
    ResponseColumn,
    ResponseTable,
    SafetyTable,
    Statistic,
    SurvivalFigure,
    TrialReport,
)
from core.report.safety_table import SEVERE_GRADE

R = ResponseCategory
RESPONSE_NAMES = {
    R.CR: "Complete response (CR)",
    R.PR: "Partial response (PR)",
    R.SD: "Stable disease (SD)",
    R.NON_CR_NON_PD: "Non-CR/non-PD",
    R.PD: "Progressive disease (PD)",
    R.NE: "Not evaluable (NE)",
}
ENDPOINT_NAMES = {"PFS": "progression-free survival", "OS": "overall survival"}
ROUNDING_NOTE = ("Figures are computed exactly and rounded once, half away from zero, to "
                 "one decimal.")
# How many swimmer lanes one page holds under its title and caption.
SWIMMER_LANE_HEIGHT = 9.0


def trial_frame(report: TrialReport, page_size: PageSize = PageSize.A4) -> PageFrame:
    """The frame of every page: the title, the trial, the time and the fingerprint."""
    return PageFrame(f"Trial report — {report.trial}", report.trial, report.generated_utc,
                     fingerprint_text(report.fingerprint), page_size)


def write_trial_report(target: Path | BinaryIO, report: TrialReport,
                       page_size: PageSize = PageSize.A4) -> int:
    """Write *report* as a PDF to *target*; return its number of pages."""
    return write_pdf(target, trial_frame(report, page_size),
                     trial_report_story(report, page_size),
                     subject=f"Trial report of {report.trial}")


def trial_report_story(report: TrialReport, page_size: PageSize) -> list[Flowable]:
    """Every page of the report, in order."""
    width = content_width(page_size)
    story: list[Flowable] = _cover(report, width)
    sections = (
        _table_1(report.baseline, width),
        _table_2(report, width),
        _table_3(report.safety, width),
        _table_4(report.reader_quality, width),
        _figure_1(report, width),
        *_figure_2(report, width, page_size),
        _survival(report.pfs, 3, width, report),
        _survival(report.os, 4, width, report),
    )
    for section in sections:
        story += [PageBreak(), *section]
    return story


def cut_off_text(report: TrialReport) -> str:
    """The data cut-off, or what the report is as of without one."""
    if report.cut_off is None:
        return (f"none: all data recorded, as of {report.as_of.isoformat()} (the report's "
                "day)")
    return (f"{report.cut_off.isoformat()}: the clinical record as it stood then; a final "
            "read reaching past it is evaluated through its last timepoint on or before it")


def analysis_set_text(report: TrialReport) -> str:
    """ "31 subjects: enrolled subjects with a final ..." """
    chosen = report.analysis_set
    return f"{chosen.n} subject{'s' if chosen.n != 1 else ''}: {chosen.rule}"


def _cover(report: TrialReport, width: float) -> list[Flowable]:
    chosen = report.analysis_set
    left_out = "; ".join(f"{e.subject} ({e.reason})" for e in chosen.excluded) or "none"
    facts = [
        ("Trial", report.trial),
        ("Response criteria", str(report.criteria)),
        ("Analysis set", analysis_set_text(report)),
        ("Left out of the set", left_out),
        ("Data cut-off", cut_off_text(report)),
        ("Generated", utc_text(report.generated_utc)),
        ("Fingerprint", f"audit-chain head {fingerprint_text(report.fingerprint)}; "
                        "mrecist audit verify checks the store against it"),
    ]
    contents = [
        "Table 1. Baseline characteristics",
        "Table 2. Best overall response, ORR and DCR",
        "Table 3. Treatment-related adverse events",
        "Table 4. Reader quality of the blinded dual read",
        "Figure 1. Waterfall of the best change of the target sum",
        "Figure 2. Swimmer plot of treatment, follow-up and responses",
        "Figure 3. Kaplan-Meier estimate of progression-free survival",
        "Figure 4. Kaplan-Meier estimate of overall survival",
    ]
    story: list[Flowable] = [
        paragraph(f"Trial report: {report.trial}", "title"),
        paragraph(f"Tumour response by {report.criteria}, safety and survival of the "
                  f"analysis set (N = {chosen.n})", "body"),
        gap(8), facts_table(facts, width), gap(10),
        kept(paragraph("Contents", "heading"),
             *[paragraph(line, "body") for line in contents]),
    ]
    if report.notes:
        story += [kept(paragraph("Notes on the data", "heading"),
                       *footnotes(report.notes[:1])), *footnotes(report.notes[1:])]
    return story


# -- Table 1 -------------------------------------------------------------------------------

def _table_1(table: BaselineTable, width: float) -> list[Flowable]:
    rows: list[list[str | Flowable]] = []
    for variable in table.variables:
        name = variable.name
        if variable.not_known:
            name += f" (known for {variable.known} of {variable.known + variable.not_known})"
        if variable.categories:
            rows.append([cell(name, "cell_head"), "n/N (%)", ""])
            rows += [[cell(row.label, "cell_indent"), "", row.share.text]
                     for row in variable.categories]
            continue
        summary = variable.summary
        for index, statistic in enumerate(variable.statistics):
            if summary is None:
                value = "–"
            elif statistic is Statistic.MEAN_SD:
                value = summary.mean_sd_text
            else:
                value = summary.median_iqr_text
            rows.append([cell(name, "cell_head") if index == 0 else "", str(statistic), value])
    grid = data_table(["Characteristic", "Statistic", f"N = {table.n}"], rows,
                      [width * 0.5, width * 0.2, width * 0.3], right=[2], banded=False,
                      padding=1.4)
    notes = [
        "n/N (%): subjects in the category of the subjects whose value is known; each "
        "percentage is printed with its own denominator.",
        "SD: sample standard deviation (n − 1). IQR: first and third quartiles, R's default "
        "(type 7; Hyndman and Fan 1996).",
        "Child-Pugh score and class are computed from the baseline bilirubin, albumin, INR, "
        "ascites and encephalopathy. AFP: alpha-fetoprotein. PVTT: portal vein tumour "
        "thrombus (Vp1-Vp4). IVC: inferior vena cava. DEB-TACE: drug-eluting bead "
        "transarterial chemoembolisation (sessions recorded).",
        ROUNDING_NOTE, *table.notes]
    return [kept(paragraph(f"Table 1. Baseline characteristics of the analysis set "
                           f"(N = {table.n})", "table_title"), grid), *footnotes(notes)]


# -- Table 2 -------------------------------------------------------------------------------

def _dcr_label(table: ResponseTable) -> str:
    parts = ["CR", "PR", "SD"] + (["non-CR/non-PD"] if R.NON_CR_NON_PD in table.categories
                                  else [])
    return " + ".join(parts)


def _table_2(report: TrialReport, width: float) -> list[Flowable]:
    table = report.response
    columns: tuple[ResponseColumn, ResponseColumn] = (table.unconfirmed, table.confirmed)
    rows: list[list[str | Flowable]] = [
        [RESPONSE_NAMES.get(category, str(category)),
         *[column.count(category).text for column in columns]]
        for category in table.categories]
    orr_row = len(rows)
    interval_row = cell("95 % CI, Clopper-Pearson (%)", "cell_indent")
    rows += [
        ["Objective response rate, ORR (CR + PR)", *[c.orr.share.text for c in columns]],
        [interval_row, *[c.orr.ci_text for c in columns]],
        [f"Disease control rate, DCR ({_dcr_label(table)})",
         *[c.dcr.share.text for c in columns]],
        [interval_row, *[c.dcr.ci_text for c in columns]],
    ]
    grid = data_table(["Best overall response", "Unconfirmed, n/N (%)", "Confirmed, n/N (%)"],
                      rows,
                      [width * 0.46, width * 0.27, width * 0.27], right=[1, 2],
                      emphasised_rows=[orr_row, orr_row + 2], banded=False)
    options = report.options
    interval = (f"at least {options.confirmation_days} days later" if options is not None
                else "after the interval the protocol sets")
    unconfirmed, confirmed = columns
    statement = (f"ORR {unconfirmed.orr.text} and DCR {unconfirmed.dcr.text} "
                 f"(unconfirmed); confirmed ORR {confirmed.orr.text} and DCR "
                 f"{confirmed.dcr.text}.")
    notes = [
        f"Best overall response of the final read (concordant or adjudicated) of each "
        f"subject of the analysis set, by {report.criteria}, as the response engine "
        f"decided it; n/N (%) of the analysis set (N = {table.n}).",
        f"Confirmed: a CR or PR counts only when an assessment {interval} confirms it "
        "(RECIST 1.1 §4.4.2 and Table 3); otherwise the best response is the next one the "
        "assessments support.",
        "95 % CI: exact (Clopper-Pearson) binomial interval, as R's binom.test gives it. "
        + ROUNDING_NOTE,
    ]
    return [kept(paragraph(f"Table 2. Best overall response by the final read "
                           f"({report.criteria}), analysis set (N = {table.n})",
                           "table_title"), grid, gap(6), paragraph(statement)),
            gap(4), *footnotes(notes)]


# -- Table 3 -------------------------------------------------------------------------------

def _table_3(table: SafetyTable, width: float) -> list[Flowable]:
    rows = [[row.term, row.all_grades.text, row.grade_1_2.text, row.grade_3_or_more.text]
            for row in (table.any_event, *table.rows)]
    if not table.rows:
        rows.append(["(no treatment-related adverse event recorded)", "", "", ""])
    share = (width * 0.54) / 3
    grid = data_table(["Adverse event (CTCAE term)", "All grades", "Grades 1-2",
                       f"Grade ≥ {SEVERE_GRADE}"], rows,
                      [width * 0.46, share, share, share], right=[1, 2, 3],
                      emphasised_rows=[0])
    cut = "" if table.cut_off is None else (
        f" Events with an onset after the data cut-off ({table.cut_off.isoformat()}) are "
        "left out.")
    notes = [
        "Treatment-related: assessed by the investigator as possibly, probably or "
        "definitely related to any study treatment (a study drug or DEB-TACE; ICH E2A).",
        "Each subject is counted once per term, at the worst grade of that term (NCI CTCAE "
        f"v4.03), and once in the first row, at the worst grade over all terms; grade ≥ "
        f"{SEVERE_GRADE} includes grade 5.{cut}",
        f"n/N (%) of the analysis set (N = {table.n}); terms by the all-grades count, then "
        "alphabetically. " + ROUNDING_NOTE,
    ]
    return [kept(paragraph(f"Table 3. Treatment-related adverse events by worst grade, "
                           f"analysis set (N = {table.n})", "table_title"), grid),
            *footnotes(notes)]


# -- Table 4 -------------------------------------------------------------------------------

def _table_4(quality: ReaderQuality, width: float) -> list[Flowable]:
    rows = [["Adjudication rate (subjects with an adjudicated cycle)",
             quality.adjudication_rate.text]]
    rows += [[f"Agreement with the adjudicator: {reader.display_name} ({reader.login})",
              reader.agreement.text] for reader in quality.readers]
    rows += [["Agreement between the readers, best overall response: Cohen's kappa",
              quality.kappa_best.text],
             ["Agreement between the readers, confirmed best overall response: Cohen's "
              "kappa", quality.kappa_confirmed.text]]
    grid = data_table(["Measure", "Value"], rows, [width * 0.58, width * 0.42], right=[1])
    story: list[Flowable] = [kept(paragraph("Table 4. Reader quality of the blinded dual "
                                            "read", "table_title"), grid), gap(8)]
    for summary, what in ((quality.kappa_best, "best overall response"),
                          (quality.kappa_confirmed, "confirmed best overall response")):
        kappa = summary.kappa
        if not kappa.categories:
            continue
        header = ["Reader 1 \\ Reader 2", *kappa.categories, "Total"]
        body = [[category, *[str(n) for n in counts], str(sum(counts))]
                for category, counts in zip(kappa.categories, kappa.table, strict=True)]
        totals = [sum(column) for column in zip(*kappa.table, strict=True)]
        body.append(["Total", *[str(n) for n in totals], str(sum(totals))])
        columns = len(header)
        first = width * 0.3
        rest = (width * 0.7) / (columns - 1)
        story.append(kept(
            paragraph(f"Agreement table, {what} (subjects)", "subheading"),
            data_table(header, body, [first, *[rest] * (columns - 1)],
                       right=list(range(1, columns)), emphasised_rows=[len(body) - 1],
                       banded=False)))
        story.append(gap(6))
    notes = [
        "Adjudication rate: subjects whose dual read went to adjudication among the "
        "subjects with a final result (over subjects, as Ford et al. 2009 count cases).",
        "Agreement with the adjudicator: of the decided adjudications a reader's read was "
        "part of, how often the adjudicator chose it.",
        "Cohen's kappa (Cohen 1960) of the two readers' best overall responses, each read "
        "evaluated through the timepoint of the subject's current cycle; standard error of "
        "Fleiss, Cohen and Everitt (1969) and a Wald 95 % CI, as R's vcd::Kappa and "
        "confint give them.",
        "These figures are over every subject with a decided dual read, as the reads stand: "
        "the data cut-off does not apply to them.",
    ]
    return [*story, *footnotes(notes)]


# -- Figures -------------------------------------------------------------------------------

def _figure_1(report: TrialReport, width: float) -> list[Flowable]:
    chosen = report.waterfall
    bars = waterfall_bars(chosen)
    drawing = figures.waterfall_figure(bars, width=width,
                                       lines=(float(chosen.pr_line_pct),
                                              float(chosen.pd_line_pct)))
    sum_name = ("the sum of viable (enhancing) diameters" if str(report.criteria) == "mRECIST"
                else "the sum of longest diameters")
    notes = [
        f"Each bar is one subject of the analysis set ({len(bars)} of "
        f"{report.analysis_set.n}): the best change from baseline of the target sum "
        f"({sum_name}), the smallest change among the post-baseline assessments up to "
        "progression, as the final read's result records it; coloured by the best overall "
        "response (unconfirmed). From the largest increase to the largest decrease.",
        f"Dashed lines: {chosen.pr_line_pct} % (partial response) and +{chosen.pd_line_pct} "
        "% (the progression threshold, which is measured from the nadir; drawn from "
        "baseline, as is customary).",
    ]
    if chosen.not_shown:
        notes.append("Without a bar: " + "; ".join(f"{subject} ({why})"
                                                   for subject, why in chosen.not_shown))
    return [kept(paragraph("Figure 1. Best percentage change of the target sum from "
                           "baseline (waterfall plot)", "table_title"), drawing),
            *footnotes(notes)]


def _figure_2(report: TrialReport, width: float, page_size: PageSize) -> list[list[Flowable]]:
    lanes = swimmer_lanes(report.swimmer)
    end = max([1.0, *(lane.follow_up_end for lane in lanes)])
    # A page holds the title, this many lanes and the caption (the plot's frame is ~52 pt).
    room = page_size.points[1] - 2 * MARGIN - 200
    per_page = max(10, int((room - 52) // SWIMMER_LANE_HEIGHT))
    chunks = [lanes[start:start + per_page] for start in range(0, len(lanes), per_page)]
    notes = [
        "Each lane is one subject of the analysis set, in months since enrolment (day 0; "
        "a month is 30.4375 days), longest first: blue, on treatment to its end (or to the "
        f"cut-off while it goes on, an arrow); pale, follow-up to death or "
        f"{report.swimmer.as_of.isoformat()}. Squares: the final read's post-baseline "
        "assessments, coloured by their overall response (CR dark green, PR green, SD "
        "amber, PD red, NE grey); a red line marks the progression by the final read, a "
        "cross death. Nothing after the data cut-off is shown.",
    ]
    pages: list[list[Flowable]] = []
    for number, chunk in enumerate(chunks or [[]], 1):
        title = "Figure 2. Swimmer plot: treatment, follow-up and responses"
        if len(chunks) > 1:
            first = (number - 1) * per_page + 1
            title += (f" (subjects {first}-{first + len(chunk) - 1} of {len(lanes)}, "
                      f"part {number} of {len(chunks)})")
        drawing = figures.swimmer_figure(chunk, width=width, x_max=end)
        pages.append([kept(paragraph(title, "table_title"), drawing), *footnotes(notes)])
    return pages


def _landmarks(figure: SurvivalFigure, width: float) -> Flowable:
    rows = [[f"{landmark.months} months", landmark.estimate_text, landmark.crude.text]
            for landmark in figure.landmarks]
    return data_table(["Time", "Kaplan-Meier estimate (95 % CI)",
                       "Crude proportion event-free"], rows,
                      [width * 0.2, width * 0.45, width * 0.35], right=[1, 2], banded=False)


def _survival(figure: SurvivalFigure, number: int, width: float,
              report: TrialReport) -> list[Flowable]:
    name = ENDPOINT_NAMES.get(figure.endpoint, figure.endpoint)
    drawing = figures.km_figure([km_curve(figure)], at_risk_times(figure), width=width,
                                x_label="months since enrolment",
                                y_label=f"{figure.endpoint} (%)")
    summary = (f"Median {figure.endpoint} {figure.median_text}; {figure.events} events among "
               f"{figure.n} subjects.")
    rule = ("PFS: enrolment to the first radiological progression by the final read, or "
            "death, whichever is first; censored by the primary rules of the FDA 2018 "
            "guidance (at the last adequate assessment without progression, before a new "
            "anticancer therapy, or before two or more missed assessments; at enrolment "
            "without a baseline assessment)." if figure.endpoint == "PFS" else
            "OS: enrolment to death from any cause; subjects alive are censored at the last "
            "date known alive.")
    notes = [
        rule,
        f"Kaplan-Meier estimate (R survival::survfit), times in months (days / 30.4375); "
        f"dashed: pointwise 95 % CI ({figure.conf_type}-transformed Greenwood, survfit's "
        "default); +: a censored subject. Number at risk: subjects whose time is at "
        "least the month above.",
        "Median with its 95 % CI; \"not reached\" where the curve or a limit does not cross "
        "50 %. Landmark rates: the Kaplan-Meier estimate at the month (the curve's value at "
        "the last time on or before it) with its pointwise CI; the crude proportion counts "
        "the subjects known event-free beyond the month (time after it, or censored at it) "
        f"of all {figure.n}, as the seed trial printed it.",
        ROUNDING_NOTE,
    ]
    if figure.n < report.analysis_set.n:
        notes.append(f"{report.analysis_set.n - figure.n} of {report.analysis_set.n} subjects "
                     "have no derivable time and are not in the curve (notes on the cover).")
    title = f"Figure {number}. Kaplan-Meier estimate of {name} (N = {figure.n})"
    return [kept(paragraph(title, "table_title"), drawing, gap(4), paragraph(summary)),
            gap(6),
            kept(paragraph(f"{figure.endpoint} at 3, 6 and 12 months", "subheading"),
                 _landmarks(figure, width)),
            gap(4), *footnotes(notes)]
