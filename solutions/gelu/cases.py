import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    t = lambda *v: torch.tensor(v, dtype=ctx.dtype, device=ctx.device)
    return [
        Case("example", (t(-1.0, 0.0, 1.0, 2.0),), kind="example"),
        Case("example, tanh", (t(-1.0, 0.0, 1.0, 2.0),), {"approximate": "tanh"}),
        Case("single value", (ctx.randn(1),), note="one element"),
        Case("single value, tanh", (ctx.randn(1),), {"approximate": "tanh"}),
        Case("odd shape", (2 * ctx.randn(7, 5),)),
        Case("batch dims, tanh", (3 * ctx.randn(2, 3, 9),), {"approximate": "tanh"}),
        Case(
            "scalar tensor",
            (torch.tensor(0.5, dtype=ctx.dtype, device=ctx.device),),
            {"approximate": "tanh"},
            note="0-dim input",
        ),
        Case(
            "negative tail",
            (-torch.linspace(3, 12, 19, dtype=ctx.dtype, device=ctx.device),),
            kind="edge",
            note="x in [-12, -3]: results underflow toward -0",
        ),
        Case("large magnitudes", (1e4 * ctx.randn(64),), kind="edge", note="|x| ~ 1e4"),
        Case(
            "large magnitudes, tanh",
            (1e4 * ctx.randn(64),),
            {"approximate": "tanh"},
            kind="edge",
            note="|x| ~ 1e4: x^3 ~ 1e12",
        ),
    ]


def mistakes(ref):
    def no_cubic_term(x, approximate="none"):
        if approximate == "tanh":
            return 0.5 * x * (1 + torch.tanh((2 / torch.pi) ** 0.5 * x))
        return 0.5 * x * (1 + torch.erf(x / 2**0.5))

    def erf_without_sqrt2(x, approximate="none"):
        if approximate == "tanh":
            return 0.5 * x * (1 + torch.tanh((2 / torch.pi) ** 0.5 * (x + 0.044715 * x**3)))
        return 0.5 * x * (1 + torch.erf(x))

    def approximate_ignored(x, approximate="none"):
        return 0.5 * x * (1 + torch.erf(x / 2**0.5))

    return [
        Mistake("no_cubic_term", "tanh form without the 0.044715 x^3 term", no_cubic_term),
        Mistake("erf_without_sqrt2", "exact form used erf(x) instead of erf(x / sqrt(2))", erf_without_sqrt2),
        Mistake(
            "approximate_ignored",
            "ignored approximate='tanh' and always returned the exact erf form",
            approximate_ignored,
        ),
    ]
