"""PDF pages of the trial's records, with reportlab: fonts, the page frame, tables, figures.

Rendering only: what a page says is built by ``core.report`` (plain data, tested without
rendering); these modules lay it out. Every page carries its frame (``document``): the
title, "page x of y", the generation time and the store's audit-chain head as the
report's fingerprint, and a "NOT FINAL" band on every page that shows a result not final.
The fonts (DejaVu Sans, shipped in ``resources/fonts``) are embedded, so a page prints the
same anywhere and has every glyph it uses (≥, ×, µ, –).
"""
