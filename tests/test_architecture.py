"""The layering rules of the design card, checked so that they cannot rot.

core/ never imports Qt, pyqtgraph, widgets or desktop; widgets/ never imports desktop/.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
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


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the packages under *root* with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", command, str(root / "pyproject.toml"),
                           "--no-cache"],
                          capture_output=True, text=True, timeout=300, cwd=root, env=env)


def _lint_imports_runnable() -> bool:
    try:
        import importlinter.cli  # noqa: F401
    except ImportError:
        return False
    return True


needs_import_linter = pytest.mark.skipif(not _lint_imports_runnable(),
                                         reason="import-linter is in the test extra")


@needs_import_linter
def test_the_layer_contracts_hold():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


@pytest.mark.slow
@needs_import_linter
@pytest.mark.parametrize(("module", "line", "broken"), [
    ("core/store/_policy.py", "from core.reading import signed_prefix",
     "the store persists and nothing more"),
    ("core/reading/_peek.py", "from core.store import reads",
     "core's layers"),
    ("widgets/_sneak.py", "from core.store import open_store",
     "widgets show core values"),
    ("core/cli/_peek.py", "from core.store.reads import load_read",
     "above the actions, the store is opened and logged in to"),
    ("desktop/_peek.py", "from core.store import ledger",
     "above the actions, the store is opened and logged in to"),
])
def test_a_violating_import_breaks_a_contract(tmp_path, module, line, broken):
    # A copy of the packages with one forbidden import added: the same contracts must fail
    # on it, naming the contract, so they cannot pass by matching nothing.
    for package in ("core", "widgets", "desktop"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / module).write_text(f'"""A forbidden import."""\n\n{line}\n', encoding="utf-8")
    run = _lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout[-3000:]
    report = " ".join(run.stdout.split())  # the report wraps long contract names
    assert re.search(rf"{re.escape(broken)}(?:(?! KEPT).)*? BROKEN", report), report[-3000:]
