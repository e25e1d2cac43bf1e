"""``mrecist stats``: cohort figures over case files (ORR, DCR, PFS) as JSON.

Every file is read and evaluated first; if any is invalid, every problem of every file is
reported (one line each, naming the file) and the exit status is 2.
"""

from __future__ import annotations

import argparse

from core.cli.common import FileArgument
from core.cli.evaluate import (
    EXIT_INVALID_INPUT,
    evaluate_file,
    report_problems,
    write_json,
)
from core.criteria import CaseError, Criteria, Problem, Result
from core.stats import CONF_TYPES, cohort_summary_to_data, summarize_cohort


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``stats`` subcommand."""
    parser = subparsers.add_parser(
        "stats",
        help="cohort statistics over case files: response counts, ORR, DCR, PFS",
        description="Evaluate every case file and print, as JSON, the number of subjects, "
        "the count of each best overall response, ORR and DCR with exact Clopper-Pearson "
        "95 % intervals, and progression-free survival by Kaplan-Meier with its median "
        "and 95 % CI as R's survfit prints them.",
    )
    parser.add_argument("cases", metavar="CASE.json", nargs="+", type=FileArgument,
                        help="mrecist-case/1 files")
    parser.add_argument(
        "--confirmed",
        action="store_true",
        help="use the confirmed best overall response (single-arm trials)",
    )
    parser.add_argument(
        "--criteria",
        choices=[criteria.value for criteria in Criteria],
        help="evaluate every case under these criteria instead of its own",
    )
    parser.add_argument(
        "--conf-type",
        choices=CONF_TYPES,
        default="log",
        help="pointwise interval behind the PFS median's CI (default: log, as R)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Evaluate ``args.cases`` and print the cohort summary; return the exit status."""
    results: list[Result] = []
    subjects: dict[str, str] = {}
    failed = False
    for path in args.cases:
        try:
            result = evaluate_file(path, args.criteria)
        except CaseError as error:
            report_problems(path, error)
            failed = True
            continue
        if result.subject in subjects:
            message = f"subject '{result.subject}' is also in {subjects[result.subject]}"
            report_problems(path, CaseError([Problem("/subject", message)]))
            failed = True
            continue
        subjects[result.subject] = path
        results.append(result)
    if failed:
        return EXIT_INVALID_INPUT
    summary = summarize_cohort(results, confirmed=args.confirmed, conf_type=args.conf_type)
    write_json(cohort_summary_to_data(summary))
    return 0
