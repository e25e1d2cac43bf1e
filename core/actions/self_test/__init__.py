"""The installation self-test: checks that the installed application works on this machine.

``mrecist self-test`` runs the headless checks (``checks.headless_checks``);
``mrecist-workstation --self-test`` adds the main window drawn offscreen
(``desktop.self_test``). Each prints one line per check and a summary, and writes a
report (``report.write_report``) an installation-qualification record keeps
(docs/install.md).
"""

from core.actions.self_test.checks import headless_checks
from core.actions.self_test.report import (
    Check,
    CheckFailed,
    CheckResult,
    SelfTestReport,
    check_report_path,
    run_and_report,
    run_checks,
    write_report,
)

__all__ = ["Check", "CheckFailed", "CheckResult", "SelfTestReport", "check_report_path",
           "headless_checks", "run_and_report", "run_checks", "write_report"]
