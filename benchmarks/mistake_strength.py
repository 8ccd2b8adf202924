"""How strong are the drills' cases? Grades every known mistake of every drill on several seeds.

    python benchmarks/mistake_strength.py [DRILL ...] [--seeds 5] [--no-half] [--jobs 2]

For each drill and seed 0..N-1 it builds the grading Session (llmprep/grading/engine.py) with the
drill's `dtypes` plus its `cuda_dtypes` run on the CPU (bf16/fp16 work there), checks that the
reference passes, then grades each known mistake as if it were a learner's file: a mistake that
passes every case on some seed is WEAK (the issue asks for rejection on every seed), and one whose
diagnosis names another mistake is MISNAMED. Prints one line per mistake:

    drill  mistake  rejected 5/5  named 5/5  [other names seen]

Grader v2's case fields are emulated here, so the figures are what the new engine will see:
`Case.tol_scale` multiplies the dtype's rtol and atol for that case, and `Case.max_intermediate`
fails a call that creates any tensor with more elements (measured by a dispatch mode around the
call), and a module drill fails when the learner's module has trainable parameters that the
reference freezes (requires_grad compared). Exit status 1 when any mistake is weak or misnamed, or a reference fails.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _session_class():
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    from llmprep.grading import engine

    class Largest(TorchDispatchMode):
        """The most elements of any tensor an op returns while it is active."""

        def __init__(self):
            super().__init__()
            self.largest, self.shape = 0, ()

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            for t in out if isinstance(out, (tuple, list)) else (out,):
                if isinstance(t, torch.Tensor) and t.numel() > self.largest:
                    self.largest, self.shape = t.numel(), tuple(t.shape)
            return out

    class V2Session(engine.Session):
        """The current Session plus grader v2's tol_scale and max_intermediate."""

        def grade_case(self, index, entry, guard=None, file=None):
            ctx, case = self.plan[index]
            limit = case.max_intermediate
            mode = Largest()

            @contextmanager
            def watched():
                with (guard or _nothing)():
                    if limit is None:
                        yield
                    else:
                        with mode:
                            yield

            scale = case.tol_scale
            saved = self.job["tolerance"], self.grad_tolerance
            if scale != 1.0:
                table = {k: [v[0] * scale, v[1] * scale] for k, v in self.job["tolerance"].items()}
                grad = {k: (v[0] * scale, v[1] * scale) for k, v in (self.grad_tolerance or {}).items()} or None
                if grad is None:  # engine default: 10x the forward tolerance
                    self.job = dict(self.job, tolerance=table)
                else:
                    self.job, self.grad_tolerance = dict(self.job, tolerance=table), grad
            try:
                result, got = super().grade_case(index, entry, watched, file)
            finally:
                self.job = dict(self.job, tolerance=saved[0])
                self.grad_tolerance = saved[1]
            if self.job["kind"] == "module" and self.job["grad"] and not got.failure:
                trainable = lambda leaves: {n for n, _ in leaves if n.startswith("grad of ")}  # noqa: E731
                extra = trainable(got.leaves) - trainable(self.expected[index].leaves)
                if extra and result["status"] == "pass":
                    got.failure = f"parameters trainable that the reference freezes: {sorted(extra)}"
                    result.update(status="fail", message=got.failure)
            if limit is not None and mode.largest > limit:
                why = f"created a tensor of shape {mode.shape} ({mode.largest} elements > {limit})"
                got.failure = got.failure or why
                if result["status"] == "pass":
                    result.update(status="fail", message=why)
            return result, got

    return V2Session


@contextmanager
def _nothing():
    yield


def scan(drill_id: str, seeds: int, half: bool, current: bool = False) -> tuple[list[str], list[tuple]]:
    """(problems, [(mistake, rejected seeds, named-as-itself seeds, {other name: seeds}, seeds it passes)])."""
    import torch

    from llmprep.drills.registry import check_drills

    torch.set_num_threads(1)
    if current:
        from llmprep.grading.engine import Session
    else:
        Session = _session_class()
    job = check_drills()[0][drill_id].job()
    dtypes = list(job["dtypes"]) + (list(job["cuda_dtypes"]) if half else [])
    problems: list[str] = []
    stats: dict[str, list] = {}
    for seed in range(seeds):
        session = Session(job, "cpu", seed, dtypes=dtypes or None)
        for index, (ctx, case) in enumerate(session.plan):
            result, _ = session.grade_case(index, session.entry)
            if result["status"] != "pass":
                problems.append(f"seed {seed}: the reference fails {case.name} [{ctx.dtype_name}]: {result['message']}")
        for mistake in session.mistakes():
            row = stats.setdefault(mistake.key, [0, 0, {}, []])
            failing = []
            for index in range(len(session.plan)):
                result, outcome = session.grade_mistake(mistake, index)
                if result["status"] == "fail":
                    failing.append((index, outcome))
            if not failing:
                row[3].append(seed)
                continue
            row[0] += 1
            named = session.diagnose(failing)
            name = named["key"] if named else None
            if name == mistake.key:
                row[1] += 1
            else:
                row[2][name] = row[2].get(name, 0) + 1
    return problems, [(key, r[0], r[1], r[2], r[3]) for key, r in stats.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-half", action="store_true", help="skip the cuda_dtypes (bf16/fp16) on CPU")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--all", action="store_true", help="print every mistake, not only weak or misnamed ones")
    parser.add_argument("--current", action="store_true", help="the current engine as it is (no v2 emulation)")
    args = parser.parse_args()
    from llmprep.drills.registry import check_drills

    ids = args.drills or sorted(check_drills()[0])
    bad = 0
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [(i, pool.submit(scan, i, args.seeds, not args.no_half, args.current)) for i in ids]
        for drill_id, future in futures:
            try:
                problems, rows = future.result()
            except Exception as exc:  # a broken drill is a finding, not the end of the scan
                print(f"{drill_id:28} BROKEN {type(exc).__name__}: {exc}", flush=True)
                bad += 1
                continue
            for text in problems:
                print(f"{drill_id:28} {text}", flush=True)
            bad += len(problems)
            for key, rejected, named, others, passed_on in rows:
                weak = rejected < args.seeds or named < rejected
                bad += weak
                if weak or args.all:
                    extra = f"  named as {others}" if others else ""
                    extra += f"  passes on seeds {passed_on}" if passed_on else ""
                    flag = "WEAK " if rejected < args.seeds else "MISNAMED " if named < rejected else ""
                    print(
                        f"{drill_id:28} {key:34} rejected {rejected}/{args.seeds}  named {named}/{rejected}"
                        f"  {flag}{extra}",
                        flush=True,
                    )
    print(f"{len(ids)} drills, {bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
