"""Running the self-test's checks and the report an installation-qualification record keeps.

Each check is a function of a scratch folder of its own that returns what it found (one
line) or raises; every exception is that check's failure, named by its type and message,
and the next check still runs. The report says what was installed where (version,
platform, executable, a frozen bundle or not), when, and each check's outcome and time.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from core.errors import InputFileError

REPORT_FORMAT = "mrecist-self-test/1"
DISTRIBUTION = "mrecist-workstation"
EXIT_FAILED = 1  # a check failed (2 stays the status of input the command cannot use)

# A check: given an empty folder of its own, return one line saying what was shown.
Check = Callable[[Path], str]


class CheckFailed(Exception):
    """A check found the installation wrong; the message says what and where."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's outcome."""

    name: str
    passed: bool
    detail: str  # what was shown, or why it failed
    seconds: float

    def line(self) -> str:
        """``PASS name (detail)`` or ``FAIL name: reason``, as printed."""
        return (f"PASS {self.name} ({self.detail})" if self.passed
                else f"FAIL {self.name}: {self.detail}")


@dataclass(frozen=True, slots=True)
class SelfTestReport:
    """The whole run: where, when, what, and each check."""

    command: str
    version: str
    platform: str
    python: str
    executable: str
    frozen: bool
    started_utc: str
    finished_utc: str
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        """True when every check passed (and there was at least one)."""
        return bool(self.checks) and all(check.passed for check in self.checks)

    def summary(self) -> str:
        """One closing line: how many checks passed, or which failed."""
        failed = [check.name for check in self.checks if not check.passed]
        if not failed:
            return f"self-test passed: {len(self.checks)} of {len(self.checks)} checks"
        return (f"self-test FAILED: {len(failed)} of {len(self.checks)} checks failed "
                f"({', '.join(failed)})")

    def to_data(self) -> dict[str, Any]:
        """The report as JSON-ready data (``mrecist-self-test/1``)."""
        return {
            "format": REPORT_FORMAT, "command": self.command, "version": self.version,
            "platform": self.platform, "python": self.python, "executable": self.executable,
            "frozen": self.frozen, "started_utc": self.started_utc,
            "finished_utc": self.finished_utc, "passed": self.passed,
            "summary": self.summary(),
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail,
                        "seconds": round(c.seconds, 3)} for c in self.checks],
        }

    def to_text(self) -> str:
        """The report as text, for a printed qualification record."""
        head = [f"mRECIST Workstation {self.version} — installation self-test",
                f"command:    {self.command}",
                f"executable: {self.executable}" + (" (installed bundle)" if self.frozen
                                                    else ""),
                f"platform:   {self.platform}; Python {self.python}",
                f"started:    {self.started_utc}",
                f"finished:   {self.finished_utc}", ""]
        lines = [f"{check.line()}  [{check.seconds:.2f} s]" for check in self.checks]
        return "\n".join([*head, *lines, "", self.summary()]) + "\n"


def installed_version() -> str:
    """The version of the installed distribution (in a bundle, the metadata it carries)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown (no distribution metadata: not installed with pip)"


def utc_now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if isinstance(error, CheckFailed) else f"{type(error).__name__}: {text}"


def run_checks(checks: Sequence[tuple[str, Check]], command: str,
               on_result: Callable[[CheckResult], None] | None = None) -> SelfTestReport:
    """Run each check in a scratch folder of its own (removed afterwards) and report.

    *on_result* is called after each check, so its line shows while the next one runs.
    """
    started = utc_now()
    results = []
    with tempfile.TemporaryDirectory(prefix="mrecist-self-test-") as scratch:
        for index, (name, check) in enumerate(checks):
            folder = Path(scratch) / f"{index:02d}-{name}"
            folder.mkdir()
            clock = time.perf_counter()
            try:
                result = CheckResult(name, True, check(folder), time.perf_counter() - clock)
            except Exception as error:  # noqa: BLE001 - every failure is this check's
                result = CheckResult(name, False, _reason(error), time.perf_counter() - clock)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return SelfTestReport(
        command=command, version=installed_version(),
        platform=platform.platform(), python=platform.python_version(),
        executable=sys.executable, frozen=bool(getattr(sys, "frozen", False)),
        started_utc=started, finished_utc=utc_now(), checks=tuple(results))


def write_report(report: SelfTestReport, path: Path) -> Path:
    """Write *report* to *path*: JSON for a ``.json`` name, else text."""
    if path.suffix.lower() == ".json":
        text = json.dumps(report.to_data(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = report.to_text()
    path.write_text(text, encoding="utf-8")
    return path


def check_report_path(report: Path | None) -> None:
    """Refuse a report file that cannot be written, before the checks run.

    Raises
    ------
    InputFileError
        Its folder does not exist, or it names a folder.
    """
    if report is None:
        return
    if report.is_dir():
        raise InputFileError(str(report), "--report names a folder, not a file")
    if not report.parent.is_dir():
        raise InputFileError(str(report), f"--report: no folder {report.parent}")


def run_and_report(checks: Sequence[tuple[str, Check]], command: str, report: Path | None,
                   out: TextIO | None) -> int:
    """Run *checks*, print a line per check and the summary to *out* (none: a windowed
    application without a console), write the *report* file if asked; the exit status:
    0 when every check passed, else ``EXIT_FAILED``."""

    def show(line: str) -> None:
        if out is not None:
            print(line, file=out, flush=True)

    result = run_checks(checks, command, lambda check: show(check.line()))
    show(result.summary())
    if report is not None:
        show(f"report written to {write_report(result, report)}")
    return 0 if result.passed else EXIT_FAILED
