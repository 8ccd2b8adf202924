"""Grading inside the worker (torch): seeded contexts, one evaluation of an entry on a case, the
comparison (shape, dtype, device, NaN/Inf, values), the trivial-output guard and the diagnosis.

The same Session grades a learner's file, the reference itself, a fresh stub and each known
mistake, so `dev check` proves exactly the code path the learner meets.
"""

from __future__ import annotations

import doctest
import importlib.util
import inspect
import math
import re
import sys
import time
import traceback
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from llmprep.grading.api import KINDS, Case, Mistake

DTYPES = {"float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16, "float16": torch.float16}
DEFAULT_TOL = {torch.float64: (1e-10, 1e-12), torch.float32: (1e-5, 1e-6),
               torch.bfloat16: (2e-2, 2e-2), torch.float16: (2e-3, 2e-3)}
GRAD_TOL_FACTOR = 10.0  # gradients go through more arithmetic than the forward pass
MAP_SIZE = 16


class Ctx:
    """What a drill's `cases(ctx)` builds inputs with: seeded, in one dtype, on one device."""

    def __init__(self, dtype: str | None, device: str, seed: int):
        self.dtype_name = dtype
        self.dtype = DTYPES[dtype] if dtype else None
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


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- values


def _clone(obj, grad: bool):
    """A detached copy that keeps requires_grad and a leaf's `.grad`; with `grad`, every floating
    tensor also requires grad (the default when a case marks no input as trainable)."""
    if isinstance(obj, torch.Tensor):
        copy = obj.detach().clone()
        wants_grad = obj.requires_grad or (grad and copy.is_floating_point())
        if isinstance(obj, torch.nn.Parameter):
            copy = torch.nn.Parameter(copy, requires_grad=obj.requires_grad)
        elif wants_grad:
            copy.requires_grad_(True)
        if obj.is_leaf and obj.grad is not None:
            copy.grad = obj.grad.detach().clone()
        return copy
    if isinstance(obj, (list, tuple)):
        return type(obj)(_clone(o, grad) for o in obj)
    if isinstance(obj, dict):
        return {k: _clone(v, grad) for k, v in obj.items()}
    return obj


def marks_trainable(case: Case) -> bool:
    """True when the case itself says which inputs are trainable (some input has requires_grad=True):
    then only those get gradients compared; the others are constants a learner may detach."""
    return any(t.requires_grad for _, t in _tensors((case.args, case.kwargs), "inputs"))


def _tensors(obj, name: str):
    """(name, tensor) for every tensor inside args/kwargs."""
    if isinstance(obj, torch.Tensor):
        yield name, obj
    elif isinstance(obj, (list, tuple)):
        for i, o in enumerate(obj):
            yield from _tensors(o, f"{name}[{i}]")
    elif isinstance(obj, dict):
        for k, o in obj.items():
            yield from _tensors(o, f"{name}[{k!r}]")


def flatten(obj, name: str = "output") -> list[tuple[str, Any]]:
    if isinstance(obj, (list, tuple)):
        return [leaf for i, o in enumerate(obj) for leaf in flatten(o, f"{name}[{i}]")]
    if isinstance(obj, dict):
        return [leaf for k, o in obj.items() for leaf in flatten(o, f"{name}[{k!r}]")]
    return [(name, obj)]


def describe(value) -> str:
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).replace("torch.", "")
        where = "" if value.device.type == "cpu" else f" on {value.device}"
        return f"{dtype}[{', '.join(map(str, value.shape))}]{where}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
        return f"[{len(value)} tensors]" if isinstance(value, list) else f"({len(value)} tensors)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _same_exact(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.is_floating_point() or a.is_complex():
        return bool(torch.equal(torch.nan_to_num(a, nan=0.5), torch.nan_to_num(b, nan=0.5))
                    and torch.equal(a.isnan(), b.isnan()))
    return bool(torch.equal(a, b))


# ---------------------------------------------------------------- one evaluation


@dataclass
class Outcome:
    leaves: list[tuple[str, Any]] = field(default_factory=list)  # outputs, then gradients
    failure: str = ""  # the learner's code raised, mutated an input, or cut the gradient
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    output: Any = None
    state: dict | None = None
    upstream: dict | None = None
    error: BaseException | None = None
    checked: str = ""  # the drill's check hook said this (run only when everything else matched)


def _where(exc: BaseException, file: str | None) -> str:
    """` at attention.py:14: <line>` for the deepest frame in the learner's file."""
    if not file:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == file]
    if not frames:
        return ""
    frame = frames[-1]
    return f" at {Path(file).name}:{frame.lineno}: {(frame.line or '').strip()}"


def explain(exc: BaseException, file: str | None, device: torch.device) -> str:
    where = _where(exc, file)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, NotImplementedError):
        return f"not implemented{where}"
    if device.type == "cuda" and ("same device" in text or "two devices" in text):
        return (f"device bug: your code mixes a CPU tensor with the {device} inputs{where} "
                "(create new tensors with device=x.device)")
    if "leaf Variable that requires grad" in text or "modified by an inplace operation" in text:
        return (f"modifies an input (or a tensor autograd needs) in place{where}; "
                "treat inputs as read-only (x = x - m, not x -= m; or clone first)")
    if isinstance(exc, MemoryError) or "can't allocate memory" in text or "out of memory" in text.lower():
        size = re.search(r"allocate (\d+) bytes", text)
        asked = f"it asked for {int(size.group(1)) / 2**30:.1f} GiB" if size else type(exc).__name__
        return f"memory limit exceeded{where} ({asked}); the cases are small, so is the memory they need"
    if isinstance(exc, SystemExit):
        return f"your code called exit ({exc.code}){where}; return the result instead"
    return f"raised {type(exc).__name__}: {text[:300]}{where}"


def _fatal(exc: BaseException, message: str) -> bool:
    return isinstance(exc, (MemoryError, SystemExit, RecursionError)) or message.startswith("memory limit")


def evaluate(entry, case: Case, ctx: Ctx, *, kind: str, grad: bool, observe=None, guard=nullcontext,
             state: dict | None = None, upstream: dict | None = None, file: str | None = None,
             param_names: list[str] = (), init_state=None) -> Outcome:
    """Call `entry` on clones of the case's inputs; collect outputs, gradients and misbehaviour.

    `init_state(module, ctx)` (the drill's hook) sets the reference module's values before its
    state_dict is taken; every other run loads that state_dict."""
    every_float = grad and not marks_trainable(case)
    out = Outcome(args=_clone(case.args, every_float), kwargs=_clone(case.kwargs, every_float))
    torch.default_generator.manual_seed(ctx.seed)  # CPU only: torch.manual_seed also queues CUDA work
    params: list[tuple[str, torch.Tensor]] = []
    try:
        fn = entry
        if kind == "module":
            with guard():
                module = entry(*(case.init or ()))
            if state is None:
                if init_state is not None:  # the drill's own code: outside the guard
                    with torch.no_grad():
                        init_state(module, ctx)
                state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            else:
                problem = module.load_state_dict(state, strict=False)
                if problem.missing_keys or problem.unexpected_keys:
                    out.failure = ("your module's parameters differ from the stub's __init__ "
                                   f"(missing: {', '.join(problem.missing_keys) or '-'}; "
                                   f"unexpected: {', '.join(problem.unexpected_keys) or '-'}); keep __init__ as given")
                    return out
            module.to(device=ctx.device, dtype=ctx.dtype) if ctx.dtype else module.to(device=ctx.device)
            fn = module
            params = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        with guard():
            result = fn(*out.args, **out.kwargs)
        if observe is not None:  # the drill's own code: outside the guard
            result = observe(result, out.args, out.kwargs)
        out.output = result
        out.state = state
        out.leaves = [(n, v.detach() if isinstance(v, torch.Tensor) else v) for n, v in flatten(result)]
        if grad:
            _gradients(out, result, params, ctx, upstream, guard, param_names)
    except RecursionError as exc:
        out.error, out.failure = exc, f"infinite recursion (RecursionError){_where(exc, file)}"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the learner's code raised (or hit the guard): a result, not a bug here
        out.error, out.failure = exc, explain(exc, file, ctx.device)
    if not out.failure:
        names = dict(zip(range(len(case.args)), param_names))
        for i, original in enumerate(case.args):
            label = names.get(i, f"argument {i + 1}")
            for sub, tensor in _tensors(out.args[i], label):
                if not _same_exact(tensor.detach(), dict(_tensors(original, label))[sub].detach()):
                    out.failure = f"modified its input `{sub}` in place; treat inputs as read-only (clone first)"
                    break
        for key, original in case.kwargs.items():
            for sub, tensor in _tensors(out.kwargs[key], key):
                if not out.failure and not _same_exact(tensor.detach(), dict(_tensors(original, key))[sub].detach()):
                    out.failure = f"modified its input `{sub}` in place; treat inputs as read-only (clone first)"
    return out


def _gradients(out: Outcome, result, params, ctx: Ctx, upstream: dict | None, guard, param_names) -> None:
    outputs = [(n, v) for n, v in flatten(result) if isinstance(v, torch.Tensor) and v.is_floating_point()]
    if upstream is None:  # the reference decides which outputs carry gradient; one shared upstream gradient
        gen = torch.Generator().manual_seed(ctx.seed + 1)
        upstream = {n: torch.randn(v.shape, generator=gen, dtype=torch.float64).to(v.device)
                    for n, v in outputs if v.requires_grad}
    out.upstream = upstream
    names = dict(zip(range(len(out.args)), param_names))
    inputs = [(f"grad of {sub}", t) for i, a in enumerate(out.args) for sub, t in _tensors(a, names.get(i, f"argument {i + 1}"))
              if t.requires_grad and t.is_leaf]
    inputs += [(f"grad of {sub}", t) for k, a in out.kwargs.items() for sub, t in _tensors(a, k) if t.requires_grad and t.is_leaf]
    inputs += [(f"grad of {n}", p) for n, p in params]
    if not upstream or not inputs:
        return
    got = dict(outputs)
    if any(name in got and got[name].shape != g.shape for name, g in upstream.items()):
        return  # a wrong shape: the comparison of the outputs says so more clearly
    for name in upstream:
        if name not in got or not got[name].requires_grad:
            out.failure = (f"no gradient flows back through {name} (did you detach, use .data or .item(), "
                           "or leave torch?)")
            return
    loss = sum((got[n] * g.to(got[n].dtype)).sum() for n, g in upstream.items())
    with guard():
        grads = torch.autograd.grad(loss, [t for _, t in inputs], allow_unused=True)
    out.leaves += [(n, (g if g is not None else torch.zeros_like(t)).detach()) for (n, t), g in zip(inputs, grads)]


# ---------------------------------------------------------------- comparison


def _index(flat: int, shape) -> tuple:
    """torch.unravel_index in plain Python (torch's version imports torch.fx: a second per call)."""
    out = []
    for size in reversed(tuple(shape)):
        flat, rest = divmod(flat, size)
        out.append(rest)
    return tuple(reversed(out))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def tolerance_for(dtype, table: dict, grad: bool, grad_table: dict | None = None) -> tuple[float, float]:
    """(rtol, atol) from drill.yaml; gradients get GRAD_TOL_FACTOR times that, unless the drill's
    cases.py gives GRAD_TOLERANCE for the dtype."""
    name = str(dtype).replace("torch.", "")
    if grad and grad_table and name in grad_table:
        return tuple(grad_table[name])
    rtol, atol = table.get(name) or DEFAULT_TOL.get(dtype, (1e-5, 1e-6))
    return (rtol * GRAD_TOL_FACTOR, atol * GRAD_TOL_FACTOR) if grad else (rtol, atol)


def compare(name: str, got, want, table: dict, grad_table: dict | None = None) -> dict | None:
    """None if `got` matches `want`; else {message, max_abs_err, max_rel_err, mismatch_map}.

    Tensor subclasses are compared as plain tensors (their own formatting and operators stay out)."""
    if not isinstance(want, torch.Tensor):
        if isinstance(got, torch.Tensor):
            return {"message": f"{name} is a Tensor; expected a Python {type(want).__name__} ({want!r}); use .item()"}
        if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
            if abs(got - want) <= 1e-12 + 1e-9 * abs(want) or (got != got and want != want):
                return None
        elif type(got) is type(want) and got == want:
            return None
        return {"message": f"{name} is {describe(got)}; expected {describe(want)}"}
    if not isinstance(got, torch.Tensor):
        return {"message": f"{name} is {type(got).__name__} {describe(got)}; expected a Tensor {describe(want)}"}
    if got.shape != want.shape:
        return {"message": f"{name} has shape {tuple(got.shape)}; expected {tuple(want.shape)}"}
    if got.dtype != want.dtype:
        return {"message": f"{name} has dtype {str(got.dtype)[6:]}; expected {str(want.dtype)[6:]}"}
    if got.device != want.device:
        if want.device.type == "cuda" and got.device.type == "cpu":
            return {"message": f"device bug: {name} is on the CPU but the inputs are on {want.device} "
                               "(a tensor created inside your function without device=x.device?)"}
        return {"message": f"{name} is on {got.device}; expected {want.device}"}
    g = got.detach().cpu().as_subclass(torch.Tensor)
    w = want.detach().cpu().as_subclass(torch.Tensor)
    if not w.is_floating_point():
        bad = g != w
        if not bad.any():
            return None
        first = _index(int(bad.flatten().nonzero()[0]), w.shape)
        return {"message": f"{name}: {100 * float(bad.double().mean()):.1f}% of {w.numel()} values differ; first at index "
                           f"{first}: got {g[first].item()!r}, expected {w[first].item()!r}",
                "mismatch_map": mismatch_map(name, bad, first)}
    g, w = g.double(), w.double()
    wf, gf = torch.isfinite(w), torch.isfinite(g)
    broken = wf & ~gf
    if broken.any():
        first = _index(int(broken.flatten().nonzero()[0]), w.shape)
        kinds = "NaN" if g[broken].isnan().all() else "NaN/Inf"
        return {"message": f"{name} has {int(broken.sum())} {kinds} value(s) where the expected values are finite; "
                           f"first at index {first} (expected {_fmt(w[first].item())})",
                "mismatch_map": mismatch_map(name, broken, first)}
    rtol, atol = tolerance_for(want.dtype, table, name.startswith("grad of"), grad_table)
    # the trivial-output guard; skipped when the expected values are themselves within atol of 0
    # (a zero gradient computed by the reference holds rounding noise, not a pattern to miss)
    if w.numel() > 1 and g.numel() > 1 and wf.all() and float(w.abs().max()) > atol:
        if bool((g == g.flatten()[0]).all()) and not bool((w == w.flatten()[0]).all()):
            what = "all zeros" if g.flatten()[0] == 0 else f"constant (every value is {_fmt(g.flatten()[0].item())})"
            return {"message": f"{name} is {what}; the expected output is not"}
    special = ~wf & ~((g == w) | (g.isnan() & w.isnan()))
    diff = torch.where(wf & gf, (g - w).abs(), torch.zeros_like(w))
    bad = (diff > atol + rtol * w.abs()) | special
    if not bad.any():
        return None
    rel = diff / w.abs().clamp_min(1e-300)
    worst = _index(int(diff.flatten().argmax()), w.shape) if (bad & wf).any() else _index(int(bad.flatten().nonzero()[0]), w.shape)
    max_abs = float(diff.max())
    max_rel = float(rel[bad & wf].max()) if (bad & wf).any() else float("inf")
    return {"message": f"{name}: {100 * float(bad.double().mean()):.1f}% of {w.numel()} values differ beyond rtol={rtol:g}, "
                       f"atol={atol:g}; max abs error {max_abs:.3g} at index {worst} (got {_fmt(g[worst].item())}, "
                       f"expected {_fmt(w[worst].item())}); max rel error {max_rel:.3g}",
            "max_abs_err": _finite(max_abs), "max_rel_err": _finite(max_rel),
            "mismatch_map": mismatch_map(name, bad, worst, ~gf, bad & (w == 0))}


def _finite(x: float) -> float | None:
    """JSON has no inf or NaN: an unbounded error is reported as null (the message says why)."""
    return x if math.isfinite(x) else None


def mismatch_map(name: str, bad: torch.Tensor, worst: tuple, nonfinite: torch.Tensor | None = None,
                 leaked: torch.Tensor | None = None) -> dict | None:
    """The last two dims at the worst element's leading index: '!' NaN/Inf, '+' nonzero where 0 is
    expected (a mask leak draws its triangle with these), '#' another wrong value, '.' right."""
    if bad.dim() < 2:
        return None
    lead = worst[:-2]

    def at(t: torch.Tensor | None) -> torch.Tensor:
        return torch.zeros_like(grid) if t is None else (t[lead] if lead else t)

    grid = bad[lead] if lead else bad
    nan, leak = at(nonfinite), at(leaked)
    rows, cols = grid.shape
    step_r, step_c = max(1, -(-rows // MAP_SIZE)), max(1, -(-cols // MAP_SIZE))
    lines = []
    for r in range(0, rows, step_r):
        line = ""
        for c in range(0, cols, step_c):
            cell = (slice(r, r + step_r), slice(c, c + step_c))
            line += "!" if nan[cell].any() else "+" if leak[cell].any() else "#" if grid[cell].any() else "."
        lines.append(line)
    where = f"{name}[{', '.join(map(str, lead))}, :, :]" if lead else name
    scale = f", 1 cell = {step_r}x{step_c}" if step_r > 1 or step_c > 1 else ""
    return {"title": f"mismatch map of {where} (rows x columns = {rows} x {cols}{scale})", "rows": lines}


def compare_all(got: list, want: list, table: dict, grad_table: dict | None = None) -> dict | None:
    got_names = [n for n, _ in got]
    want_names = [n for n, _ in want]
    outputs = [n for n in want_names if not n.startswith("grad of")]
    got_outputs = [n for n in got_names if not n.startswith("grad of")]
    if got_outputs != outputs:
        return {"message": f"returned {len(got_outputs)} value(s) ({', '.join(got_outputs)}); "
                           f"expected {len(outputs)} ({', '.join(outputs)})"}
    values = dict(got)
    first = None
    for name, want_value in want:
        if name not in values:
            return {"message": f"missing {name}"}
        problem = compare(name, values[name], want_value, table, grad_table)
        if problem and first is None:
            first = problem
            if not problem.get("mismatch_map"):
                return first
        elif problem and problem.get("mismatch_map") and not name.startswith("grad of"):
            # the message names the first wrong output; the map shows the widest wrong grid
            # (for attention, the (Tq, Tk) weights, where a mask leak is a triangle)
            if _area(problem["mismatch_map"]) >= _area(first["mismatch_map"]):  # ties: the later, e.g. weights
                first["mismatch_map"] = problem["mismatch_map"]
    return first


def _area(grid: dict) -> int:
    return len(grid["rows"]) * len(grid["rows"][0]) if grid["rows"] else 0


# ---------------------------------------------------------------- the session


class Session:
    """One drill on one device and seed: cases built, references computed, learners graded."""

    def __init__(self, job: dict, device: str, seed: int, dtypes: list[str | None] | None = None):
        self.job = job
        self.device = device
        self.seed = seed
        drill_dir = Path(job["dir"])
        key = job["id"]
        self.reference = load_module(drill_dir / "reference.py", f"_llmprep_reference_{key}")
        self.cases_module = load_module(drill_dir / "cases.py", f"_llmprep_cases_{key}")
        for name in (f"_llmprep_reference_{key}", f"_llmprep_cases_{key}"):
            sys.modules.pop(name, None)
        self.entry = getattr(self.reference, job["entry"])
        self.observe = getattr(self.cases_module, "observe", None)
        self.check = getattr(self.cases_module, "check", None)
        self.init_state = getattr(self.cases_module, "init_state", None)
        self.grad_tolerance = getattr(self.cases_module, "GRAD_TOLERANCE", None)
        self._mistakes: list[Mistake] | None = None
        self._mistake_runs: dict[tuple[str, int], tuple[dict, Outcome]] = {}
        target = self.entry.forward if job["kind"] == "module" else self.entry
        self.param_names = [p for p in inspect.signature(target).parameters if p != "self"]
        if dtypes is None:
            dtypes = list(job["dtypes"]) + (list(job["cuda_dtypes"]) if device.startswith("cuda") else [])
        self.plan: list[tuple[Ctx, Case]] = []
        for dtype in dtypes or [None]:
            ctx = Ctx(dtype, device, case_seed(seed, dtype))
            for case in self.cases_module.cases(ctx):
                self.plan.append((ctx, case))
        self.expected = [self._run(self.entry, ctx, case) for ctx, case in self.plan]
        for (ctx, case), outcome in zip(self.plan, self.expected):
            if outcome.failure:
                raise RuntimeError(f"the reference fails on case {case.name} [{ctx.dtype_name}]: {outcome.failure}")

    def _run(self, entry, ctx: Ctx, case: Case, expected: Outcome | None = None, guard=nullcontext, file=None) -> Outcome:
        return evaluate(entry, case, ctx, kind=self.job["kind"], grad=self.job["grad"], observe=self.observe,
                        guard=guard, state=expected.state if expected else None,
                        upstream=expected.upstream if expected else None, file=file, param_names=self.param_names,
                        init_state=self.init_state)

    def mistakes(self) -> list[Mistake]:
        if self._mistakes is None:
            self._mistakes = list(self.cases_module.mistakes(self.reference))
        return self._mistakes

    def call_text(self, case: Case) -> str:
        parts = [describe(a) for a in case.args]
        names = self.param_names
        parts = [f"{names[i]}={p}" if i < len(names) else p for i, p in enumerate(parts)]
        parts += [f"{k}={describe(v)}" for k, v in case.kwargs.items()]
        head = self.job["entry"] + (f"({', '.join(map(describe, case.init or ()))})" if self.job["kind"] == "module" else "")
        return f"{head}({', '.join(parts)})"

    def grade_case(self, index: int, entry, guard=nullcontext, file=None) -> tuple[dict, Outcome]:
        ctx, case = self.plan[index]
        expected = self.expected[index]
        start = time.perf_counter()
        got = self._run(entry, ctx, case, expected, guard, file)
        result = {"name": case.name, "kind": case.kind if case.kind in KINDS else "hidden", "dtype": ctx.dtype_name,
                  "call": self.call_text(case), "note": case.note, "seed": self.seed}
        problem = {"message": got.failure} if got.failure else \
            compare_all(got.leaves, expected.leaves, self.job["tolerance"], self.grad_tolerance)
        if problem is None and self.check is not None:
            got.checked = self.check(got.output, got.args, got.kwargs) or ""
            problem = {"message": got.checked} if got.checked else None
        result["duration_s"] = round(time.perf_counter() - start, 4)
        if got.error is not None and file:
            frames = [f for f in traceback.extract_tb(got.error.__traceback__) if f.filename == file]
            result["traceback"] = "".join(traceback.format_list(frames[-5:])) + \
                "".join(traceback.format_exception_only(got.error)).strip()
        result["status"] = "fail" if problem else "pass"
        if problem and got.failure and got.error is not None and _fatal(got.error, got.failure):
            result["status"] = "error"  # the run broke down rather than computing a wrong answer
        if problem:
            result.update(problem)
        return result, got

    def grade_mistake(self, mistake: Mistake, index: int) -> tuple[dict, Outcome]:
        """grade_case for a known mistake, computed once per session (dev check and diagnosis share it)."""
        key = (mistake.key, index)
        if key not in self._mistake_runs:
            self._mistake_runs[key] = self.grade_case(index, mistake.impl)
        return self._mistake_runs[key]

    def diagnose(self, failing: list[tuple[int, Outcome]], passed: list[int] | None = None) -> dict | None:
        """The known mistake that behaves like the learner's code where it fails.

        Only a mistake that itself fails a case can explain that case. The mistake matching the
        learner (same outputs and gradients within tolerance, same failure, same check verdict) on
        the most failing cases wins; a tie goes to the one that fails fewer of the cases the learner
        passes (`passed`; default: the cases not in `failing`), and only then to list order.
        """
        failing = [(i, o) for i, o in failing if o.leaves]  # a crash has nothing to compare
        if not failing:
            return None
        if passed is None:
            done = {i for i, _ in failing}
            passed = [i for i in range(len(self.plan)) if i not in done]
        scored = []
        for order, mistake in enumerate(self.mistakes()):
            matched = 0
            for index, got in failing:
                result, theirs = self.grade_mistake(mistake, index)
                if result["status"] != "pass" and self._same_behaviour(got, theirs):
                    matched += 1
            if matched:
                scored.append([-matched, 0, order, mistake])
        if not scored:
            return None
        scored.sort(key=lambda s: s[:3])
        tied = [s for s in scored if s[0] == scored[0][0]]
        if len(tied) > 1:
            for entry in tied:
                entry[1] = sum(self.grade_mistake(entry[3], i)[0]["status"] != "pass" for i in passed)
            tied.sort(key=lambda s: s[:3])
        best = tied[0][3]
        return {"key": best.key, "message": best.message}

    def _same_behaviour(self, got: Outcome, theirs: Outcome) -> bool:
        if got.failure != theirs.failure or got.checked != theirs.checked or not theirs.leaves:
            return False
        return compare_all(got.leaves, theirs.leaves, self.job["tolerance"], self.grad_tolerance) is None


class _CommentedOutput(doctest.OutputChecker):
    """Docstring examples may annotate their output with `# why`; compare without it."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        want = "".join(re.sub(r"\s+#.*$", "", line) + "\n" for line in want.splitlines())
        return super().check_output(want, got, optionflags)


def check_examples(module, rel: str) -> list[str]:
    """Run the `>>>` examples of a reference's docstring (the stub shows them): what they print must hold."""
    if ">>>" not in (module.__doc__ or ""):
        return []
    problems: list[str] = []

    class Runner(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            problems.append(f"{rel}:{test.lineno + example.lineno + 1}: the docstring example `{example.source.strip()}` "
                            f"prints {got.strip()!r}, not {example.want.strip()!r}")

        def report_unexpected_exception(self, out, test, example, exc_info):
            problems.append(f"{rel}:{test.lineno + example.lineno + 1}: the docstring example "
                            f"`{example.source.strip()}` raises {exc_info[1]!r}")

    runner = Runner(checker=_CommentedOutput(), optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(recurse=False).find(module, rel, globs={"torch": torch, **vars(module)}):
        runner.run(test, out=lambda text: None)
    return problems
