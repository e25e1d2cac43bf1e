"""``mrecist labs grade``: a lab CSV in, each row's CTCAE v4.03 term and grade out.

Columns ``subject,date,test,value,unit,lln,uln`` and optionally ``baseline`` (the layout of
docs/clinical.md §7). Each row is graded in input order, or refused with its line number
and the reason (an unknown test or unit, a value that is not a number, a column missing):
a refused row is never graded, and any refusal makes the exit status 2. The file is at
most ``MAX_LABS_FILE_BYTES`` and UTF-8 (docs/input-limits.md); a file that cannot be read
as such is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from core.cli.common import EXIT_ERROR, FileArgument, read_input
from core.cli.evaluate import write_json
from core.clinical import ClinicalDataError, grade_lab
from core.clinical.units import normalised_test
from core.criteria.validation import one_line
from core.errors import InputFileError, quoted

# A trial of 100 subjects × 50 visits × 16 tests is 80,000 rows, about 4 MB: 8 MiB is
# twice that, graded in a few seconds.
MAX_LABS_FILE_BYTES = 8 << 20
COLUMNS = ("subject", "date", "test", "value", "unit", "lln", "uln")
OPTIONAL_COLUMNS = ("baseline",)
# A lab value as a laboratory writes it: digits with a decimal point. No sign, exponent,
# "1_000", "Infinity" or "<0.5", which Decimal would take or a reader would misread.
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class GradedRow:
    """A row graded: its line in the file, what it names, the term and grade or reason."""

    line: int
    subject: str
    date: str
    test: str
    term: str
    grade: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class RefusedRow:
    """A row that cannot be graded, with its line and the reason."""

    line: int
    reason: str


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``labs`` subcommand and its ``grade`` action."""
    labs = subparsers.add_parser(
        "labs", help="laboratory values: CTCAE v4.03 grades",
        description="Laboratory values of the clinical record (docs/clinical.md).",
    )
    actions = labs.add_subparsers(dest="action", metavar="ACTION", required=True)
    grade = actions.add_parser(
        "grade", help="grade each row of a lab CSV by CTCAE v4.03",
        description="Grade each row of LABS.csv (columns subject,date,test,value,unit,lln,"
        "uln and optionally baseline) by NCI CTCAE v4.03 and print its term and grade in "
        "input order. Rows that cannot be graded are refused on stderr with their line "
        "number; any refusal makes the exit status 2.",
    )
    grade.add_argument("labs", metavar="LABS.csv", type=FileArgument,
                       help="the lab values, or - for standard input")
    grade.add_argument("--json", action="store_true",
                       help='print {"rows": [...]} as JSON instead of one line per row')
    grade.set_defaults(handler=run)


def read_labs(path: str) -> str:
    """The text of the lab file *path* (``-`` is standard input).

    Raises
    ------
    InputFileError
        If it cannot be read, is larger than ``MAX_LABS_FILE_BYTES`` or is not UTF-8.
    """
    raw = read_input(path, MAX_LABS_FILE_BYTES, "lab file")
    try:
        return raw.decode("utf-8-sig")  # with or without the byte-order mark
    except UnicodeDecodeError as error:
        name = "<stdin>" if path == "-" else one_line(path)
        raise InputFileError(name, f"not UTF-8 text (invalid byte at offset "
                             f"{error.start})") from None


def grade_csv(text: str, name: str) -> tuple[list[GradedRow | RefusedRow], int]:
    """Every row of the lab CSV *text*, graded or refused, in input order, and the count of
    refusals.

    Raises
    ------
    InputFileError
        Naming *name*: no header, a required column missing from it, an unknown or
        repeated column, or text the CSV reader cannot split (a NUL, an endless field).
    """
    rows: list[GradedRow | RefusedRow] = []
    records = _records(text, name)
    first = next(records, None)
    if first is None:
        raise InputFileError(name, f"no header line: the file is empty (the columns are "
                             f"{','.join(COLUMNS)}, optionally baseline)")
    header_line, header = first
    columns = _columns(header, header_line, name)
    for line, fields in records:
        rows.append(_grade_row(line, fields, columns))
    return rows, sum(isinstance(row, RefusedRow) for row in rows)


def _records(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputFileError(name, f"line {line}: not CSV the grading can read "
                             f"({error})") from None


def _columns(header: list[str], line: int, name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        column = raw.strip().lower()
        if column not in COLUMNS + OPTIONAL_COLUMNS:
            raise InputFileError(name, f"line {line}: unknown column {quoted(raw)} (the "
                                 f"columns are {','.join(COLUMNS + OPTIONAL_COLUMNS)})")
        if column in columns:
            raise InputFileError(name, f"line {line}: column {column!r} twice")
        columns[column] = index
    missing = [column for column in COLUMNS if column not in columns]
    if missing:
        raise InputFileError(name, f"line {line}: no column {', '.join(missing)} in the "
                             f"header (the columns are {','.join(COLUMNS)}, optionally "
                             "baseline)")
    return columns


def _grade_row(line: int, fields: list[str], columns: dict[str, int]) -> GradedRow | RefusedRow:
    if len(fields) > len(columns):
        return RefusedRow(line, f"{len(fields)} fields, the header has {len(columns)}")
    missing = [column for column, index in columns.items() if index >= len(fields)]
    if missing:
        return RefusedRow(line, f"missing column {', '.join(missing)}")
    value = {column: fields[index].strip() for column, index in columns.items()}
    try:
        return _graded(line, value)
    except ClinicalDataError as error:
        return RefusedRow(line, one_line(str(error)))


def _graded(line: int, value: dict[str, str]) -> GradedRow:
    if not value["subject"]:
        raise ClinicalDataError("subject", "", "must be given")
    if not _DATE.fullmatch(value["date"]) or not _is_date(value["date"]):
        raise ClinicalDataError("date", value["date"], "must be a date YYYY-MM-DD")
    test = normalised_test(value["test"])
    numbers = {column: _number(test, column, value.get(column, ""))
               for column in ("value", "lln", "uln", "baseline")}
    if numbers["value"] is None:
        raise ClinicalDataError(f"{test} value", "", "must be given")
    graded = grade_lab(test, numbers["value"], value["unit"], numbers["lln"], numbers["uln"],
                       numbers["baseline"])
    return GradedRow(line, value["subject"], value["date"], test, graded.term, graded.grade,
                     graded.reason)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _number(test: str, column: str, text: str) -> str | None:
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        field = f"{test} {column if column == 'value' else column.upper()}"
        raise ClinicalDataError(field, text, "must be a number written as 75 or 1.5")
    return text


def run(args: argparse.Namespace) -> int:
    """Grade ``args.labs`` and print the rows; return the exit status."""
    name = "<stdin>" if args.labs == "-" else one_line(args.labs)
    rows, refused = grade_csv(read_labs(args.labs), name)
    graded = [row for row in rows if isinstance(row, GradedRow)]
    for row in rows:
        if isinstance(row, RefusedRow):
            print(f"{name}: line {row.line}: {row.reason}", file=sys.stderr)
    if args.json:
        write_json({"rows": [_row_data(row) for row in graded]})
    else:
        for row in graded:
            print(_row_text(row))
    return EXIT_ERROR if refused else 0


def _row_data(row: GradedRow) -> dict[str, object]:
    return {"line": row.line, "subject": row.subject, "date": row.date, "test": row.test,
            "term": row.term, "grade": row.grade, "reason": row.reason}


def _row_text(row: GradedRow) -> str:
    outcome = f"grade {row.grade}" if row.grade is not None else f"not graded: {row.reason}"
    return f"line {row.line}: {row.subject} {row.date} {row.test}: {row.term}, {outcome}"
