"""The trusted side of one drill: its verified reference and cases, the plan of calls (seeds x
dtypes x cases) and, lazily, the reference's reply to each. Only this process ever holds them.
"""

from __future__ import annotations

import inspect
import types
import zlib
from dataclasses import dataclass, field
from functools import cached_property

import torch

from llmprep.drills import manifest
from llmprep.drills.registry import Drill
from llmprep.grading.api import Case, Mistake
from llmprep.grading.child.call import flatten, run_call, tensors_in
from llmprep.grading.child.wire import TENSOR_DTYPES, CallReply, CallRequest
from llmprep.grading.compare import describe


class Ctx:
    """What a drill's `cases(ctx)` builds inputs with: seeded, in one dtype, on one device."""

    def __init__(self, dtype: str | None, device: str, seed: int):
        self.dtype_name = dtype
        self.dtype = TENSOR_DTYPES[dtype] if dtype else None
        self.device = torch.device(device)
        self.seed = seed
        self.gen = torch.Generator().manual_seed(seed)

    def _shape(self, shape: tuple) -> tuple:
        return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list, torch.Size)) else shape

    def _to(self, t: torch.Tensor, dtype) -> torch.Tensor:
        return t.to(dtype=dtype or self.dtype or torch.float32, device=self.device)

    def randn(self, *shape, dtype=None) -> torch.Tensor:
        return self._to(torch.randn(self._shape(shape), generator=self.gen, dtype=torch.float64), dtype)

    def rand(self, *shape, dtype=None) -> torch.Tensor:
        return self._to(torch.rand(self._shape(shape), generator=self.gen, dtype=torch.float64), dtype)

    def randint(self, low: int, high: int, shape, dtype=torch.int64) -> torch.Tensor:
        return torch.randint(low, high, tuple(shape), generator=self.gen).to(dtype=dtype, device=self.device)

    def tensor(self, data, dtype=None) -> torch.Tensor:
        t = torch.as_tensor(data)
        if dtype is None and not t.is_floating_point():
            return t.to(self.device)
        return self._to(t, dtype)


def case_seed(base: int, dtype: str | None) -> int:
    return (base * 1_000_003 + zlib.crc32((dtype or "none").encode())) % (2**62)


def load_verified(drill: Drill, name: str, module_name: str) -> types.ModuleType:
    """solutions/<drill>/<name>, executed from the very bytes checked against the manifest."""
    root = drill.dir.parent
    data = manifest.verified_bytes(root, drill.id, name)
    module = types.ModuleType(module_name)
    module.__file__ = str(drill.dir / name)
    exec(compile(data, str(drill.dir / name), "exec"), module.__dict__)  # noqa: S102 - the verified reference
    return module


def marks_trainable(case: Case) -> bool:
    """True when the case itself says which inputs are trainable: then only those get gradients
    compared; the others are constants a learner may detach."""
    return any(t.requires_grad for _, t in tensors_in((case.args, case.kwargs), "inputs"))


@dataclass
class Planned:
    """One call of the plan: a case in one dtype for one base seed, and the reference's reply."""

    index: int
    seed: int  # the base seed (the one `--seed` replays)
    ctx: Ctx
    case: Case
    run: "DrillRun" = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.case.name} [{self.ctx.dtype_name}]" if self.ctx.dtype_name else self.case.name

    @cached_property
    def expected(self) -> CallReply:
        return self.run.call_trusted(self.run.entry, self, init_state=self.run.init_state, reference=True)

    @cached_property
    def expected_leaves(self) -> list:
        return self.run.leaves(self.expected)

    def request(self, state: dict | None = None, upstream: dict | None = None) -> CallRequest:
        return CallRequest(
            index=self.index,
            args=self.case.args,
            kwargs=self.case.kwargs,
            seed=self.ctx.seed,
            grad=self.run.drill.grad,
            every_float=self.run.drill.grad and not marks_trainable(self.case),
            init=self.case.init,
            state=state,
            dtype=self.ctx.dtype_name if self.ctx.dtype else None,
            upstream=upstream,
            param_names=self.run.param_names,
            measure=self.case.max_intermediate is not None,
        )

    def learner_request(self) -> CallRequest:
        """The inputs the learner's process gets: the reference's module state and upstream gradients, nothing more."""
        return self.request(self.expected.state, self.expected.upstream)


class DrillRun:
    """One drill on one device for some base seeds: the verified reference, its cases and hooks."""

    def __init__(self, drill: Drill, device: str, seeds: list[int], dtypes: list[str | None] | None = None):
        self.drill = drill
        self.device = device
        self.seeds = list(seeds)
        self.reference = load_verified(drill, "reference.py", f"_llmprep_reference_{drill.id}")
        self.cases_module = load_verified(drill, "cases.py", f"_llmprep_cases_{drill.id}")
        self.entry = getattr(self.reference, drill.entry)
        self.observe = getattr(self.cases_module, "observe", None)
        self.check = getattr(self.cases_module, "check", None)
        self.init_state = getattr(self.cases_module, "init_state", None)
        self.grad_tolerance = getattr(self.cases_module, "GRAD_TOLERANCE", None)
        target = self.entry.forward if drill.kind == "module" else self.entry
        self.param_names = [p for p in inspect.signature(target).parameters if p != "self"]
        if dtypes is None:  # half-precision cases run on the CPU too: precision mistakes fail without a GPU
            dtypes = list(dict.fromkeys(list(drill.dtypes) + list(drill.cuda_dtypes)))
        self.plan: list[Planned] = []
        for base in self.seeds:
            for dtype in dtypes or [None]:
                ctx = Ctx(dtype, device, case_seed(base, dtype))
                for case in self.cases_module.cases(ctx):
                    if base != self.seeds[0] and case.kind == "example":
                        continue  # fixed values: once is enough
                    self.plan.append(Planned(len(self.plan), base, ctx, case, self))
        self._mistakes: list[Mistake] | None = None
        self._mistake_runs: dict[tuple[str, int], tuple] = {}

    def call_trusted(
        self, entry, planned: Planned, *, init_state=None, reference: bool = False, guard=None, file: str | None = None
    ) -> CallReply:
        """The reference, a known mistake or (self-check) a stub, run here with the learner's code path."""
        from contextlib import nullcontext

        request = planned.request() if reference else planned.learner_request()
        reply = run_call(
            entry,
            request,
            kind=self.drill.kind,
            device=self.device,
            guard=guard or nullcontext,
            file=file,
            init_state=init_state,
            ctx=planned.ctx,
        )
        if reference and (reply.error or reply.no_grad_through or reply.state_problem):
            why = reply.error.text if reply.error else reply.no_grad_through or reply.state_problem
            raise RuntimeError(f"the reference fails on case {planned.label}: {why}")
        return reply

    def leaves(self, reply: CallReply) -> list:
        """What is compared: the outputs (through the drill's `observe`), then the gradients."""
        output = reply.output
        if self.observe is not None:  # the drill's hook, on values that may come from the learner
            output = self.observe(output, reply.args, reply.kwargs)
        leaves = [(n, v.detach() if isinstance(v, torch.Tensor) else v) for n, v in flatten(output)]
        return leaves + list(reply.grads)

    def mistakes(self) -> list[Mistake]:
        if self._mistakes is None:
            self._mistakes = list(self.cases_module.mistakes(self.reference))
        return self._mistakes

    def call_text(self, case: Case) -> str:
        parts = [describe(a) for a in case.args]
        names = self.param_names
        parts = [f"{names[i]}={p}" if i < len(names) else p for i, p in enumerate(parts)]
        parts += [f"{k}={describe(v)}" for k, v in case.kwargs.items()]
        init = f"({', '.join(map(describe, case.init or ()))})" if self.drill.kind == "module" else ""
        return f"{self.drill.entry}{init}({', '.join(parts)})"
