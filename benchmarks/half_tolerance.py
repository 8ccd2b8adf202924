"""How far is each drill's reference in bf16/fp16 from itself in float64, on the CPU?

    python benchmarks/half_tolerance.py [DRILL ...] [--seeds 20] [--cases]

For every drill with `cuda_dtypes`, every seed and half dtype, it builds the cases in that dtype,
runs the reference on them (outputs and gradients, as the grader does), then runs the reference
again in float64 on exactly the same values (inputs, module state and upstream gradients upcast),
and reports the worst t = |half - float64| / (1 + |float64|) over all elements: the smallest
rtol = atol that would accept the half reference against the exact result. Gradients are reported
apart (the grader allows them 10x the forward tolerance). Prints per drill and dtype:

    drill  dtype  forward t (case)  gradient t (case)  suggested rtol = atol  yaml now

The suggestion is 2x the worst of forward t and gradient t / 10, rounded up to 1, 2 or 5 x 10^k.
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _upcast(obj):
    import torch

    if isinstance(obj, torch.Tensor):
        if not obj.is_floating_point():
            return obj.clone()
        copy = obj.detach().double().requires_grad_(obj.requires_grad)
        if obj.grad is not None:  # e.g. clip_grad_norm's parameters carry their gradients
            copy.grad = obj.grad.detach().double()
        return copy
    if isinstance(obj, (list, tuple)):
        return type(obj)(_upcast(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _upcast(v) for k, v in obj.items()}
    return obj


def _nice(x: float) -> float:
    if x <= 0:
        return 0.0
    exp = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= x * (1 - 1e-12):
            return m * 10**exp
    return 10 ** (exp + 1)


def measure(drill_id: str, seeds: int) -> list[tuple]:
    from contextlib import nullcontext
    from dataclasses import replace

    import torch

    from llmprep.drills.registry import check_drills
    from llmprep.grading.child.call import run_call
    from llmprep.grading.plan import Ctx, DrillRun

    torch.set_num_threads(1)
    drill = check_drills()[0][drill_id]
    rows = []
    for dtype in drill.cuda_dtypes:
        worst = {"forward": (0.0, ""), "gradient": (0.0, "")}
        exact_mismatch = []
        per_case: dict[tuple[str, str], float] = {}
        run = DrillRun(drill, "cpu", list(range(seeds)), [dtype])
        for planned in run.plan:
            seed, case = planned.seed, planned.case
            try:
                half = planned.expected  # the reference in half precision, as the grader runs it
            except RuntimeError as exc:
                exact_mismatch.append(f"{case.name}: the half reference fails: {exc}")
                continue
            state = None
            if half.state is not None:
                state = {k: (v.double() if v.is_floating_point() else v) for k, v in half.state.items()}
            upstream = None if half.upstream is None else {k: v.double() for k, v in half.upstream.items()}
            request = replace(
                planned.request(state, upstream),
                args=_upcast(case.args),
                kwargs=_upcast(case.kwargs),
                dtype="float64",
                measure=False,
            )
            ctx64 = Ctx("float64", "cpu", planned.ctx.seed)
            full = run_call(run.entry, request, kind=drill.kind, device="cpu", guard=nullcontext, ctx=ctx64)
            if full.error or full.no_grad_through or full.state_problem:
                why = full.error.text if full.error else full.no_grad_through or full.state_problem
                exact_mismatch.append(f"{case.name}: the float64 reference fails: {why}")
                continue
            for (name, g), (_, w) in zip(run.leaves(half), run.leaves(full)):
                if not isinstance(w, torch.Tensor) or not w.is_floating_point():
                    same = (
                        torch.equal(g, w)
                        if isinstance(w, torch.Tensor)
                        else (abs(g - w) <= 1e-9 * abs(w) if isinstance(w, float) else g == w)
                    )
                    if not same:
                        exact_mismatch.append(f"seed {seed} {case.name}: {name} differs ({g!r} vs {w!r})")
                    continue
                g64, w64 = g.double(), w.double()
                finite = w64.isfinite()
                if not torch.equal(finite, g64.isfinite()):
                    exact_mismatch.append(f"seed {seed} {case.name}: {name} non-finite where float64 is not")
                    continue
                if not finite.any():
                    continue
                t = float(((g64 - w64).abs() / (1 + w64.abs()))[finite].max())
                kind = "gradient" if name.startswith("grad of") else "forward"
                per_case[(case.name, kind)] = max(per_case.get((case.name, kind), 0.0), t)
                if t > worst[kind][0]:
                    worst[kind] = (t, f"{case.name} / {name}")
        now = drill.tolerance.get(dtype)
        suggest = _nice(2 * max(worst["forward"][0], worst["gradient"][0] / 10))
        rows.append((dtype, worst, suggest, now, exact_mismatch, per_case))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("drills", nargs="*")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cases", action="store_true", help="print the worst t of every case")
    args = parser.parse_args()
    from llmprep.drills.registry import check_drills

    ids = args.drills or sorted(i for i, d in check_drills()[0].items() if d.cuda_dtypes)
    with ProcessPoolExecutor(args.jobs) as pool:
        futures = [(i, pool.submit(measure, i, args.seeds)) for i in ids]
        for drill_id, future in futures:
            for dtype, worst, suggest, now, notes, per_case in future.result():
                fwd, grad = worst["forward"], worst["gradient"]
                print(
                    f"{drill_id:26} {dtype:9} forward {fwd[0]:.3g} ({fwd[1]})  gradient {grad[0]:.3g} ({grad[1]})"
                    f"  -> {suggest:g}  yaml now {now}",
                    flush=True,
                )
                if args.cases:
                    for (name, kind), t in sorted(per_case.items(), key=lambda kv: -kv[1]):
                        print(f"{'':26}   {t:9.3g}  {kind:8} {name}", flush=True)
                for note in notes[:5]:
                    print(f"{'':26}   {note}", flush=True)
                if len(notes) > 5:
                    print(f"{'':26}   ... {len(notes) - 5} more", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
