"""The layering rules of the design card, checked so that they cannot rot.

core/ never imports Qt, pyqtgraph, widgets or desktop; widgets/ never imports desktop/.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "core": {"PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "widgets", "desktop"},
    "widgets": {"desktop"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


HEADLESS = """
import importlib, pkgutil, sys
for name in ("PySide6", "pyqtgraph", "shiboken6"):
    sys.modules[name] = None  # any import of these now fails
import core
for module in pkgutil.walk_packages(core.__path__, "core."):
    if not module.name.endswith("__main__"):  # that one runs the CLI
        importlib.import_module(module.name)
from core.cli import main
sys.argv = ["mrecist", "--help"]
try:
    main(["--help"])
except SystemExit as exit:
    assert exit.code == 0
"""


def test_core_and_its_cli_run_without_qt():
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    run = subprocess.run([sys.executable, "-c", HEADLESS], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "demo" in run.stdout
