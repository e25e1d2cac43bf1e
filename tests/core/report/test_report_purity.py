"""core.report is pure (docs/ARCHITECTURE.md, docs/report.md): it imports the standard
library and the rules, statistics and vocabulary below it, never the store, the actions,
files' readers, numpy arrays of images or Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import core.report

ALLOWED_CORE = ("core.report", "core.model", "core.errors", "core.criteria",
                "core.clinical", "core.stats")


def test_core_report_imports_only_the_rules_below_it_and_the_standard_library():
    offenders = {}
    for path in Path(core.report.__file__).parent.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        bad = sorted(
            name for name in names
            if not (name == "__future__" or name.split(".")[0] in sys.stdlib_module_names
                    or name.startswith(ALLOWED_CORE))
        )
        if bad:
            offenders[path.name] = bad
    assert offenders == {}
