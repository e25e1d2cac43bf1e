"""Every public reading rule names its source: the standard, Part 11 or docs/reading.md."""

from __future__ import annotations

import importlib
import inspect

import pytest

RULE_MODULES = (
    "core.reading.workflow",
    "core.reading.calipers",
    "core.reading.adjudication",
    "core.reading.setup",
    "core.reading.signature",
)
CITATIONS = ("docs/reading.md", "docs/case-format.md", "docs/signatures.md", "RECIST 1.1",
             "LL2010", "21 CFR", "Part 11", "PS3.")
# Counting and hashing: no rule of their own.
NOT_RULES = {"signed_prefix", "content_sha256", "read_caliper_problems", "first_response",
             "first_seen_refusal"}


def _public_functions():
    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module_name and not name.startswith("_"):
                yield pytest.param(function, id=f"{module_name}.{name}")


@pytest.mark.parametrize("function", list(_public_functions()))
def test_every_public_reading_rule_cites_its_source(function):
    if function.__name__ in NOT_RULES:
        return
    doc = function.__doc__ or ""
    assert any(citation in doc for citation in CITATIONS), function.__qualname__
