"""A subject's case summary as a PDF (issue #14 item 1): the trial and the criteria, every
timepoint with each read's and the final read's diameters, sums, changes and responses
with the engine's reasons, the key images, the best overall response, the adjudications,
every signature (21 CFR 11.50) and the clinical summary.

Only what ``core.report.case_summary`` gives is printed: a read's timepoint that is not
validly signed shows its status, never its content (blinding, docs/reading.md §2). A
timepoint that is not final (not signed by both readers, awaiting adjudication, or not
decided) is marked NOT FINAL on every page it appears on: its heading places a
``NotFinalMark``, its tables carry the mark in their repeated header, and so does each
of its key images.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from core.clinical import Endpoint
from core.model.clinical import Criteria, LesionCategory
from core.pdf.blocks import (
    escape,
    facts_table,
    fingerprint_text,
    footnotes,
    gap,
    kept,
    marked,
    paragraph,
    utc_text,
)
from core.pdf.document import NotFinalMark, PageFrame, PageSize, content_width, write_pdf
from core.pdf.png_image import PngImage, png_data
from core.pdf.tables import cell, data_table
from core.report import (
    AdjudicationLine,
    CaseSummary,
    CaseTimepoint,
    ClinicalSummary,
    Decision,
    LesionLine,
    ReadAtTimepoint,
)
from core.report.rounding import number_text

MEASURED = "measured"
KEY_IMAGES_PER_ROW = 3
CATEGORY_WORDS = {LesionCategory.TARGET: "target", LesionCategory.NON_TARGET: "non-target",
                  LesionCategory.NEW: "new"}


@dataclass(frozen=True, slots=True)
class KeyImageFile:
    """A key image as the printing action found it beside the store: its PNG bytes, or
    ``None`` with the reason it cannot be shown (missing, altered, not a PNG)."""

    path: str
    png: bytes | None
    problem: str = ""


def case_frame(summary: CaseSummary, page_size: PageSize = PageSize.A4) -> PageFrame:
    """The frame of every page: the subject, the trial, the time and the fingerprint."""
    return PageFrame(f"Case summary — {summary.subject}", summary.trial,
                     summary.generated_utc, fingerprint_text(summary.fingerprint), page_size,
                     zone=summary.generated_local.tzinfo)


def write_case_summary(target: Path | BinaryIO, summary: CaseSummary,
                       key_images: Mapping[str, KeyImageFile] | None = None,
                       page_size: PageSize = PageSize.A4) -> int:
    """Write *summary* as a PDF to *target* (*key_images* by their path in the summary);
    return its number of pages."""
    return write_pdf(target, case_frame(summary, page_size),
                     case_summary_story(summary, key_images or {}, page_size),
                     subject=f"Case summary of {summary.subject}, {summary.trial}")


def case_summary_story(summary: CaseSummary, key_images: Mapping[str, KeyImageFile],
                       page_size: PageSize) -> list[Flowable]:
    """Every section of the case summary, in order."""
    width = content_width(page_size)
    story = _opening(summary, width)
    story += _result(summary, width)
    story.append(paragraph("Timepoints", "heading"))
    for timepoint in summary.timepoints:
        story += _timepoint(summary, timepoint, key_images, width)
    story += _adjudications(summary.adjudications, width)
    story += _signatures(summary, width)
    story += _clinical(summary.clinical, width)
    if summary.notes:
        story += [kept(paragraph("Notes", "heading"), *footnotes(summary.notes[:1])),
                  *footnotes(summary.notes[1:])]
    return story


# -- opening and result ---------------------------------------------------------------------

def options_text(summary: CaseSummary) -> str:
    """The engine's effective options in words."""
    options = summary.options
    return (f"CR and PR confirmed at least {options.confirmation_days} days later; SD at "
            f"least {options.sd_min_days} days after baseline; PD needs a rise of at least "
            f"{options.pd_min_increase_mm} mm as well as 20 %; at most "
            f"{options.max_targets} target lesions, {options.max_targets_per_organ} per "
            "organ")


def _opening(summary: CaseSummary, width: float) -> list[Flowable]:
    final = ("none yet: no decided dual read" if summary.final_source is None else
             f"{summary.final_source}, through {summary.final_through}")
    local = summary.generated_local
    facts: list[tuple[str, str | Flowable]] = [
        ("Trial", summary.trial),
        ("Subject", summary.subject),
        ("Response criteria", str(summary.criteria)),
        ("Options", options_text(summary)),
        ("Final read", final),
        ("Generated", f"{utc_text(summary.generated_utc)} ({local:%Y-%m-%d %H:%M} local, "
                      f"UTC{local:%z})"),
        ("Fingerprint", f"audit-chain head {fingerprint_text(summary.fingerprint)}"),
    ]
    story: list[Flowable] = [paragraph(f"Case summary: {summary.subject}", "title"),
                             paragraph(f"{summary.trial} · {summary.criteria}"), gap(6),
                             facts_table(facts, width)]
    pending = [tp for tp in summary.timepoints if not tp.is_final]
    if pending:
        listed = "; ".join(f"{tp.label} ({tp.not_final_reason})" for tp in pending)
        story += [gap(6), marked(f"Not final: {escape(listed)}. Every page that shows them "
                                 "carries a NOT FINAL band.", "alert")]
    return story


def _result(summary: CaseSummary, width: float) -> list[Flowable]:
    if summary.best_response is None:
        body: Flowable = paragraph("No final result yet: the subject's dual read is not "
                                   "decided (no concordant or adjudicated cycle).")
        return [kept(paragraph("Result of the final read", "heading"), body)]
    confirmed = summary.confirmed_best_response
    rows: list[list[str | Flowable]] = [
        ["Best overall response, unconfirmed", cell(summary.best_response.category,
                                                    "cell_head"),
         summary.best_response.reason],
        ["Best overall response, confirmed",
         cell(confirmed.category if confirmed else "–", "cell_head"),
         confirmed.reason if confirmed else ""],
        ["Progression", summary.progression_date.isoformat() if summary.progression_date
         else "–", summary.progression if summary.progression not in (None, "none") else
         f"no progression by the final read through {summary.final_through}"],
    ]
    grid = data_table(["", "", "The engine's reason"], rows,
                      [width * 0.27, width * 0.13, width * 0.6], banded=False)
    return [kept(paragraph(f"Result of the final read ({summary.final_source}, through "
                           f"{summary.final_through})", "heading"), grid)]


# -- timepoints -------------------------------------------------------------------------------

def _timepoint_title(timepoint: CaseTimepoint) -> str:
    week = "" if timepoint.nominal_week is None else f", week {timepoint.nominal_week}"
    return f"{timepoint.label}: {timepoint.date.isoformat()}{week}"


def _reads(timepoint: CaseTimepoint) -> list[ReadAtTimepoint]:
    return [*timepoint.reads, *([timepoint.final] if timepoint.final is not None else [])]


def _lesion_order(reads: Sequence[ReadAtTimepoint]) -> list[tuple[str, LesionLine]]:
    """Every lesion recorded by any read shown, targets first, by label."""
    seen: dict[str, LesionLine] = {}
    for read in reads:
        for line in read.lesions:
            seen.setdefault(line.label, line)
    order = {LesionCategory.TARGET: 0, LesionCategory.NON_TARGET: 1, LesionCategory.NEW: 2}
    return sorted(seen.items(), key=lambda item: (order[item[1].category], item[0]))


def _numeric(line: LesionLine) -> bool:
    """A target measured as viable and total diameters (else its state is written out)."""
    return (line.category is LesionCategory.TARGET
            and (line.viable_mm is not None or line.total_mm is not None)
            and line.short_axis_mm is None and line.state in (None, MEASURED))


def _measurement_table(summary: CaseSummary, timepoint: CaseTimepoint,
                       width: float) -> Table:
    """Each read's lesions (viable and total diameters, or the state) and the engine's row:
    the sum and its changes under the diameter it sums (viable under mRECIST, total under
    RECIST 1.1), the responses across both columns."""
    reads = _reads(timepoint)
    columns = 1 + 2 * len(reads)
    label_width = width * 0.25
    value_width = (width - label_width) / (2 * len(reads))
    rows: list[list[str | Flowable]] = []
    spans: list[tuple[int, int, int]] = []
    summed = 0 if summary.criteria is Criteria.MRECIST else 1

    def add(label: str | Flowable, cells: Sequence[str | tuple[str, str]],
            bold: bool = False) -> None:
        """One row: per read either one text centred across both columns, or a value in
        each (viable, total)."""
        row: list[str | Flowable] = [label]
        for index, value in enumerate(cells):
            first = 1 + 2 * index
            if isinstance(value, tuple):
                row += list(value)
            else:
                row += [cell(value, "cell_head_centre" if bold else "cell_centre"), ""]
                spans.append((len(rows), first, first + 1))
        rows.append(row)

    def in_sum_column(text: str) -> tuple[str, str]:
        return (text, "") if summed == 0 else ("", text)

    add("Status", [read.status for read in reads])
    for label, first in _lesion_order(reads):
        lesion = cell(f"{label} · {_words(first.organ)} · {CATEGORY_WORDS[first.category]}")
        values: list[str | tuple[str, str]] = []
        for read in reads:
            line = next((found for found in read.lesions if found.label == label), None)
            if not read.is_shown:
                values.append("")
            elif line is None:
                values.append("not recorded")
            elif _numeric(line):
                values.append((line.viable_text, line.total_text))
            else:
                values.append(line.text)
        add(lesion, values)
    sum_name = "Sum of viable diameters" if summed == 0 else "Sum of diameters"
    numbers: list[tuple[str, Callable[[ReadAtTimepoint], str]]] = [
        (f"{sum_name} (mm)", lambda r: r.sum_text),
        ("Nadir sum (mm)", lambda r: r.nadir_text),
        ("Change from baseline", lambda r: r.change_from_baseline_text),
        ("Change from nadir", lambda r: r.change_from_nadir_text),
    ]
    decisions: list[tuple[str, Callable[[ReadAtTimepoint], Decision | None]]] = [
        ("Target response", lambda r: r.target),
        ("Non-target response", lambda r: r.non_target),
        ("New lesions", lambda r: r.new_lesions),
        ("Overall response", lambda r: r.overall),
    ]
    for name, text_of in numbers:
        texts = [text_of(read) if read.is_shown else "" for read in reads]
        if all(text in ("", "–") for text in texts):
            continue  # baseline: no nadir and no change yet
        add(name, [in_sum_column(text) for text in texts])
    emphasised = []
    for name, decision_of in decisions:
        found = [decision_of(read) if read.is_shown else None for read in reads]
        if all(decision is None for decision in found):
            continue  # baseline: no response yet
        overall = name == "Overall response"
        if overall:
            emphasised.append(len(rows))
        add(name, ["" if decision is None else decision.category for decision in found],
            bold=overall)
    if any(read.is_not_assessed for read in reads if read.is_shown):
        add("Not assessed", ["yes" if read.is_not_assessed else "" for read in reads])
    header = [f"{timepoint.label}: lesion"] + ["viable (mm)", "total (mm)"] * len(reads)
    groups = [(read.read, 1 + 2 * index, 2 + 2 * index) for index, read in enumerate(reads)]
    return data_table(header, rows, [label_width, *[value_width] * (columns - 1)],
                      right=list(range(1, columns)), not_final=not timepoint.is_final,
                      emphasised_rows=emphasised, spans=spans, groups=groups)


def _reasons(timepoint: CaseTimepoint, width: float) -> list[Flowable]:
    """The engine's sentences: of the final read, or of each read where there is none."""
    shown = [timepoint.final] if timepoint.final is not None else list(timepoint.reads)
    tables: list[Flowable] = []
    for read in shown:
        if read is None or not read.is_shown:
            continue
        rows: list[list[str | Flowable]] = [
            [what, decision.category, decision.reason]
            for what, decision in (("Target", read.target), ("Non-target", read.non_target),
                                   ("New lesions", read.new_lesions),
                                   ("Overall", read.overall))
            if decision is not None]
        if rows:
            tables += [gap(3), data_table(
                [f"{timepoint.label}: decision", "", f"The engine's reason: {read.read}"],
                rows, [width * 0.19, width * 0.15, width * 0.66],
                not_final=not timepoint.is_final, emphasised_rows=[len(rows) - 1])]
    return tables


def _picture(png: bytes, width: float) -> Flowable:
    """*png* scaled to *width*: its own bytes when PDF takes them as they are
    (``core.pdf.png_image``), else decoded by reportlab."""
    data = png_data(png)
    if data is not None:
        return PngImage(data, width, width * data.height / data.width)
    pixels_wide, pixels_high = ImageReader(io.BytesIO(png)).getSize()
    return Image(io.BytesIO(png), width=width, height=width * pixels_high / pixels_wide)


def _key_image_cell(file: KeyImageFile | None, path: str, caption: str, width: float,
                    not_final: bool) -> list[Flowable]:
    """One key image scaled to *width* with its caption, or why it cannot be shown."""
    parts: list[Flowable] = [NotFinalMark()] if not_final else []
    problem = "not found" if file is None else file.problem
    if file is not None and file.png is not None:
        try:
            parts.append(_picture(file.png, width))
            problem = ""
        except (OSError, ValueError, ZeroDivisionError):
            problem = "cannot be read as an image"
    if problem:
        parts.append(paragraph(f"key image {path}: {problem}", "alert"))
    parts.append(paragraph(caption, "small"))
    return parts


def _key_images(timepoint: CaseTimepoint, key_images: Mapping[str, KeyImageFile],
                width: float) -> list[Flowable]:
    """The key images of the reads at *timepoint*, a few to a row, each captioned."""
    found: list[tuple[str, str]] = []
    for read in timepoint.reads:
        for line in read.lesions:
            if line.key_image is not None and read.is_shown:
                found.append((line.key_image, f"{timepoint.label} · {read.read} · "
                                              f"{line.label} ({_words(line.organ)}): "
                                              f"{line.text}"))
    if not found:
        return []
    gutter = 6.0
    image_width = (width - gutter * (KEY_IMAGES_PER_ROW - 1)) / KEY_IMAGES_PER_ROW
    cells = [_key_image_cell(key_images.get(path), path, caption, image_width,
                             not timepoint.is_final) for path, caption in found]
    grid: list[list[list[Flowable] | str]] = []
    for start in range(0, len(cells), KEY_IMAGES_PER_ROW):
        row: list[list[Flowable] | str] = list(cells[start:start + KEY_IMAGES_PER_ROW])
        grid.append(row + [""] * (KEY_IMAGES_PER_ROW - len(row)))
    table = Table(grid, colWidths=[image_width + gutter] * (KEY_IMAGES_PER_ROW - 1)
                  + [image_width], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), gutter),
                               ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [kept(paragraph(f"{timepoint.label}: key images (the caliper as drawn at the "
                           "reading station)", "subheading"), table)]


def _timepoint(summary: CaseSummary, timepoint: CaseTimepoint,
               key_images: Mapping[str, KeyImageFile], width: float) -> list[Flowable]:
    title: list[Flowable] = [paragraph(_timepoint_title(timepoint), "subheading")]
    if not timepoint.is_final:
        title = [NotFinalMark(), *title,
                 paragraph(f"NOT FINAL: {timepoint.not_final_reason}", "alert")]
    story: list[Flowable] = [kept(*title, _measurement_table(summary, timepoint, width),
                                  *_reasons(timepoint, width))]
    story += _key_images(timepoint, key_images, width)
    story.append(gap(8))
    return story


# -- adjudications and signatures ------------------------------------------------------------

def _adjudication(line: AdjudicationLine, width: float) -> Table:
    choice = "not decided yet" if line.chosen is None else (
        f"read {line.chosen}" + (f": {line.chosen_read}" if line.chosen_read else ""))
    signed = ("not signed (open)" if line.signature is None else
              f"{line.signature.signer}, {line.signature.utc_text} "
              f"({line.signature.local_text})")
    rows: list[tuple[str, str | Flowable]] = [
        ("Cycle", f"through {line.through_label} ({line.status})"),
        ("Triggers (read A vs read B)", "; ".join(line.triggers) or "none recorded"),
        ("Choice", choice),
        ("Rationale", line.rationale or "–"),
        ("Signed", signed),
    ]
    return facts_table(rows, width)


def _adjudications(lines: Sequence[AdjudicationLine], width: float) -> list[Flowable]:
    heading = paragraph("Adjudication", "heading")
    if not lines:
        return [kept(heading, paragraph("None: no cycle of this subject went to "
                                        "adjudication."))]
    story: list[Flowable] = []
    for index, line in enumerate(lines):
        block = [_adjudication(line, width), gap(4)]
        story.append(kept(heading, *block) if index == 0 else kept(*block))
    return story


def _signatures(summary: CaseSummary, width: float) -> list[Flowable]:
    heading = paragraph("Signatures (21 CFR 11.50: printed name, date and time, meaning)",
                        "heading")
    if not summary.signatures:
        return [kept(heading, paragraph("No valid signature yet."))]
    zone = summary.generated_local.strftime("%z")
    rows = [[line.what, line.signer, line.utc_text, line.local_text, line.meaning]
            for line in summary.signatures]
    grid = data_table(["Signed", "Printed name", "Date and time (UTC)",
                       f"Local (UTC{zone})", "Meaning"], rows,
                      [width * 0.19, width * 0.13, width * 0.19, width * 0.19, width * 0.30])
    return [kept(heading, grid)]


# -- clinical summary --------------------------------------------------------------------------

def _words(value: object) -> str:
    return str(value).replace("_", " ")


def _baseline_rows(clinical: ClinicalSummary) -> list[tuple[str, str | Flowable]]:
    form = clinical.baseline
    if form is None:
        return [("Baseline", "no baseline form recorded")]
    child_pugh = ("not computed" if clinical.child_pugh is None else
                  f"{clinical.child_pugh.score} (class {clinical.child_pugh.child_pugh_class})")
    albi = ("not computed" if clinical.albi is None else
            f"{number_text(clinical.albi.score, 2)} (grade {clinical.albi.grade})")
    return [
        ("Age", f"{form.age_years} years"),
        ("Sex", "male" if form.sex.value == "M" else "female"),
        ("Etiology", _words(form.etiology)),
        ("ECOG performance status", str(form.ecog)),
        ("Child-Pugh", f"{child_pugh}: bilirubin {form.bilirubin_umol_l} µmol/L, albumin "
                       f"{form.albumin_g_l} g/L, INR {form.inr}, ascites "
                       f"{_words(form.ascites)}, encephalopathy {_words(form.encephalopathy)}"),
        ("ALBI", albi),
        ("AFP", f"{form.afp_ng_ml} ng/mL"),
        ("Weight, height", f"{form.weight_kg} kg, {form.height_cm} cm"),
        ("Intrahepatic tumours", f"{form.tumour_number}; maximum {form.max_tumour_size_mm} mm, "
                                 f"total {form.total_tumour_size_mm} mm"),
        ("PVTT", _words(form.pvtt)),
        ("IVC tumour thrombus", "yes" if form.has_ivc_thrombus else "no"),
        ("Extrahepatic metastasis", "yes" if form.has_extrahepatic_metastasis else "no"),
    ]


def _endpoint_row(name: str, endpoint: Endpoint | None) -> list[str]:
    if endpoint is None:
        return [name, "–", "–", "–", "not derived", ""]
    return [name, endpoint.date.isoformat(), str(endpoint.days),
            number_text(endpoint.months, 1), "event" if endpoint.event else "censored",
            endpoint.rule]


def _clinical(clinical: ClinicalSummary | None, width: float) -> list[Flowable]:
    heading = paragraph("Clinical summary", "heading")
    if clinical is None:
        return [kept(heading, paragraph("No clinical record."))]
    enrolment = (clinical.enrolment_date.isoformat() if clinical.enrolment_date
                 else "not recorded as enrolled")
    story: list[Flowable] = [kept(
        heading, facts_table([("Enrolment", enrolment)], width),
        paragraph("Baseline characteristics", "subheading"),
        facts_table(_baseline_rows(clinical), width))]
    sessions = ", ".join(day.isoformat() for day in clinical.tace_sessions) or "none"
    exposure: list[list[str | Flowable]] = [
        [e.drug, "–" if e.taken is None else str(e.taken),
         "–" if e.prescribed is None else str(e.prescribed), e.unit,
         e.note or ("–" if e.intensity is None else e.intensity.reason)]
        for e in clinical.exposures]
    story.append(kept(
        paragraph("Treatment exposure", "subheading"),
        facts_table([("DEB-TACE sessions", f"{len(clinical.tace_sessions)}: {sessions}"),
                     ("End of treatment", clinical.end_of_treatment or "on treatment")],
                    width),
        gap(3),
        data_table(["Study drug", "Taken", "Prescribed", "Unit",
                    "Relative dose intensity (80-120 % keeps the subject in the set)"],
                   exposure or [["none recorded", "", "", "", ""]],
                   [width * 0.16, width * 0.11, width * 0.12, width * 0.08, width * 0.53],
                   right=[1, 2])))
    events = [[e.term, str(e.worst_grade), "yes" if e.is_treatment_related else "no",
               "yes" if e.is_serious else "no", str(e.events)]
              for e in clinical.adverse_events]
    story.append(kept(
        paragraph("Adverse events, each term at its worst grade (CTCAE v4.03)", "subheading"),
        data_table(["Term", "Worst grade", "Treatment-related", "Serious", "Events"],
                   events or [["none recorded", "", "", "", ""]],
                   [width * 0.43, width * 0.13, width * 0.2, width * 0.11, width * 0.13],
                   right=[1, 4])))
    survival = [_endpoint_row("PFS", clinical.progression_free_survival),
                _endpoint_row("OS", clinical.overall_survival)]
    story.append(kept(
        paragraph("Progression-free and overall survival", "subheading"),
        data_table(["", "Date", "Days", "Months", "Outcome", "Rule (PFS: FDA 2018 censoring)"],
                   survival, [width * 0.07, width * 0.13, width * 0.08, width * 0.09,
                              width * 0.11, width * 0.52], right=[2, 3]),
        *footnotes([f"From enrolment (day 0); months = days / 30.4375. "
                    f"{clinical.endpoint_note}".strip()])))
    return story
