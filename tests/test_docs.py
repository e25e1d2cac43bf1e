"""The README documents every command line tool the project installs (sqlite-utils style)."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: str = "mrecist") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                found.extend(nested or [f"{prefix} {name}"])
    return found


def test_every_mrecist_command_is_in_the_readme():
    commands = _commands(build_parser())
    assert len(commands) > 10
    missing = [c for c in commands if f"`{c}" not in README]
    assert missing == []


def test_quick_start_has_exactly_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in quick_start.splitlines() if line.startswith("python3 -m venv")]
    assert len(lines) == 2
    assert lines[0].endswith("mrecist-workstation --demo")
    assert "[test]" in lines[1]
    assert "pytest" in lines[1]
