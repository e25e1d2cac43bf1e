"""``mrecist evaluate``: one case file in, its ``mrecist-result/1`` JSON out.

Invalid input exits with status 2 and one line per problem on stderr,
``FILE: /json/pointer: problem`` (or ``FILE: line L, column C: ...`` for text that is not
JSON), never a traceback. A case file is at most ``MAX_CASE_FILE_BYTES`` (1 MiB) and its
numbers within ``core.model.clinical.number_refusal``'s limits (docs/input-limits.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from core.cli.common import MAX_CASE_FILE_BYTES, FileArgument, read_input
from core.criteria import (
    Case,
    CaseError,
    Criteria,
    Problem,
    Result,
    evaluate,
    parse_case,
    result_to_data,
)
from core.criteria.validation import one_line
from core.errors import InputFileError

# Exit status for input the command cannot use (argparse uses 2 for bad arguments too).
EXIT_INVALID_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``evaluate`` subcommand."""
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate one case file under mRECIST or RECIST 1.1 and print the result JSON",
        description="Evaluate an mrecist-case/1 file and print its mrecist-result/1 JSON: "
        "per timepoint the sums and responses with a reason for each, per subject the best "
        "overall response, its confirmed form and the progression date.",
    )
    parser.add_argument(
        "case", metavar="CASE.json", type=FileArgument,
        help="an mrecist-case/1 file, or - for standard input"
    )
    parser.add_argument(
        "--criteria",
        choices=[criteria.value for criteria in Criteria],
        help="evaluate under these criteria instead of the case's own",
    )
    parser.set_defaults(handler=run)


def read_case(path: str) -> Case:
    """Read and parse one case file (``-`` is standard input).

    Raises
    ------
    CaseError
        If the file cannot be read, is larger than ``MAX_CASE_FILE_BYTES``, is not UTF-8
        JSON, or breaks the schema.
    """
    try:
        raw = read_input(path, MAX_CASE_FILE_BYTES, "case file")
    except InputFileError as error:
        raise CaseError([Problem(None, error.reason)]) from None
    try:
        # utf-8-sig also accepts the byte-order mark some Windows editors write.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (invalid byte at offset {error.start})"
        raise CaseError([Problem(None, message)]) from None
    return parse_case(text)


def evaluate_file(path: str, criteria: str | None = None) -> Result:
    """Read, validate and evaluate one case file; raise ``CaseError`` if it is invalid."""
    return evaluate(read_case(path), criteria)


def report_problems(path: str, error: CaseError) -> None:
    """Print one line per problem on stderr, each naming the file."""
    name = "<stdin>" if path == "-" else one_line(path)
    for problem in error.problems:
        print(f"{name}: {problem}", file=sys.stderr)


def write_json(data: Any) -> None:
    """Print *data* as indented JSON in UTF-8, whatever the console's encoding."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def run(args: argparse.Namespace) -> int:
    """Evaluate ``args.case`` and print the result; return the exit status."""
    try:
        result = evaluate_file(args.case, args.criteria)
    except CaseError as error:
        report_problems(args.case, error)
        return EXIT_INVALID_INPUT
    write_json(result_to_data(result))
    return 0
