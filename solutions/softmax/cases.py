import torch

from llmprep.grading.api import Case, Mistake

RTOL = {torch.float32: 1.0e-5, torch.float64: 1.0e-10}  # drill.yaml's rtol, where tol_scale applies


def _tol_scale(ctx, x):
    """Case.tol_scale for inputs of large magnitude.

    Any valid softmax subtracts a shift c of the size of the inputs (the max, or logsumexp(x) as in
    exp(x - logsumexp(x))). When c is not the max it is rounded, and so is x - c: up to eps * |x|
    absolute error in the exponent, which exp turns into the same relative error of every output
    (x near 1e3 in float32: ~1.2e-4, ten times rtol 1e-5). The gradient y * (g - sum(y g)) carries
    that error twice, and where y is near 1 it cancels: allow 8 eps |x| relative (2 terms, 2 roundings,
    2x margin; measured worst over 40 seeds of exp(x - logsumexp(x)): about half of it). Half types
    keep their tolerance: a rounded logsumexp is off by whole units there, the output no distribution.
    """
    if ctx.dtype not in RTOL:
        return 1.0
    magnitude = float(x[x.isfinite()].abs().max())
    return max(1.0, 8 * torch.finfo(ctx.dtype).eps * magnitude / RTOL[ctx.dtype])


def cases(ctx):
    with_inf = ctx.randn(3, 6)
    with_inf[0, 2] = with_inf[2, 0] = with_inf[2, 5] = float("-inf")
    example = ctx.tensor([[1.0, 2.0, 3.0], [1000.0, 1000.0, float("-inf")]])
    large = 100 * ctx.randn(4, 9) + 1e3  # exp(1e3) overflows float32 and float64 alike
    negative = ctx.randn(3, 5) - 1e3  # exp(-1e3) underflows both to 0
    return [
        Case("example", (example,), {"dim": -1}, kind="example", tol_scale=_tol_scale(ctx, example)),
        Case("rows", (ctx.randn(4, 7),)),
        Case("size 1", (ctx.randn(1),)),
        Case("one long vector", (ctx.randn(33),)),
        Case("batched, last dim", (ctx.randn(2, 3, 5),)),
        Case("dim=0", (ctx.randn(5, 3),), {"dim": 0}, note="normalise the columns"),
        Case("dim=1 of three", (ctx.randn(2, 6, 3),), {"dim": 1}),
        Case(
            "large magnitudes",
            (large,),
            kind="edge",
            note="inputs near 1e3: exp overflows",
            tol_scale=_tol_scale(ctx, large),
        ),
        Case(
            "very negative rows",
            (negative,),
            {"dim": -1},
            kind="edge",
            note="every input near -1e3: exp underflows to 0",
            tol_scale=_tol_scale(ctx, negative),
        ),
        Case("-inf entries", (with_inf,), kind="edge", note="-inf gets probability 0"),
        Case("ties", (torch.zeros_like(ctx.randn(2, 4)),), kind="edge", note="equal inputs give a uniform row"),
    ]


def mistakes(ref):
    def unstable(x, dim=-1):
        e = x.exp()
        return e / e.sum(dim=dim, keepdim=True)

    def ignores_dim(x, dim=-1):
        return ref.softmax(x, dim=-1)

    def global_max(x, dim=-1):
        e = (x - x.max()).exp()
        return e / e.sum(dim=dim, keepdim=True)

    def sums_everything(x, dim=-1):
        e = (x - x.amax(dim=dim, keepdim=True)).exp()
        return e / e.sum()

    return [
        Mistake(
            "unstable",
            "exp without subtracting the max first: large inputs overflow to inf, and inf/inf is NaN",
            unstable,
        ),
        Mistake("ignores_dim", "always normalises the last dim: the `dim` argument is ignored", ignores_dim),
        Mistake(
            "global_max",
            "subtracts one global max instead of the max of each row: rows far below it underflow to 0/0",
            global_max,
        ),
        Mistake(
            "sums_everything",
            "divides by the sum over the whole tensor instead of the sum along `dim`",
            sums_everything,
        ),
    ]
