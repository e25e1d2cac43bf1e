"""benchmarks/reports.py runs end to end on a small store and prints its JSON last (never
timed here: the figures are the benchmark's, on its 200 subjects)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "reports.py"


def test_the_reports_benchmark_prints_its_figures_as_json_last(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("benchmark_reports", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.main(["--subjects", "8", "--runs", "1", "--folder", str(tmp_path)])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == figures
    for key in ("case_pdf_s", "trial_pdf_s", "case_data_s", "trial_data_s"):
        assert isinstance(figures[key], float)
        assert figures[key] > 0
    assert (figures["case_pdf_s_target"], figures["trial_pdf_s_target"]) == (0.5, 5.0)
    assert figures["case_key_images"] == figures["case_pdf_images"] == 10
    assert figures["trial_subjects"] == 8
    assert figures["trial_pages"] >= 9
