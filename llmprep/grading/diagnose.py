"""Which known mistake behaves like the learner's code where it fails (trusted side)."""

from __future__ import annotations

from llmprep.grading.api import Mistake
from llmprep.grading.evaluate import Outcome, judge, same_behaviour
from llmprep.grading.plan import DrillRun
from llmprep.grading.result import CaseResult, Diagnosis


def mistake_run(run: DrillRun, mistake: Mistake, index: int) -> tuple[CaseResult, Outcome]:
    """A known mistake graded on one planned call, computed once per run (dev check and diagnosis share it)."""
    key = (mistake.key, index)
    if key not in run._mistake_runs:
        planned = run.plan[index]
        run._mistake_runs[key] = judge(planned, run.call_trusted(mistake.impl, planned), maps=False)
    return run._mistake_runs[key]


def diagnose(run: DrillRun, failing: list[tuple[int, Outcome]], passed: list[int] | None = None) -> Diagnosis | None:
    """The known mistake matching the learner (same outputs and gradients within tolerance, same
    failure, same check verdict) on the most failing cases. A tie goes to the one that fails fewer
    of the cases the learner passes (`passed`; default: the cases not in `failing`), then to list order.
    Only a mistake that itself fails a case can explain that case."""
    failing = [(i, o) for i, o in failing if o.leaves]  # a crash has nothing to compare
    if not failing:
        return None
    if passed is None:
        done = {i for i, _ in failing}
        passed = [i for i in range(len(run.plan)) if i not in done]
    scored = []
    for order, mistake in enumerate(run.mistakes()):
        matched = 0
        for index, got in failing:
            result, theirs = mistake_run(run, mistake, index)
            if result.status != "pass" and same_behaviour(run.plan[index], got, theirs):
                matched += 1
        if matched:
            scored.append([-matched, 0, order, mistake])
    if not scored:
        return None
    scored.sort(key=lambda s: s[:3])
    tied = [s for s in scored if s[0] == scored[0][0]]
    if len(tied) > 1:
        for entry in tied:
            entry[1] = sum(mistake_run(run, entry[3], i)[0].status != "pass" for i in passed)
        tied.sort(key=lambda s: s[:3])
    best = tied[0][3]
    return Diagnosis(best.key, best.message)
