"""The examples in docs/criteria.md are executed, so the documentation cannot drift.

``<!-- example-case: NAME -->`` before a ```json block defines a case;
``<!-- example-result: NAME [--criteria X] -->`` before a ```json block gives values the
result must contain; ``<!-- example-python -->`` before a ```python block is run as is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from core.criteria import evaluate, parse_case, result_to_data

DOC = Path(__file__).resolve().parents[3] / "docs" / "criteria.md"
_BLOCK = re.compile(
    r"<!--\s*(?P<kind>example-case|example-result|example-python):?\s*(?P<args>[^>]*?)\s*-->\s*"
    r"```(?P<lang>json|python)\n(?P<body>.*?)```",
    re.DOTALL,
)


def _blocks() -> list[re.Match[str]]:
    return list(_BLOCK.finditer(DOC.read_text(encoding="utf-8")))


def _cases() -> dict[str, str]:
    return {m["args"]: m["body"] for m in _blocks() if m["kind"] == "example-case"}


def _results() -> list[tuple[str, str | None, str]]:
    found = []
    for match in _blocks():
        if match["kind"] == "example-result":
            name, _, criteria = match["args"].partition(" --criteria ")
            found.append((name, criteria or None, match["body"]))
    return found


def _assert_contains(actual: Any, expected: Any, where: str = "") -> None:
    """Every key of *expected* is in *actual* with the same value, recursively."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}/{key} missing"
            _assert_contains(actual[key], value, f"{where}/{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), f"{where}: {len(actual)} items"
        for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
            _assert_contains(got, want, f"{where}/{index}")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_the_document_has_examples_of_every_kind():
    kinds = [match["kind"] for match in _blocks()]
    assert kinds.count("example-case") >= 4
    assert kinds.count("example-result") >= 6
    assert "example-python" in kinds
    assert {name for name, _, _ in _results()} == set(_cases())


@pytest.mark.parametrize(
    ("name", "criteria", "expected"),
    [
        pytest.param(*result, id=f"{result[0]}-{result[1] or 'own-criteria'}")
        for result in _results()
    ],
)
def test_documented_result(name, criteria, expected):
    result = result_to_data(evaluate(parse_case(_cases()[name]), criteria))
    _assert_contains(result, json.loads(expected))


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(m["body"], id=f"python-{i}")
        for i, m in enumerate(_blocks())
        if m["kind"] == "example-python"
    ],
)
def test_documented_python(code):
    exec(compile(code, str(DOC), "exec"), {})


def test_every_cli_command_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert "mrecist evaluate" in text
    assert "mrecist stats" in text


RULE_MODULES = (
    "core.criteria.targets",
    "core.criteria.non_targets",
    "core.criteria.new_lesions",
    "core.criteria.overall",
    "core.criteria.best_response",
    "core.criteria.validation",
    "core.criteria.options",
)
# Helpers that implement no clinical rule.
NOT_RULES = {"exact_sum", "one_line", "document_order"}
CITATIONS = ("LL2010", "JNCI2008", "RECIST 1.1", "EORTC-FAQ", "docs/criteria.md")


def _public_functions():
    import importlib
    import inspect

    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and not name.startswith("_"):
                yield pytest.param(function, id=f"{module_name}.{name}")


@pytest.mark.parametrize("function", list(_public_functions()))
def test_every_public_rule_function_cites_its_source(function):
    if function.__name__ in NOT_RULES:
        return
    doc = function.__doc__ or ""
    assert any(citation in doc for citation in CITATIONS), function.__qualname__
