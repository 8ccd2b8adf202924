"""How fast is `llmprep grade`? Prints figures and the ratio the issue asks for.

    python benchmarks/grade_benchmark.py [--runs 9] [--selfcheck]

1. Median wall time of `llmprep grade attention.py` (a correct file, --device cpu) against the
   median of `python -c "import torch"`, measured interleaved in the same run. Target: <= 1.5x.
2. With --selfcheck: the wall time of the drills part of `llmprep dev check` (every reference,
   stub and mistake of every drill). Target: < 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def wall(args: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def grade_ratio(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "home").mkdir()
        env = dict(os.environ, LLMPREP_HOME=str(work / "home"))
        source = (REPO / "solutions" / "attention" / "reference.py").read_text(encoding="utf-8")
        (work / "attention.py").write_text("# llmprep: attention\n" + source, encoding="utf-8")
        llmprep = shutil.which("llmprep") or sys.executable
        grade = (
            [llmprep, "grade", "attention.py", "--device", "cpu"]
            if llmprep != sys.executable
            else [sys.executable, "-m", "llmprep", "grade", "attention.py", "--device", "cpu"]
        )
        torch_only = [sys.executable, "-c", "import torch"]
        wall(torch_only, work, env)  # warm the file cache for both
        wall(grade, work, env)
        torch_times, grade_times = [], []
        for _ in range(runs):
            torch_times.append(wall(torch_only, work, env))
            grade_times.append(wall(grade, work, env))
    t, g = statistics.median(torch_times), statistics.median(grade_times)
    print(
        f"python -c 'import torch'          median {t:.3f} s  (min {min(torch_times):.3f}, max {max(torch_times):.3f})"
    )
    print(
        f"llmprep grade attention.py (cpu)  median {g:.3f} s  (min {min(grade_times):.3f}, max {max(grade_times):.3f})"
    )
    print(f"ratio grade / import torch: {g / t:.2f}  (target <= 1.5)  over {runs} interleaved runs")


def selfcheck() -> None:
    sys.path.insert(0, str(REPO))
    from llmprep.grading.selfcheck import check_all

    report = check_all()
    print(
        f"drills self-check: {report.drills} drills, {report.cases} cases, {report.mistakes} mistakes named, "
        f"{len(report.problems)} problem(s), {report.seconds:.1f} s on {os.cpu_count()} cores (target < 60 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--selfcheck", action="store_true", help="also time the drills self-check")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other load skews both sides)")
    grade_ratio(args.runs)
    if args.selfcheck:
        selfcheck()


if __name__ == "__main__":
    main()
