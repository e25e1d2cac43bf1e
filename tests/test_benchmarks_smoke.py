"""benchmarks/reading.py runs end to end on small sizes and prints its JSON (never timed)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "reading.py"


@pytest.fixture
def reading():
    spec = importlib.util.spec_from_file_location("benchmark_reading", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reading_benchmark_prints_its_figures_as_json_last(reading, qapp, tmp_path,
                                                               capsys):
    figures = reading.main(["--small", "--frames", "12", "--saves", "4",
                            "--folder", str(tmp_path)])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == figures
    for key in ("scroll_fps", "caliper_save_ms", "response_update_ms",
                "peer_sqlite_insert_ms", "peer_bare_pyqtgraph_fps"):
        assert isinstance(figures[key], float)
        assert figures[key] > 0
    assert figures["scroll_paints_per_frame"] >= 1  # every viewport painted every frame
    assert figures["measurement_audit_rows_added"] >= 4
