"""Without a dialog, long work reports progress on stderr in lines a CI log keeps."""

from __future__ import annotations

import io
from pathlib import Path

from core.phantom import PhantomSize, write_demo_trial
from desktop.app import LinePerTenth, terminal_progress


def test_writing_the_demo_without_a_dialog_prints_a_line_per_study(tmp_path: Path, capsys):
    progress = terminal_progress()  # stderr captured by pytest: no terminal, as in CI
    write_demo_trial(tmp_path / "demo-trial", PhantomSize.SMALL, progress)
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = err.splitlines()
    assert lines[0] == "  0.0%  Writing 9 demo studies"
    # Each of the 9 studies passes a new tenth, so each has its line, in order.
    assert [line[:6] for line in lines[1:]] == [
        " 11.1%", " 22.2%", " 33.3%", " 44.4%", " 55.6%", " 66.7%", " 77.8%", " 88.9%",
        "100.0%"]
    assert all(line[8:].startswith("HCC-00") for line in lines[1:])


def test_frequent_reports_print_one_line_per_tenth():
    out = io.StringIO()
    progress = LinePerTenth(out)
    for i in range(1001):
        progress(i / 1000, f"slice {i}")
    progress(1.0, "done")  # a repeated end prints nothing more
    assert out.getvalue().splitlines() == [
        f"{t / 10:6.1%}  slice {t * 100}" for t in range(11)]
