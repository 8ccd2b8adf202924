"""What a drill's cases.py builds: cases to run and known mistakes to recognise.

Plain dataclasses, importable without torch; the grader fills them with tensors at grading time.

How the grader uses them (llmprep/grading/plan.py, evaluate.py; child/call.py runs each call):
- `cases(ctx)` is called once per base seed and dtype (drill.yaml `dtypes` plus `cuda_dtypes`, on
  every device: bfloat16 and float16 run on the CPU too; once with ctx.dtype None when both are []).
  A standard grade uses 2 base seeds, `dev check` 5; "example" cases run for the first seed only.
  ctx offers randn/rand(*shape, dtype=None), randint(low, high, shape) and tensor(data, dtype=None),
  all seeded by the printed base seed and placed on ctx.device; ctx.gen, ctx.seed, ctx.dtype and
  ctx.device are there for the rest.
- Every call gets clones of the inputs (a leaf keeps requires_grad and .grad); tensors compared
  afterwards must be unchanged. With `grad: true`, one random upstream gradient per floating
  output of the reference is backpropagated through both sides, and gradients are compared for
  the inputs a case marks requires_grad=True, or for every floating input when it marks none.
- Module drills: `init` builds the module, cases.py's optional `init_state(module, ctx)` sets the
  reference's values, its state_dict is loaded into the learner's, and both are moved to
  ctx.device and ctx.dtype before the call.
- Tolerances come from drill.yaml by the dtype of each output (gradients get 10x the slack, or
  cases.py's GRAD_TOLERANCE); a case's `tol_scale` multiplies both rtol and atol.
- The learner's code runs in its own sandboxed process and gets only the inputs (plain tensors: a
  tensor subclass in args arrives as torch.Tensor); `observe(output, args, kwargs)` and
  `check(output, args, kwargs)` run in the grader on what came back. `max_intermediate` bounds the
  elements of any tensor the call creates (measured by a dispatch mode); module drills also get
  their parameters' requires_grad compared with the reference's (frozen-parameter check).
- A Mistake's `impl` is called like the entry point (for module drills it is a subclass of the
  reference class); the grader names the mistake that fails where the learner fails and matches
  the learner's outputs and gradients on the most failing cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

CASE_KINDS = ("example", "hidden", "edge")


@dataclass
class Case:
    """One call of the learner's entry point (or of a module built with `init`, then called with args)."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    kind: str = "hidden"
    init: tuple | None = None  # module drills: constructor arguments
    note: str = ""  # what this case probes, shown when it fails ("masked rows", "logits near 1e4")
    # float rounding grows with the inputs' magnitude: multiplies the dtype's rtol and atol (softmax near 1e3)
    tol_scale: float = 1.0
    # tiled kernels: the most elements any one tensor created during the learner's call may have
    max_intermediate: int | None = None


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation with the same signature as the entry point, and its name."""

    key: str
    message: str  # e.g. "forgot the 1/sqrt(d_k) scale"
    impl: Callable[..., Any]


def full_precision_only(ctx, cases: list[Case], names: set[str]) -> list[Case]:
    """Drop the named large-magnitude cases in bf16/fp16: there the reference itself overflows or keeps
    no significant digits (measured on the CPU by benchmarks/half_tolerance.py), so they would grade
    rounding, not the learner. float32/float64 (and drills without tensors) run them all."""
    if ctx.dtype_name in (None, "float32", "float64"):
        return cases
    return [case for case in cases if case.name not in names]
