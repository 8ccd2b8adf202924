"""One call of an entry point on a request's inputs: outputs, gradients, the inputs afterwards and
what went wrong, as a CallReply of facts. The learner's process runs it on the learner's code; the
grader runs the very same function on the reference and on each known mistake, in its own process.
Nothing here knows the expected values.
"""

from __future__ import annotations

import re
import time
import traceback
from contextlib import nullcontext
from pathlib import Path

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from .wire import TENSOR_DTYPES, CallReply, CallRequest, ErrorInfo


class Largest(TorchDispatchMode):
    """The largest tensor any op creates (views of existing storage do not count)."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # torch would import torch._dynamo (seconds) to wrap __torch_dispatch__; nothing compiles here

    def __init__(self):
        super().__init__()
        self.numel = -1
        self.shape: tuple[int, ...] | None = None

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        known = set()
        for a in list(args) + list((kwargs or {}).values()):
            for t in a if isinstance(a, (list, tuple)) else (a,):
                if isinstance(t, torch.Tensor):
                    known.add(t.untyped_storage().data_ptr())
        for t in out if isinstance(out, (list, tuple)) else (out,):
            if isinstance(t, torch.Tensor) and t.numel() > self.numel and t.untyped_storage().data_ptr() not in known:
                self.numel, self.shape = t.numel(), tuple(t.shape)
        return out


def tensors_in(obj, name: str):
    """(name, tensor) for every tensor inside nested args/kwargs."""
    if isinstance(obj, torch.Tensor):
        yield name, obj
    elif isinstance(obj, (list, tuple)):
        for i, o in enumerate(obj):
            yield from tensors_in(o, f"{name}[{i}]")
    elif isinstance(obj, dict):
        for k, o in obj.items():
            yield from tensors_in(o, f"{name}[{k!r}]")


def flatten(obj, name: str = "output") -> list[tuple[str, object]]:
    if isinstance(obj, (list, tuple)):
        return [leaf for i, o in enumerate(obj) for leaf in flatten(o, f"{name}[{i}]")]
    if isinstance(obj, dict):
        return [leaf for k, o in obj.items() for leaf in flatten(o, f"{name}[{k!r}]")]
    return [(name, obj)]


def clone(obj, every_float: bool):
    """A detached copy that keeps requires_grad and a leaf's `.grad`; with `every_float`, every
    floating tensor also requires grad."""
    if isinstance(obj, torch.Tensor):
        copy = obj.detach().clone()
        wants = obj.requires_grad or (every_float and copy.is_floating_point())
        if isinstance(obj, torch.nn.Parameter):
            copy = torch.nn.Parameter(copy, requires_grad=obj.requires_grad)
        elif wants:
            copy.requires_grad_(True)
        if obj.is_leaf and obj.grad is not None:
            copy.grad = obj.grad.detach().clone()
        return copy
    if isinstance(obj, (list, tuple)):
        return type(obj)(clone(o, every_float) for o in obj)
    if isinstance(obj, dict):
        return {k: clone(v, every_float) for k, v in obj.items()}
    return obj


def error_info(exc: BaseException, file: str | None) -> ErrorInfo:
    text = str(exc).strip()
    first = text.splitlines()[0][:300] if text else ""
    lower = text.lower()
    if isinstance(exc, NotImplementedError):
        category = "not_implemented"
    elif isinstance(exc, MemoryError) or "can't allocate memory" in lower or "out of memory" in lower:
        category = "memory"
        size = re.search(r"allocate (\d+) bytes", text)
        first = size.group(0) if size else first
    elif isinstance(exc, SystemExit):
        category, first = "exit", str(exc.code)[:300]
    elif isinstance(exc, RecursionError):
        category = "recursion"
    elif "leaf Variable that requires grad" in text or "modified by an inplace operation" in text:
        category = "inplace"
    elif "same device" in text or "two devices" in text:
        category = "device"
    else:
        category = "other"
    info = ErrorInfo(type(exc).__name__[:100], first, category)
    if file:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == file]
        if frames:
            info.lineno, info.line = frames[-1].lineno, (frames[-1].line or "").strip()
            info.traceback = (
                "".join(traceback.format_list(frames[-5:]))
                + "".join(traceback.format_exception_only(type(exc), exc)).strip()
            )[:4000]
    return info


def run_call(
    entry,
    req: CallRequest,
    *,
    kind: str,
    device: str,
    guard=nullcontext,
    file: str | None = None,
    init_state=None,
    ctx=None,
) -> CallReply:
    """Call `entry` on clones of the request's inputs. `init_state(module, ctx)` (trusted runs of the
    reference only) sets the module's values before its state_dict is taken."""
    reply = CallReply(args=clone(tuple(req.args), req.every_float), kwargs=clone(dict(req.kwargs), req.every_float))
    torch.default_generator.manual_seed(req.seed)  # CPU only: torch.manual_seed also queues CUDA work
    measure = req.measure
    largest = Largest() if measure else nullcontext()
    started = time.perf_counter()
    params: list[tuple[str, torch.Tensor]] = []
    try:
        fn = entry
        if kind == "module":
            with guard():
                module = entry(*(req.init or ()))
            reply.requires_grad = {n: bool(p.requires_grad) for n, p in module.named_parameters()}
            if req.state is None:
                if init_state is not None:
                    with torch.no_grad():
                        init_state(module, ctx)
                reply.state = {k: v.detach().clone() for k, v in module.state_dict().items()}
            else:
                problem = module.load_state_dict(req.state, strict=False)
                if problem.missing_keys or problem.unexpected_keys:
                    reply.state_problem = (
                        f"missing: {', '.join(problem.missing_keys) or '-'}; "
                        f"unexpected: {', '.join(problem.unexpected_keys) or '-'}"
                    )
                    return reply
            module.to(device=device, dtype=TENSOR_DTYPES[req.dtype]) if req.dtype else module.to(device=device)
            fn = module
            params = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        with guard(), largest:
            result = fn(*reply.args, **reply.kwargs)
        reply.output = result
        if measure and largest.shape is not None:
            reply.largest = largest.shape
        if req.grad:
            _gradients(reply, req, result, params, guard)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - whatever the called code raised is a result, not a bug here
        reply.error = error_info(exc, file)
    reply.duration_s = round(time.perf_counter() - started, 4)
    return reply


def _gradients(reply: CallReply, req: CallRequest, result, params, guard) -> None:
    outputs = [(n, v) for n, v in flatten(result) if isinstance(v, torch.Tensor) and v.is_floating_point()]
    upstream = req.upstream
    if upstream is None:  # the reference decides which outputs carry gradient; one shared upstream gradient
        gen = torch.Generator().manual_seed(req.seed + 1)
        upstream = {
            n: torch.randn(v.shape, generator=gen, dtype=torch.float64).to(v.device)
            for n, v in outputs
            if v.requires_grad
        }
    reply.upstream = upstream
    names = dict(enumerate(req.param_names))
    inputs = [
        (f"grad of {sub}", t)
        for i, a in enumerate(reply.args)
        for sub, t in tensors_in(a, names.get(i, f"argument {i + 1}"))
        if t.requires_grad and t.is_leaf
    ]
    inputs += [
        (f"grad of {sub}", t)
        for k, a in reply.kwargs.items()
        for sub, t in tensors_in(a, k)
        if t.requires_grad and t.is_leaf
    ]
    inputs += [(f"grad of {n}", p) for n, p in params]
    if not upstream or not inputs:
        return
    got = dict(outputs)
    if any(name in got and got[name].shape != g.shape for name, g in upstream.items()):
        return  # a wrong shape: the comparison of the outputs says so more clearly
    for name in upstream:
        if name not in got or not got[name].requires_grad:
            reply.no_grad_through = name
            return
    loss = sum((got[n] * g.to(device=got[n].device, dtype=got[n].dtype)).sum() for n, g in upstream.items())
    with guard():
        grads = torch.autograd.grad(loss, [t for _, t in inputs], allow_unused=True)
    reply.grads = [(n, (g if g is not None else torch.zeros_like(t)).detach()) for (n, t), g in zip(inputs, grads)]


def load_file(path: Path, name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
