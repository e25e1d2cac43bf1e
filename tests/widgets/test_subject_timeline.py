"""The subject timeline draws every span and mark at its day from day 0 (#13 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidValueError
from core.model.timeline import Lane, Mark, MarkKind, Span, Timeline
from widgets.subject_timeline import SubjectTimeline

DAY0 = dt.date(2026, 1, 5)


def _day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


TIMELINE = Timeline("HCC-001", DAY0, spans=(
    Span(Lane.TREATMENT, "on treatment", DAY0, _day(120)),
    Span(Lane.DRUGS, "anlotinib 12 mg", _day(3), _day(110)),
    Span(Lane.DRUGS, "anti-PD-L1 1200 mg q3w", DAY0, _day(105)),
), marks=(
    Mark(Lane.TREATMENT, MarkKind.TACE, DAY0, "TACE 1"),
    Mark(Lane.TREATMENT, MarkKind.TACE, _day(63), "TACE 2"),
    Mark(Lane.IMAGING, MarkKind.ASSESSMENT, DAY0, "baseline"),
    Mark(Lane.IMAGING, MarkKind.ASSESSMENT, _day(42), "PR"),
    Mark(Lane.IMAGING, MarkKind.ASSESSMENT, _day(84), "CR"),
    Mark(Lane.EVENTS, MarkKind.ADVERSE_EVENT, _day(15), "G3 AST increased"),
    Mark(Lane.EVENTS, MarkKind.LAST_KNOWN_ALIVE, _day(200), "alive"),
))


def test_every_span_and_mark_is_drawn_at_its_day(qtbot, tmp_path):
    widget = SubjectTimeline()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.show()
    widget.show_timeline(TIMELINE)
    drawn = widget.items()
    assert ("span", "anlotinib 12 mg", 3.0, 111.0) in drawn  # inclusive end: to day 111
    assert ("tace", "TACE 2", 63.0, 63.0) in drawn
    assert ("assessment", "CR", 84.0, 84.0) in drawn
    assert ("last_known_alive", "alive", 200.0, 200.0) in drawn
    assert len(drawn) == len(TIMELINE.spans) + len(TIMELINE.marks)
    low, high = widget.plot.viewRange()[0]
    assert low < 0
    assert high > 200
    assert widget.grab().save(str(tmp_path / "timeline.png"))
    widget.show_timeline(Timeline("HCC-002", DAY0))
    assert widget.items() == []  # replaced, not added to


def test_a_span_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidValueError, match="ends before it starts"):
        Span(Lane.DRUGS, "anlotinib", _day(10), _day(9))
    assert TIMELINE.last_day == 200
    assert Timeline("X", DAY0).last_day == 0
