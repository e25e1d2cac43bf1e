"""core.clinical is pure (docs/ARCHITECTURE.md): it imports the standard library,
core.model, core.errors and itself, never the store, the actions, files' readers or Qt."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import core.clinical

ALLOWED_CORE = ("core.clinical", "core.model", "core.errors")


def test_core_clinical_imports_only_the_vocabulary_and_the_standard_library():
    offenders = {}
    for path in Path(core.clinical.__file__).parent.glob("*.py"):
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
