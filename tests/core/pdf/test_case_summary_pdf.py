"""The case summary as printed (core.actions.print_case_summary, core.pdf.case_summary_pdf),
read back with pypdf and rendered with pdftoppm: each read's and the final read's diameters
in their columns, the engine's rows and reasons, the result, the adjudication, every
signature (21 CFR 11.50), the key images, the clinical summary, the fingerprint on every
page, and NOT FINAL on exactly the pages that show a timepoint that is not final."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_pages import body_ink, embedded_fonts, ink_outside, page_texts, render_pages
from PIL import Image
from pypdf import PdfReader
from report_stores import GENERATED, PLUS_TWO, RATIONALE

from core.actions import case_summary_data, print_case_summary
from core.actions.printing import key_image_files
from core.pdf.case_summary_pdf import KeyImageFile, write_case_summary
from core.pdf.document import PageSize

DOC_SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
BAND = "NOT FINAL: this page shows results that are not signed or not adjudicated"


def _flat(text: str) -> str:
    """The text with every run of white space one space (a wrapped cell reads as one)."""
    return re.sub(r"\s+", " ", text)


def _print(printed, code, path, size=PageSize.A4):
    result = print_case_summary(printed.store, printed.coordinator, code, path,
                                page_size=size, tz=PLUS_TWO, now=GENERATED)
    summary = case_summary_data(printed.store, printed.coordinator, code, tz=PLUS_TWO,
                                now=GENERATED)
    return result, summary, page_texts(path)


def _after(text: str, label: str, count: int) -> list[str]:
    """The *count* words that follow the first *label* in *text* (a table row's cells)."""
    start = _flat(text).index(label) + len(label)
    return _flat(text)[start:].split()[:count]


def test_each_read_and_the_final_read_print_in_their_columns(printed, tmp_path):
    result, summary, pages = _print(printed, "HCC-001", tmp_path / "case.pdf")
    text = "\n".join(pages)
    for timepoint in summary.timepoints:
        assert f"{timepoint.label}: {timepoint.date.isoformat()}" in text
        start = text.index(f"{timepoint.label}: lesion")
        section = text[start:]
        reads = [*timepoint.reads, timepoint.final]
        expected = [cell for read in reads for line in read.lesions if line.label == "T1"
                    for cell in (line.viable_text, line.total_text)]
        assert _after(section, "T1 · liver · target", 6) == expected
        if timepoint.label == "Baseline":
            continue
        flat = _flat(section)
        for row, text_of in (("Change from baseline", lambda r: r.change_from_baseline_text),
                             ("Change from nadir", lambda r: r.change_from_nadir_text)):
            assert f"{row} {' '.join(text_of(read) for read in reads)}" in flat
        assert _after(section, "Overall response", 3) == [read.overall.category
                                                          for read in reads]
        # The engine's sentences are the final read's.
        for decision in (timepoint.final.target, timepoint.final.overall):
            assert decision.reason in flat
    week6 = summary.timepoints[1]
    first, second = week6.reads
    # Reader 2 measured T1's viable part at week 6 as 40 mm: that figure is in its column.
    assert [line.viable_text for line in second.lesions if line.label == "T1"] == ["40.0"]
    assert (first.overall.category, second.overall.category) == ("PR", "SD")
    assert result.pages == len(pages)
    assert not result.not_final
    assert all(BAND not in page for page in pages)


def test_the_result_the_adjudication_and_every_signature(printed, tmp_path):
    _, summary, pages = _print(printed, "HCC-001", tmp_path / "case.pdf")
    text = _flat("\n".join(pages))
    assert "Case summary: HCC-001" in text
    assert "Response criteria mRECIST" in text
    assert "CR and PR confirmed at least 28 days later" in text
    assert "Final read adjudicated, through Week 12" in text
    assert f"Best overall response, unconfirmed {summary.best_response.category} " \
           f"{summary.best_response.reason}" in text
    confirmed = summary.confirmed_best_response
    assert f"Best overall response, confirmed {confirmed.category} {confirmed.reason}" in text
    (adjudication,) = summary.adjudications
    assert RATIONALE in text
    assert f"Choice read {printed.choice}: Reader 1 (Rita Reader)" in text
    for trigger in adjudication.triggers:
        assert trigger in text
    assert len(summary.signatures) == 7
    for line in summary.signatures:
        # 21 CFR 11.50: the printed name, the date and time (UTC and local), the meaning.
        row = f"{line.what} {line.signer} {line.utc_text} {line.local_text} {line.meaning}"
        assert row in text
        assert line.local_text.endswith("+02:00")
    assert "Local (UTC+0200)" in text
    head = summary.fingerprint.head
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page
        assert head in page.replace("\n", "")
        assert "Generated 2026-12-01 09:30 UTC (11:30 local)" in page


def test_the_clinical_summary(printed, tmp_path):
    _, summary, pages = _print(printed, "HCC-003", tmp_path / "case.pdf")
    text = _flat("\n".join(pages))
    clinical = summary.clinical
    assert f"Enrolment {clinical.enrolment_date.isoformat()}" in text
    assert "Age 68 years" in text
    assert f"Child-Pugh {clinical.child_pugh.score} (class A)" in text
    assert "DEB-TACE sessions 2: " in text
    assert "End of treatment 2026-05-02: confirmed progression; then regorafenib" in text
    assert "Hypertension 2 yes no 1" in text  # term, worst grade, related, serious, events
    os_ = clinical.overall_survival
    assert f"OS {os_.date.isoformat()} {os_.days} " in text
    assert os_.rule in text
    assert "PFS – – – not derived" in text
    for exposure in clinical.exposures:
        assert f"{exposure.drug} {exposure.taken} {exposure.prescribed} {exposure.unit}" in text
    assert "no final read yet" in text


@pytest.mark.parametrize("size", list(PageSize))
def test_not_final_is_marked_on_exactly_the_pages_that_show_the_timepoint(printed, tmp_path,
                                                                           size):
    result, summary, pages = _print(printed, "HCC-002", tmp_path / "case.pdf", size)
    assert [tp.is_final for tp in summary.timepoints] == [True, True, False]
    assert result.not_final
    shown = [any(marker in _flat(page) for marker in
                 ("Week 12: lesion", "Week 12: decision", "Week 12: key images",
                  "Week 12: 2026-", "Week 12 · Reader"))
             for page in pages]
    marked = [BAND in page for page in pages]
    assert any(shown)
    assert not all(shown)
    assert marked == shown
    text = _flat("\n".join(pages))
    assert "NOT FINAL: Reader 2 (Rolf Reader): not signed" in text
    assert "Not final: Week 12 (Reader 2 (Rolf Reader): not signed)" in text
    # Reader 2's unsigned week 12 shows its status only.
    assert _after(text[text.index("Week 12: lesion"):], "Status", 2) == ["signed", "not"]


def test_a_subject_without_a_final_read_is_not_final_on_every_timepoint_page(printed,
                                                                             tmp_path):
    _, summary, pages = _print(printed, "HCC-003", tmp_path / "case.pdf")
    assert summary.best_response is None
    text = _flat("\n".join(pages))
    assert "No final result yet" in text
    for page in pages:
        if "Baseline: lesion" in page or "Week 6: lesion" in page or "Week 12: lesion" in page:
            assert BAND in page


def _images(path: Path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)


def test_key_images_print_beside_their_timepoint_with_a_caption(printed, tmp_path):
    path = tmp_path / "case.pdf"
    _, summary, pages = _print(printed, "HCC-002", path)
    saved = printed.key_images["HCC-002"]
    assert len(saved) == 6  # T1 and T2, at each of the three timepoints
    assert _images(path) == len(saved)
    text = _flat("\n".join(pages))
    for timepoint in summary.timepoints:
        first = timepoint.reads[0]
        for line in first.lesions:
            if line.key_image is not None:
                assert f"{timepoint.label} · {first.read} · {line.label} (liver): " \
                       f"{line.text}" in text


def test_a_missing_or_altered_key_image_prints_why_instead(printed, tmp_path):
    missing, altered = printed.key_images["HCC-002"][:2]
    folder = printed.store.path.parent
    (folder / missing.path).unlink()
    (folder / altered.path).write_bytes((folder / altered.path).read_bytes() + b"x")
    path = tmp_path / "case.pdf"
    _, _, pages = _print(printed, "HCC-002", path)
    # The long path wraps inside its column: compared without the line breaks.
    text = re.sub(r"\s+", "", "".join(pages))
    assert f"keyimage{missing.path}:thefileismissing" in text
    assert f"keyimage{altered.path}:thefilewasaltered" in text
    assert _images(path) == 4


@pytest.mark.parametrize("size", list(PageSize))
def test_every_page_prints_inside_its_margins_with_its_fonts(printed, tmp_path, size):
    path = tmp_path / "case.pdf"
    _print(printed, "HCC-002", path, size)
    images = render_pages(path, tmp_path / "png")
    assert len(images) == len(page_texts(path))
    width_pt = size.points[0]
    assert images[0].shape[1] == pytest.approx(width_pt / 72 * 60, abs=1)
    for image in images:
        assert body_ink(image) > 200
        assert ink_outside(image, 0.04) == 0
    assert {"DejaVuSans", "DejaVuSans-Bold"} <= embedded_fonts(path)


def test_the_first_page_of_a_case_summary_as_a_picture(printed, tmp_path):
    """docs/screenshots/report-case-summary-p*.png (MRECIST_WRITE_SCREENSHOTS=1)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder = DOC_SCREENSHOTS if os.environ.get("MRECIST_WRITE_SCREENSHOTS") else tmp_path
    path = tmp_path / "case.pdf"
    _, _, pages = _print(printed, "HCC-002", path)
    for number, name in ((1, "report-case-summary-p1"), (3, "report-case-summary-not-final")):
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(number), "-l",
                        str(number), "-singlefile", str(path), str(folder / name)],
                       check=True, capture_output=True)
        assert (folder / f"{name}.png").stat().st_size > 10_000
    assert BAND in pages[2]


def test_a_key_image_png_of_another_kind_is_decoded_and_printed(printed, tmp_path):
    summary = case_summary_data(printed.store, printed.coordinator, "HCC-002")
    files = key_image_files(printed.store, summary)
    first = sorted(files)[0]
    palette = io.BytesIO()
    Image.new("P", (64, 48), 3).save(palette, "PNG")  # a palette PNG: reportlab decodes it
    files[first] = KeyImageFile(first, palette.getvalue())
    path = tmp_path / "case.pdf"
    write_case_summary(path, summary, files)
    sizes = sorted(image.image.size for page in PdfReader(path).pages for image in page.images)
    assert len(sizes) == len(files)
    assert (64, 48) in sizes
