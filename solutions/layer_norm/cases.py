import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    t = lambda *v: torch.tensor(v, dtype=ctx.dtype, device=ctx.device)
    ex = torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]], dtype=ctx.dtype, device=ctx.device)
    out = [
        Case("example", (ex, t(1.0, 1.0, 2.0), t(0.0, 0.0, 1.0)), kind="example"),
        Case("single feature", (ctx.randn(4, 1), ctx.randn(1), ctx.randn(1)), note="D = 1: output is the bias"),
        Case("odd width", (ctx.randn(5, 7), ctx.randn(7), ctx.randn(7))),
        Case("batch dims", (ctx.randn(2, 3, 33), ctx.randn(33), ctx.randn(33)), note="x (B, T, D)"),
        Case("custom eps", (ctx.randn(3, 96), 1 + ctx.randn(96), ctx.randn(96)), {"eps": 1e-2}),
        Case(
            "tiny rows",
            (1e-3 * ctx.randn(4, 40), ctx.randn(40), ctx.randn(40)),
            kind="edge",
            note="variance ~1e-6, below eps",
        ),
        # forward precision only: the gradient is compared for bias alone, because torch's own
        # half-precision layer_norm backward is off by up to 30% on such rows (an upcast forward is exact)
        Case(
            "offset rows",
            (200 + ctx.randn(3, 48), ctx.randn(48), ctx.randn(48).requires_grad_()),
            note="rows ~ 200 +- 1: in bf16/fp16, centring without the float32 upcast loses the digits",
        ),
        Case(
            "constant rows",
            (torch.full((2, 16), 7.0, dtype=ctx.dtype, device=ctx.device), ctx.randn(16), ctx.randn(16)),
            kind="edge",
            note="zero variance: output is the bias",
        ),
    ]
    # half types cannot even represent 1000 + noise finely; these probe float32/64 arithmetic
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large offset",
                (1000 + 10 * ctx.randn(4, 64), ctx.randn(64), ctx.randn(64)),
                kind="edge",
                note="rows ~ 1000 +- 10: E[x^2] - E[x]^2 cancels",
            )
        )
        out.append(
            Case(
                "large magnitudes",
                (1e4 * ctx.randn(3, 50), ctx.randn(50), ctx.randn(50)),
                kind="edge",
                note="|x| ~ 1e4",
            )
        )
    return out


def mistakes(ref):
    def unbiased(x, weight, bias, eps=1e-5):
        mean = x.mean(-1, keepdim=True)
        var = ((x - mean) ** 2).sum(-1, keepdim=True) / (x.shape[-1] - 1)
        return (x - mean) / torch.sqrt(var + eps) * weight + bias

    def eps_outside(x, weight, bias, eps=1e-5):
        mean = x.mean(-1, keepdim=True)
        std = ((x - mean) ** 2).mean(-1, keepdim=True).sqrt()
        return (x - mean) / (std + eps) * weight + bias

    def one_pass_variance(x, weight, bias, eps=1e-5):
        mean = x.mean(-1, keepdim=True)
        var = (x * x).mean(-1, keepdim=True) - mean * mean
        return (x - mean) / torch.sqrt(var + eps) * weight + bias

    def no_upcast(x, weight, bias, eps=1e-5):
        # computes in the input dtype; float32/64 inputs stand in with bf16 arithmetic (the grader
        # runs half cases on the CPU only from v2 on), so the mistake is caught on every machine
        low = x.dtype if x.dtype in (torch.float16, torch.bfloat16) else torch.bfloat16
        h = x.to(low)
        mean = h.mean(-1, keepdim=True)
        hc = h - mean
        var = (hc * hc).mean(-1, keepdim=True)
        return (hc * torch.rsqrt(var + eps) * weight.to(low) + bias.to(low)).to(x.dtype)

    return [
        Mistake(
            "no_float32_upcast",
            "bf16/fp16 inputs normalised in their own dtype: the mean and variance lose "
            "their digits (torch computes them in float32)",
            no_upcast,
        ),
        Mistake("unbiased_variance", "unbiased variance (divided by D - 1); layer norm divides by D", unbiased),
        Mistake(
            "eps_outside_sqrt", "eps added to the standard deviation instead of inside the square root", eps_outside
        ),
        Mistake(
            "one_pass_variance",
            "variance as E[x^2] - E[x]^2, which cancels catastrophically for rows with a large mean",
            one_pass_variance,
        ),
    ]
