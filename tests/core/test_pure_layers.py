"""The pure layers import only what lies below them (docs/ARCHITECTURE.md): the standard
library and the named core packages, never the store, the actions, files' readers, numpy
arrays of images or Qt. A whitelist, stricter than the import contracts' blacklists."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

PURE_LAYERS = {
    # The clinical rules: the vocabulary and themselves.
    "core.clinical": ("core.clinical", "core.model", "core.errors"),
    # The reports' data: the rules, statistics and vocabulary below them.
    "core.report": ("core.report", "core.model", "core.errors", "core.criteria",
                    "core.clinical", "core.stats"),
}


@pytest.mark.parametrize("package", sorted(PURE_LAYERS))
def test_a_pure_layer_imports_only_what_lies_below_it_and_the_standard_library(package):
    allowed = PURE_LAYERS[package]
    folder = Path(importlib.import_module(package).__file__).parent
    offenders = {}
    for path in folder.glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        bad = sorted(
            name for name in names
            if not (name == "__future__" or name.split(".")[0] in sys.stdlib_module_names
                    or name.startswith(allowed))
        )
        if bad:
            offenders[path.name] = bad
    assert offenders == {}
