"""The page frame of every report (core.pdf): page x of y, the fingerprint, the NOT FINAL
band on exactly the pages that show something not final, fonts embedded, A4 and Letter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from pdf_pages import body_ink, embedded_fonts, ink_outside, page_texts, render_pages
from reportlab.platypus import PageBreak, Paragraph

from core.pdf.document import (
    NotFinalMark,
    PageFrame,
    PageSize,
    content_width,
    styles,
    write_pdf,
)
from core.pdf.tables import data_table

HEAD = "a" * 64
GENERATED = dt.datetime(2026, 12, 1, 14, 30, tzinfo=dt.UTC)


def _frame(size: PageSize = PageSize.A4) -> PageFrame:
    return PageFrame("Case summary — HCC-001", "DEB-TACE + anti-PD-L1 phase 2", GENERATED,
                     HEAD, size)


@pytest.mark.parametrize("size", list(PageSize))
def test_every_page_says_its_number_of_the_total_and_the_fingerprint(tmp_path, size):
    text = styles()["body"]
    story = [Paragraph("first page ≥ 75 × 10^9/L, 5 µm", text), PageBreak(),
             Paragraph("the second page holds a timepoint that is not final yet", text),
             NotFinalMark(), PageBreak(),
             Paragraph("the third page is final again, and says nothing else", text)]
    path = tmp_path / "frame.pdf"
    write_pdf(path, _frame(size), story)
    pages = page_texts(path)
    assert len(pages) == 3
    for number, page in enumerate(pages, 1):
        assert f"page {number} of 3" in page
        assert HEAD in page.replace("\n", "")
        assert "2026-12-01 14:30 UTC" in page
        assert "Case summary — HCC-001" in page
    assert "≥ 75 × 10^9/L, 5 µm" in pages[0]
    assert ["NOT FINAL" in page for page in pages] == [False, True, False]
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"} <= embedded_fonts(path)
    images = render_pages(path, tmp_path / "png")
    assert len(images) == 3
    width_pt = size.points[0]
    assert images[0].shape[1] == pytest.approx(width_pt / 72 * 60, abs=1)
    for image in images:
        assert body_ink(image) > 20  # not blank: the page has content
        assert ink_outside(image, 0.04) == 0  # nothing in the outer margins


def test_a_not_final_table_says_so_on_every_page_it_runs_onto(tmp_path):
    rows = [[f"T{n}", f"{n}.0"] for n in range(1, 160)]
    width = content_width(PageSize.A4)
    story = [data_table(["lesion", "viable (mm)"], rows, [width * 0.7, width * 0.3],
                        right=[1], not_final=True)]
    path = tmp_path / "long.pdf"
    write_pdf(path, _frame(), story)
    pages = page_texts(path)
    assert len(pages) >= 2
    assert all("NOT FINAL: not signed or not adjudicated" in page for page in pages)
    assert all("viable (mm)" in page for page in pages)  # the header repeats
    assert "T159" in pages[-1]


def test_a_cell_too_long_for_its_column_wraps_inside_the_page(tmp_path):
    width = content_width(PageSize.LETTER)
    note = "a rationale " * 60
    story = [data_table(["choice", "rationale"], [["A", note]], [width * 0.2, width * 0.8])]
    path = tmp_path / "wrap.pdf"
    write_pdf(path, _frame(PageSize.LETTER), story)
    (image,) = render_pages(path, tmp_path / "png")
    assert ink_outside(image, 0.04) == 0
    assert np.count_nonzero(image < 128) > 1000


def test_markup_in_a_cell_is_text_not_markup(tmp_path):
    story = [data_table(["subject"], [["<b>HCC-001</b> & <i>x</i>"]], [200])]
    path = tmp_path / "escape.pdf"
    write_pdf(path, _frame(), story)
    assert "<b>HCC-001</b> & <i>x</i>" in page_texts(path)[0]
