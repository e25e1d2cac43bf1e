"""How the clinical record view words the record's values on screen.

Public API: ``date_text``, ``number``, ``quantity``, ``signed``, ``period``, ``limits``,
``yes_no``, ``words`` (a coded value in lower-case words), ``relatedness_summary``,
``rdi_text``,
``grade_label``, ``worst_grades_text``, ``screening_text``, ``cut_off_text``,
``locked_tip``. The record keeps CDISC codes and exact decimals; the coordinator reads
"probably related", "1.05", "2026-01-08 – 2026-02-15". Presentation only: every decision
(a grade, a score, a verdict) comes computed from ``core.clinical``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from core.model.clinical_record import ClinicalRecord, Relatedness, ScreeningOutcome

NONE = "—"
ONGOING = "ongoing"
# A relatedness as the coordinator says it beside the cause.
_RELATEDNESS = {
    Relatedness.NOT_RELATED: "not related",
    Relatedness.UNLIKELY: "unlikely",
    Relatedness.POSSIBLE: "possibly",
    Relatedness.PROBABLE: "probably",
    Relatedness.DEFINITE: "definitely",
}


def date_text(day: dt.date | None) -> str:
    """ISO 8601 (sorts as it reads), or a dash when not given."""
    return day.isoformat() if day is not None else NONE


def number(value: Decimal | int | None) -> str:
    """A decimal as entered ("1.50" stays "1.50"), never in exponent notation."""
    if value is None:
        return NONE
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def quantity(value: Decimal, unit: str) -> str:
    """A value with its unit as reported: "132 U/L", "48 × 10^9/L" (a unit that starts
    with a power of ten is a factor)."""
    joint = " × " if unit[:1].isdigit() else " "
    return f"{number(value)}{joint}{unit}"


def signed(value: Decimal, places: int) -> str:
    """*value* rounded to *places* decimals, with a true minus sign (an ALBI of −2.72)."""
    text = f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    return text.replace("-", "−")


def period(start: dt.date, end: dt.date | None, *, open_end: str = "") -> str:
    """ "2026-01-08 – 2026-02-15"; one day alone; *open_end* after the start when no end."""
    if end is None:
        return f"{start.isoformat()} – {open_end}" if open_end else start.isoformat()
    if end == start:
        return start.isoformat()
    return f"{start.isoformat()} – {end.isoformat()}"


def limits(lln: Decimal | None, uln: Decimal | None) -> str:
    """A normal range: "5–40", "≤ 40" (no LLN given), "≥ 125" (no ULN), or "not given"."""
    if lln is not None and uln is not None:
        return f"{number(lln)}–{number(uln)}"
    if uln is not None:
        return f"≤ {number(uln)}"
    if lln is not None:
        return f"≥ {number(lln)}"
    return "not given"


def yes_no(flag: bool) -> str:
    """ "yes" or "no"."""
    return "yes" if flag else "no"


def words(value: StrEnum) -> str:
    """A coded value in lower-case words: "DOSE NOT CHANGED" → "dose not changed",
    "moderate_severe" → "moderate–severe", "grade_1_2" → "grade 1–2"; an abbreviation of
    three letters or fewer stays as it is ("HBV", "M")."""
    text = value.value
    if text.isupper() and len(text) > 3:
        return text.lower()
    if text.startswith("grade_"):
        return "grade " + text.removeprefix("grade_").replace("_", "–")
    return text.replace("moderate_severe", "moderate–severe").replace("_", " ")


def relatedness_summary(pairs: Sequence[tuple[str, Relatedness]], separator: str = " · ") -> str:
    """ "anlotinib: probably · anti-PD-L1: possibly · DEB-TACE: not related", in the order
    entered; one cause a line with a newline for *separator*."""
    return separator.join(f"{cause}: {_RELATEDNESS[assessment]}"
                          for cause, assessment in pairs)


def rdi_text(rdi_pct: Decimal) -> str:
    """A relative dose intensity to one decimal: "85.7 %"."""
    return f"{signed(rdi_pct, 1)} %"


def grade_label(grade: int) -> str:
    """ "G3": how CTCAE grades are written in a list."""
    return f"G{grade}"


def worst_grades_text(worst: Sequence[tuple[str, int]]) -> str:
    """The terms graded 1 or more at their worst grade, worst first; or a sentence that
    none is."""
    abnormal = sorted(((term, grade) for term, grade in worst if grade > 0),
                      key=lambda pair: (-pair[1], pair[0]))
    if not abnormal:
        return "no lab value graded 1 or more"
    return " · ".join(f"{term} {grade_label(grade)}" for term, grade in abnormal)


def screening_text(record: ClinicalRecord) -> str:
    """ "enrolled 2026-01-08", "screen failure (IN02)", or "screening not recorded"."""
    if record.screening is None:
        return "screening not recorded"
    screening = record.screening.value
    if screening.outcome is ScreeningOutcome.ENROLLED:
        return f"enrolled {date_text(screening.enrolment_date)}"
    return f"screen failure ({screening.failed_criterion})"


def cut_off_text(cut_off: dt.date | None) -> str:
    """The data cut-off in force, or that there is none."""
    if cut_off is None:
        return "no data cut-off"
    return f"data cut-off {cut_off.isoformat()}: entries up to it are locked"


def locked_tip(cut_off: dt.date | None) -> str:
    """The tooltip of a locked entry."""
    return ("locked at the data cut-off" if cut_off is None
            else f"locked at the data cut-off {cut_off.isoformat()}")
