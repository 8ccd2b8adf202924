import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    with_inf = ctx.randn(3, 6)
    with_inf[0, 2] = with_inf[2, 0] = with_inf[2, 5] = float("-inf")
    return [
        Case("example", (ctx.tensor([[1.0, 2.0, 3.0], [1000.0, 1000.0, float("-inf")]]),), {"dim": -1}, kind="example"),
        Case("rows", (ctx.randn(4, 7),)),
        Case("size 1", (ctx.randn(1),)),
        Case("one long vector", (ctx.randn(33),)),
        Case("batched, last dim", (ctx.randn(2, 3, 5),)),
        Case("dim=0", (ctx.randn(5, 3),), {"dim": 0}, note="normalise the columns"),
        Case("dim=1 of three", (ctx.randn(2, 6, 3),), {"dim": 1}),
        Case("large magnitudes", (1000 * ctx.randn(4, 9) + 1e4,), kind="edge", note="inputs near 1e4: exp overflows"),
        Case("very negative rows", (ctx.randn(3, 5) - 1e4,), {"dim": -1}, kind="edge",
             note="every input near -1e4: exp underflows to 0"),
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
        Mistake("unstable", "exp without subtracting the max first: large inputs overflow to inf, and inf/inf is NaN",
                unstable),
        Mistake("ignores_dim", "always normalises the last dim: the `dim` argument is ignored", ignores_dim),
        Mistake("global_max", "subtracts one global max instead of the max of each row: rows far below it "
                              "underflow to 0/0", global_max),
        Mistake("sums_everything", "divides by the sum over the whole tensor instead of the sum along `dim`",
                sums_everything),
    ]
