"""Does a learner's value match the reference's? Shape, dtype, device, NaN/Inf, then values within
the drill's tolerances (scaled per case), a guard against trivial outputs, and a mismatch map that
draws where the wrong values are. Runs on the trusted side only."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

DEFAULT_TOL = {
    torch.float64: (1e-10, 1e-12),
    torch.float32: (1e-5, 1e-6),
    torch.bfloat16: (2e-2, 2e-2),
    torch.float16: (2e-3, 2e-3),
}
GRAD_TOL_FACTOR = 10.0  # gradients go through more arithmetic than the forward pass
MAP_SIZE = 16


@dataclass
class Mismatch:
    """Why a value differs from the expected one."""

    message: str
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    mismatch_map: dict | None = None  # {"title": str, "rows": [str]}


def describe(value) -> str:
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).replace("torch.", "")
        where = "" if value.device.type == "cpu" else f" on {value.device}"
        return f"{dtype}[{', '.join(map(str, value.shape))}]{where}"
    if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
        return f"[{len(value)} tensors]" if isinstance(value, list) else f"({len(value)} tensors)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def same_exact(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.is_floating_point() or a.is_complex():
        return bool(
            torch.equal(torch.nan_to_num(a, nan=0.5), torch.nan_to_num(b, nan=0.5))
            and torch.equal(a.isnan(), b.isnan())
        )
    return bool(torch.equal(a, b))


def _index(flat: int, shape) -> tuple:
    """torch.unravel_index in plain Python (torch's version imports torch.fx: a second per call)."""
    out = []
    for size in reversed(tuple(shape)):
        flat, rest = divmod(flat, size)
        out.append(rest)
    return tuple(reversed(out))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def tolerance_for(
    dtype, table: dict, grad: bool, grad_table: dict | None = None, scale: float = 1.0
) -> tuple[float, float]:
    """(rtol, atol) from drill.yaml; gradients get GRAD_TOL_FACTOR times that, unless the drill's
    cases.py gives GRAD_TOLERANCE for the dtype. A case's tol_scale multiplies both."""
    name = str(dtype).replace("torch.", "")
    if grad and grad_table and name in grad_table:
        rtol, atol = grad_table[name]
    else:
        rtol, atol = table.get(name) or DEFAULT_TOL.get(dtype, (1e-5, 1e-6))
        if grad:
            rtol, atol = rtol * GRAD_TOL_FACTOR, atol * GRAD_TOL_FACTOR
    return rtol * scale, atol * scale


def compare(
    name: str, got, want, table: dict, grad_table: dict | None = None, scale: float = 1.0, maps: bool = True
) -> Mismatch | None:
    """None if `got` matches `want`; else why not (with a mismatch map unless `maps` is False).

    Tensor subclasses are compared as plain tensors (their own formatting and operators stay out)."""
    if not isinstance(want, torch.Tensor):
        if isinstance(got, torch.Tensor):
            return Mismatch(f"{name} is a Tensor; expected a Python {type(want).__name__} ({want!r}); use .item()")
        if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
            if abs(got - want) <= 1e-12 + 1e-9 * abs(want) or (got != got and want != want):
                return None
        elif type(got) is type(want) and got == want:
            return None
        return Mismatch(f"{name} is {describe(got)}; expected {describe(want)}")
    if not isinstance(got, torch.Tensor):
        return Mismatch(f"{name} is {type(got).__name__} {describe(got)}; expected a Tensor {describe(want)}")
    if got.shape != want.shape:
        return Mismatch(f"{name} has shape {tuple(got.shape)}; expected {tuple(want.shape)}")
    if got.dtype != want.dtype:
        return Mismatch(f"{name} has dtype {str(got.dtype)[6:]}; expected {str(want.dtype)[6:]}")
    if got.device != want.device:
        if want.device.type == "cuda" and got.device.type == "cpu":
            return Mismatch(
                f"device bug: {name} is on the CPU but the inputs are on {want.device} "
                "(a tensor created inside your function without device=x.device?)"
            )
        return Mismatch(f"{name} is on {got.device}; expected {want.device}")
    g = got.detach().cpu().as_subclass(torch.Tensor)
    w = want.detach().cpu().as_subclass(torch.Tensor)
    if not w.is_floating_point():
        bad = g != w
        if not bad.any():
            return None
        first = _index(int(bad.flatten().nonzero()[0]), w.shape)
        return Mismatch(
            f"{name}: {100 * float(bad.double().mean()):.1f}% of {w.numel()} values differ; first at "
            f"index {first}: got {g[first].item()!r}, expected {w[first].item()!r}",
            mismatch_map=mismatch_map(name, bad, first) if maps else None,
        )
    g, w = g.double(), w.double()
    wf, gf = torch.isfinite(w), torch.isfinite(g)
    broken = wf & ~gf
    if broken.any():
        first = _index(int(broken.flatten().nonzero()[0]), w.shape)
        kinds = "NaN" if g[broken].isnan().all() else "NaN/Inf"
        return Mismatch(
            f"{name} has {int(broken.sum())} {kinds} value(s) where the expected values are finite; "
            f"first at index {first} (expected {_fmt(w[first].item())})",
            mismatch_map=mismatch_map(name, broken, first) if maps else None,
        )
    rtol, atol = tolerance_for(want.dtype, table, name.startswith("grad of"), grad_table, scale)
    # the trivial-output guard; skipped when the expected values are themselves within atol of 0
    # (a zero gradient computed by the reference holds rounding noise, not a pattern to miss)
    if w.numel() > 1 and g.numel() > 1 and wf.all() and float(w.abs().max()) > atol:
        if bool((g == g.flatten()[0]).all()) and not bool((w == w.flatten()[0]).all()):
            what = "all zeros" if g.flatten()[0] == 0 else f"constant (every value is {_fmt(g.flatten()[0].item())})"
            return Mismatch(f"{name} is {what}; the expected output is not")
    special = ~wf & ~((g == w) | (g.isnan() & w.isnan()))
    diff = torch.where(wf & gf, (g - w).abs(), torch.zeros_like(w))
    bad = (diff > atol + rtol * w.abs()) | special
    if not bad.any():
        return None
    rel = diff / w.abs().clamp_min(1e-300)
    worst = (
        _index(int(diff.flatten().argmax()), w.shape)
        if (bad & wf).any()
        else _index(int(bad.flatten().nonzero()[0]), w.shape)
    )
    max_abs = float(diff.max())
    max_rel = float(rel[bad & wf].max()) if (bad & wf).any() else float("inf")
    return Mismatch(
        f"{name}: {100 * float(bad.double().mean()):.1f}% of {w.numel()} values differ beyond "
        f"rtol={rtol:g}, atol={atol:g}; max abs error {max_abs:.3g} at index {worst} "
        f"(got {_fmt(g[worst].item())}, expected {_fmt(w[worst].item())}); max rel error {max_rel:.3g}",
        _finite(max_abs),
        _finite(max_rel),
        mismatch_map(name, bad, worst, ~gf, bad & (w == 0)) if maps else None,
    )


def _finite(x: float) -> float | None:
    """JSON has no inf or NaN: an unbounded error is reported as null (the message says why)."""
    return x if math.isfinite(x) else None


def mismatch_map(
    name: str,
    bad: torch.Tensor,
    worst: tuple,
    nonfinite: torch.Tensor | None = None,
    leaked: torch.Tensor | None = None,
) -> dict | None:
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

    def cells(t: torch.Tensor) -> torch.Tensor:  # any() over each step_r x step_c block
        padded = torch.zeros(-(-rows // step_r) * step_r, -(-cols // step_c) * step_c, dtype=torch.bool)
        padded[:rows, :cols] = t
        return padded.reshape(padded.shape[0] // step_r, step_r, padded.shape[1] // step_c, step_c).any(3).any(1)

    chars = torch.where(cells(nan), 3, torch.where(cells(leak), 2, torch.where(cells(grid), 1, 0)))
    lines = ["".join(".#+!"[v] for v in row) for row in chars.tolist()]
    where = f"{name}[{', '.join(map(str, lead))}, :, :]" if lead else name
    scale = f", 1 cell = {step_r}x{step_c}" if step_r > 1 or step_c > 1 else ""
    return {"title": f"mismatch map of {where} (rows x columns = {rows} x {cols}{scale})", "rows": lines}


def compare_all(
    got: list, want: list, table: dict, grad_table: dict | None = None, scale: float = 1.0, maps: bool = True
) -> Mismatch | None:
    """The first wrong value of `got` (outputs, then gradients), with the widest mismatch map."""
    got_names = [n for n, _ in got]
    want_names = [n for n, _ in want]
    outputs = [n for n in want_names if not n.startswith("grad of")]
    got_outputs = [n for n in got_names if not n.startswith("grad of")]
    if got_outputs != outputs:
        return Mismatch(
            f"returned {len(got_outputs)} value(s) ({', '.join(got_outputs)}); "
            f"expected {len(outputs)} ({', '.join(outputs)})"
        )
    values = dict(got)
    first = None
    for name, want_value in want:
        if name not in values:
            return Mismatch(f"missing {name}")
        problem = compare(name, values[name], want_value, table, grad_table, scale, maps)
        if problem and first is None:
            first = problem
            if not problem.mismatch_map:
                return first
        elif problem and problem.mismatch_map and not name.startswith("grad of"):
            # the message names the first wrong output; the map shows the widest wrong grid
            # (for attention, the (Tq, Tk) weights, where a mask leak is a triangle)
            if _area(problem.mismatch_map) >= _area(first.mismatch_map):  # ties: the later, e.g. weights
                first.mismatch_map = problem.mismatch_map
    return first


def _area(grid: dict | None) -> int:
    return len(grid["rows"]) * len(grid["rows"][0]) if grid and grid["rows"] else 0
