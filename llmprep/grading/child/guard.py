"""The forbidden-API guard of the learner's process, below the Python namespace.

A TorchFunctionMode sees every torch function, Tensor method and `torch.ops.*` call by the name of
the op it reaches, and a TorchDispatchMode sees the aten ops they dispatch to (so an alias, a
`getattr`, `torch.ops.aten._softmax` or `torch._C._nn.gelu` is the same op). Pure-Python APIs
(torch.nn.utils.clip_grad_norm_, classes such as torch.nn.MultiheadAttention) get their code
replaced in this process for good: nothing keeps or exposes the original. An audit hook names a
read of the references (the Landlock sandbox already makes them unreadable) and refuses to start
processes (`cat reference.py`).
"""

from __future__ import annotations

import builtins
import os
import sys
import types
from contextlib import ExitStack, contextmanager
from importlib import import_module

from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

# what a forbidden API dispatches to, measured with torch 2.x on CPU (tests/grading/test_guard_ops.py)
ALIASES = {
    "softmax": {"softmax", "_softmax", "special_softmax", "_safe_softmax"},
    "log_softmax": {"log_softmax", "_log_softmax", "special_log_softmax"},
    "scaled_dot_product_attention": {"scaled_dot_product_attention", "_scaled_dot_product_*", "_fused_sdp_choice"},
    "multi_head_attention_forward": {"multi_head_attention_forward", "_native_multi_head_attention"},
    "layer_norm": {"layer_norm", "native_layer_norm"},
    "native_layer_norm": {"layer_norm", "native_layer_norm"},
    "rms_norm": {"rms_norm", "_fused_rms_norm"},
    "gelu": {"gelu"},
    "cross_entropy": {
        "cross_entropy",
        "cross_entropy_loss",
        "nll_loss",
        "nll_loss_forward",
        "nll_loss_nd",
        "nll_loss2d",
        "nll_loss2d_forward",
    },
    "nll_loss": {"nll_loss", "nll_loss_forward", "nll_loss_nd", "nll_loss2d", "nll_loss2d_forward"},
    "kl_div": {"kl_div"},
    "quantize_per_tensor": {"quantize_per_tensor", "quantize_per_tensor_dynamic"},
    "quantize_per_channel": {"quantize_per_channel"},
    "fake_quantize_per_tensor_affine": {
        "fake_quantize_per_tensor_affine",
        "fake_quantize_per_tensor_affine_cachemask",
        "_fake_quantize_per_tensor_affine_cachemask_tensor_qparams",
    },
    "fake_quantize_per_channel_affine": {
        "fake_quantize_per_channel_affine",
        "fake_quantize_per_channel_affine_cachemask",
    },
}


PROCESS_EVENTS = {
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
    "os.startfile",
}


class Forbidden(BaseException):
    """Raised inside the learner's code; a BaseException so that `except Exception` cannot hide it."""

    hits: list[str] = []

    def __init__(self, what: str):
        super().__init__(what)
        Forbidden.hits.append(what)


def op_names(forbidden: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(exact op name -> the forbidden API, name prefix -> the forbidden API) for the modes."""
    exact, prefix = {}, {}
    for dotted in forbidden:
        last = dotted.rsplit(".", 1)[-1]
        for name in ALIASES.get(last, set()) | {last, last.strip("_")}:
            (prefix if name.endswith("*") else exact).setdefault(name.rstrip("*"), dotted)
    return exact, prefix


def _match(name: str, exact: dict, prefix: dict) -> str | None:
    base = name.split(".")[0]
    hit = exact.get(base) or exact.get(base.strip("_"))
    if hit:
        return hit
    return next((api for p, api in prefix.items() if base.startswith(p)), None)


class _FunctionGuard(TorchFunctionMode):
    def __init__(self, guard: "Guard"):
        super().__init__()
        self.guard = guard

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if self.guard.enabled:
            hit = _match(getattr(func, "__name__", ""), *self.guard.ops)
            if hit:
                raise Forbidden(hit)
        return func(*args, **(kwargs or {}))


class _DispatchGuard(TorchDispatchMode):
    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False  # torch would import torch._dynamo (seconds) to wrap __torch_dispatch__; nothing compiles here

    def __init__(self, guard: "Guard"):
        super().__init__()
        self.guard = guard

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if self.guard.enabled:
            hit = _match(func.overloadpacket.__name__, *self.guard.ops)
            if hit:
                raise Forbidden(f"{hit} (as torch.ops.aten.{func.overloadpacket.__name__})")
        return func(*args, **(kwargs or {}))


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            owner = getattr(owner, name)
        return owner
    raise LookupError(dotted)


def _stub_code(fn: types.FunctionType, dotted: str) -> types.CodeType:
    """A code object with `fn`'s free variables that raises Forbidden(dotted)."""
    free = fn.__code__.co_freevars
    lines = ["def outer():"] + [f"    {v} = None" for v in free] + ["    def stub(*args, **kwargs):"]
    if free:
        lines.append("        " + ", ".join(free))
    lines += [f"        raise __llmprep_forbidden__({dotted!r})", "    return stub"]
    namespace: dict = {}
    exec("\n".join(lines), namespace)  # noqa: S102 - a fixed template, the name is a repr
    return namespace["outer"]().__code__


def _replace_code(fn: types.FunctionType, dotted: str) -> None:
    """`fn` raises Forbidden from now on; what it wrapped (closure cells, __wrapped__) is let go."""
    try:
        fn.__code__ = _stub_code(fn, dotted)
    except ValueError:
        return  # free variables that do not line up: the modes and the static scan remain
    for cell in fn.__closure__ or ():
        cell.cell_contents = None
    for attr in ("__wrapped__", "__wrapped_original__"):
        if attr in vars(fn):
            delattr(fn, attr)


def _stub_init(dotted: str):
    def __init__(self, *args, **kwargs):
        raise Forbidden(dotted)

    return __init__


class Guard:
    """Install once in the learner's process; `on()` around each call of the learner's code.

    `replace_code=False` (the grader's own self-check) leaves pure-Python APIs alone."""

    def __init__(self, forbidden: list[str], protected: list[str], replace_code: bool = True):
        self.forbidden = list(forbidden)
        self.protected = [os.path.realpath(p) for p in protected]
        self.replace_code = replace_code
        self.enabled = False
        self.ops = op_names(self.forbidden)
        self._modes = (_FunctionGuard(self), _DispatchGuard(self))

    @property
    def violations(self) -> list[str]:
        return Forbidden.hits

    def install(self) -> None:
        builtins.__llmprep_forbidden__ = Forbidden
        if self.replace_code:
            for dotted in self.forbidden:
                try:
                    obj = _resolve(dotted)
                except (LookupError, AttributeError):
                    continue  # not in this torch version: the static scan still reports it
                if isinstance(obj, type):
                    obj.__init__ = _stub_init(dotted)
                elif isinstance(obj, types.FunctionType):
                    _replace_code(obj, dotted)
        sys.addaudithook(self._audit)

    def _audit(self, event: str, args: tuple) -> None:
        if not self.enabled:
            return
        if event in PROCESS_EVENTS:
            self.enabled = False
            try:
                raise Forbidden("starting a process (a drill computes with tensors; `cat` and friends are off limits)")
            finally:
                self.enabled = True
        if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        try:
            path = os.path.realpath(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            return
        if any(path == p or path.startswith(p + os.sep) for p in self.protected):
            self.enabled = False  # the hook runs again for our own bookkeeping
            try:
                raise Forbidden("reading the grader's files (the references, the bank or the progress store)")
            finally:
                self.enabled = True

    def intact(self) -> bool:
        """Whether both modes are still on the mode stacks (a learner may pop them)."""
        from torch.overrides import _get_current_function_mode_stack
        from torch.utils._python_dispatch import _get_current_dispatch_mode_stack

        return any(m is self._modes[0] for m in _get_current_function_mode_stack()) and any(
            m is self._modes[1] for m in _get_current_dispatch_mode_stack()
        )

    @contextmanager
    def on(self):
        modes = ExitStack()
        modes.enter_context(self._modes[0])
        modes.enter_context(self._modes[1])
        self.enabled = True
        clean = False
        try:
            yield
            clean = True
        finally:
            self.enabled = False
            intact = self.intact()
            try:
                modes.close()
            except RuntimeError:  # a mode the learner popped cannot be popped again
                intact = False
            if not intact:
                tampered = Forbidden("popping the grader's guard off torch's mode stacks")  # recorded either way
                if clean:
                    raise tampered
