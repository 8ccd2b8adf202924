"""The running half of `llmprep dev check`: per drill, the reference passes its own grader, a fresh
stub fails as "not implemented", and every known mistake is rejected on every one of SEEDS base
seeds and diagnosed as itself. Drills are spread over worker processes (`python -m
llmprep.grading.selfcheck`, drill ids on stdin, one DrillCheck as JSON per line on stdout).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

SEEDS = (0, 1, 2, 3, 4)  # a mistake caught on only some of them is a weak case
TIMEOUT_PER_DRILL = 300.0  # flash_attention alone takes ~30 s on an idle core


@dataclass
class DrillCheck:
    """What the self-check found in one drill (crosses from the worker process as JSON)."""

    id: str
    problems: list[str] = field(default_factory=list)
    cases: int = 0
    named: dict[str, str | None] = field(default_factory=dict)  # mistake key -> the mistake diagnosed

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "DrillCheck":
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) != {"id", "problems", "cases", "named"}:
            raise ValueError("not a DrillCheck")
        return cls(
            id=str(data["id"]),
            problems=[str(p) for p in data["problems"]],
            cases=int(data["cases"]),
            named={str(k): v if v is None else str(v) for k, v in dict(data["named"]).items()},
        )


def check_drill(drill, seeds=SEEDS) -> DrillCheck:
    from llmprep.drills.stub import make_stub
    from llmprep.grading.api import CASE_KINDS
    from llmprep.grading.child.call import load_file
    from llmprep.grading.child.guard import Forbidden, Guard
    from llmprep.grading.child.wire import encode_request
    from llmprep.grading.diagnose import diagnose, mistake_run
    from llmprep.grading.evaluate import judge
    from llmprep.grading.examples import check_examples
    from llmprep.grading.plan import DrillRun

    report = DrillCheck(drill.id)
    problems = report.problems
    run = DrillRun(drill, "cpu", list(seeds))
    first = [p for p in run.plan if p.seed == run.seeds[0]]
    report.cases = len(first)
    rel = f"solutions/{drill.id}/reference.py"
    if ">>>" not in (run.reference.__doc__ or ""):
        problems.append(f"{rel}: the docstring has no `>>>` worked example (the stub shows it, dev check runs it)")
    problems += check_examples(run.reference, rel)
    guard = Guard(list(drill.forbidden), [], replace_code=False)
    guard.install()
    as_learner = getattr(load_file(drill.reference, f"_check_{drill.id}"), drill.entry)
    for planned in first:
        Forbidden.hits.clear()
        reply = run.call_trusted(as_learner, planned, guard=guard.on, file=str(drill.reference))
        reply.forbidden = Forbidden.hits[0] if Forbidden.hits else None
        case, _ = judge(planned, reply, str(drill.reference))
        if case.status != "pass":
            problems.append(f"the reference fails case {planned.label}: {case.message}")
            break
    with tempfile.TemporaryDirectory() as tmp:
        stub_path = Path(tmp) / f"{drill.id}.py"
        stub_path.write_text(make_stub(drill.id, drill.reference.read_text(encoding="utf-8")), encoding="utf-8")
        stub = getattr(load_file(stub_path, f"_stub_{drill.id}"), drill.entry)
        for planned in first:
            case, _ = judge(planned, run.call_trusted(stub, planned, file=str(stub_path)), str(stub_path))
            if case.status == "pass" or not case.message.startswith("not implemented"):
                problems.append(
                    f"the stub does not fail as 'not implemented' on {planned.label}: {case.message or 'it passes'}"
                )
                break
    for planned in first:  # what the learner's process gets must cross the wire
        try:
            encode_request(planned.learner_request())
        except Exception as exc:  # noqa: BLE001 - reported as the drill's problem
            why = f"{type(exc).__name__}: {exc}"
            problems.append(f"case {planned.label} cannot be sent to the learner's process ({why})")
            break
    mistakes = run.mistakes()
    if len(mistakes) < 2:
        problems.append(f"{len(mistakes)} known mistake(s); give at least 2 in cases.py mistakes()")
    keys = [m.key for m in mistakes]
    if len(set(keys)) != len(keys):
        problems.append("two mistakes share a key")
    for mistake in mistakes:
        failing, passed = [], []
        for planned in first:
            case, outcome = mistake_run(run, mistake, planned.index)
            (failing.append((planned.index, outcome)) if case.status != "pass" else passed.append(planned.index))
        weak = [] if failing else [run.seeds[0]]
        for seed in run.seeds[1:]:  # the other seeds: until the first case that rejects it
            if not any(mistake_run(run, mistake, p.index)[0].status != "pass" for p in run.plan if p.seed == seed):
                weak.append(seed)
        if weak:
            problems.append(
                f"weak case: mistake {mistake.key!r} passes every case on seed(s) "
                f"{', '.join(map(str, weak))} of {len(run.seeds)} (strengthen a case so every seed rejects it)"
            )
        if not failing:
            continue
        diagnosis = diagnose(run, [(i, o) for i, o in failing if o.leaves] or failing, passed)
        report.named[mistake.key] = diagnosis.key if diagnosis else None
        if report.named[mistake.key] != mistake.key:
            problems.append(f"mistake {mistake.key!r} is rejected but diagnosed as {report.named[mistake.key]!r}")
    kinds = {p.case.kind for p in first}
    if kinds - set(CASE_KINDS):
        problems.append(f"unknown case kind(s) {sorted(kinds - set(CASE_KINDS))}; use one of {', '.join(CASE_KINDS)}")
    if "example" not in kinds:
        problems.append("no case has kind='example' (the one the docstring shows)")
    names = [(p.ctx.dtype_name, p.case.name) for p in first]
    if len(set(names)) != len(names):
        problems.append("two cases share a name")
    return report


def main() -> None:
    """Worker: one drill id per line on stdin; one DrillCheck per line on the original stdout (prints go to stderr)."""
    import traceback

    import torch

    from llmprep.drills.registry import load_drill

    torch.set_num_threads(1)
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    for line in sys.stdin:
        drill_id = line.strip()
        try:
            report = check_drill(load_drill(drill_id))
        except Exception as exc:  # noqa: BLE001 - a broken drill is a finding for its author, not a crash of the check
            report = DrillCheck(drill_id, [f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=-3)])
        out.write(report.to_json() + "\n")
        out.flush()


def selfcheck(drill_ids: list[str], workers: int | None = None) -> list[DrillCheck]:
    """Self-check `drill_ids` in up to `workers` processes that take the next drill when they finish one
    (the drills with the most cases first, so that the slowest do not come last)."""
    from llmprep import paths

    if not drill_ids:
        return []
    queue = sorted(drill_ids, key=lambda i: -(paths.solutions_dir() / i / "cases.py").stat().st_size)
    workers = max(1, min(workers or os.cpu_count() or 1, len(queue), 8))
    reports: list[DrillCheck] = []
    lock = threading.Lock()
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")

    def work() -> None:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llmprep.grading.selfcheck"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        timer = None
        try:
            while True:
                with lock:
                    if not queue:
                        break
                    drill_id = queue.pop(0)
                timer = threading.Timer(TIMEOUT_PER_DRILL, proc.kill)
                timer.start()
                proc.stdin.write(drill_id + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
                timer.cancel()
                report = (
                    DrillCheck.from_json(line)
                    if line
                    else DrillCheck(
                        drill_id,
                        [
                            f"self-check stopped in this drill (timed out after {TIMEOUT_PER_DRILL:g} s, or crashed): "
                            f"{(proc.stderr.read().strip().splitlines() or [''])[-1]}"
                        ],
                    )
                )
                with lock:
                    reports.append(report)
                if not line:
                    break
        finally:
            if timer:
                timer.cancel()
            proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                stream.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = {r.id for r in reports}
    reports += [
        DrillCheck(i, ["not self-checked: every worker process stopped before this drill"])
        for i in drill_ids
        if i not in done
    ]
    return sorted(reports, key=lambda r: r.id)


if __name__ == "__main__":
    main()


@dataclass
class DrillReport:
    """The whole drills part of `dev check`: static problems, then the self-check's."""

    drills: int
    problems: list
    seconds: float
    cases: int = 0
    mistakes: int = 0


def check_all(workers: int | None = None) -> DrillReport:
    import time

    from llmprep.drills.check import manifest_problems, static_problems
    from llmprep.drills.registry import check_drills
    from llmprep.yamlnode import Problem

    started = time.monotonic()
    drills, problems = check_drills()
    problems += manifest_problems()
    good = []
    for drill in drills.values():
        found = static_problems(drill)
        problems += found
        if not found:
            good.append(drill.id)
    reports = [] if any(p.file.endswith("MANIFEST.sha256") for p in problems) else selfcheck(good, workers)
    for report in reports:
        for text in report.problems:
            problems.append(
                Problem(f"solutions/{report.id}/cases.py", 1, text.strip(), "see solutions/README.md", report.id)
            )
    return DrillReport(
        len(drills),
        problems,
        time.monotonic() - started,
        sum(r.cases for r in reports),
        sum(len(r.named) for r in reports),
    )
