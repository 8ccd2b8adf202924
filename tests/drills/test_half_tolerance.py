"""benchmarks/half_tolerance.py still runs against the grading modules, and what it measures backs the
tolerances written in drill.yaml: the reference in half precision is within them of itself in float64."""

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "half_tolerance.py"


def _load():
    spec = importlib.util.spec_from_file_location("half_tolerance", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_half_reference_is_within_its_own_tolerance():
    rows = _load().measure("dpo_loss", seeds=2)
    assert [row[0] for row in rows] == ["float16"]
    _, worst, _, (rtol, _), mismatches, _ = rows[0]
    assert mismatches == []
    assert 0 < worst["forward"][0] <= rtol, worst
