"""`llmprep list` and `llmprep next` on a generated 1000-question bank vs importing typer, rich and yaml.

Targets (issues 2, 10): median wall time of each <= 1.5x the import baseline, torch never loaded.
Run: python benchmarks/startup_benchmark.py [--runs 15] [--shipped]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import write_bank  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BASELINE = [sys.executable, "-c", "import typer, rich.console, yaml"]
LIST = [sys.executable, "-m", "llmprep", "list"]
NEXT = [sys.executable, "-m", "llmprep", "next"]
TORCH_PROBE = [
    sys.executable,
    "-c",
    "import sys; from llmprep.cli.app import main\ntry: main(['list'])\nexcept SystemExit: pass\n"
    "sys.stderr.write('torch loaded' if 'torch' in sys.modules else 'torch absent')",
]


def median_wall(cmd: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument(
        "--shipped", action="store_true", help="time the shipped bank (questions/), not a generated one"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.shipped:
            bank = REPO / "questions"
            from llmprep.bank.loader import check_bank
            from llmprep.drills import drill_ids

            args.questions = len(check_bank(bank, drill_ids())[0].questions)
        else:
            bank = write_bank(Path(tmp) / "bank", args.questions, REPO / "questions")
        env = dict(os.environ, LLMPREP_BANK=str(bank), LLMPREP_HOME=str(Path(tmp) / "home"), COLUMNS="120")
        start = time.perf_counter()
        subprocess.run(LIST, env=env, stdout=subprocess.DEVNULL, check=True)
        cold = time.perf_counter() - start
        baseline = median_wall(BASELINE, env, args.runs)
        warm = median_wall(LIST, env, args.runs)
        advice = median_wall(NEXT, env, args.runs)
        probe = subprocess.run(TORCH_PROBE, env=env, capture_output=True, text=True).stderr.strip().splitlines()[-1]
    print(f"questions: {args.questions}, runs: {args.runs}")
    print(f"baseline (import typer, rich.console, yaml): {baseline * 1000:.0f} ms")
    print(f"llmprep list, cold cache (parse + validate):  {cold * 1000:.0f} ms")
    print(f"llmprep list, warm cache:                     {warm * 1000:.0f} ms")
    print(f"ratio warm/baseline: {warm / baseline:.2f} (target <= 1.50)")
    print(f"llmprep next:                                 {advice * 1000:.0f} ms")
    print(f"ratio next/baseline: {advice / baseline:.2f} (target <= 1.50)")
    print(f"torch after `llmprep list`: {probe}")


if __name__ == "__main__":
    main()
