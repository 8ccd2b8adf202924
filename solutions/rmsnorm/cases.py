import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    ex = torch.tensor([[3.0, 4.0], [0.0, 0.0]], dtype=ctx.dtype, device=ctx.device)
    zero_row = ctx.randn(3, 24)
    zero_row[1] = 0
    return [
        Case("example", (ex,), init=(2,), kind="example"),
        Case("single feature", (ctx.randn(5, 1),), init=(1,), note="dim = 1"),
        Case("odd width", (ctx.randn(7, 13),), init=(13,)),
        Case("batch dims", (ctx.randn(2, 3, 64),), init=(64,), note="x (B, T, dim)"),
        Case("custom eps", (ctx.randn(4, 96) * 0.05,), init=(96, 1e-2), note="eps = 1e-2 is not negligible"),
        Case(
            "large magnitudes",
            (1e3 * ctx.randn(4, 48),),
            init=(48,),
            kind="edge",
            note="|x| ~ 1e3: x^2 overflows float16",
        ),
        Case("tiny values", (1e-4 * ctx.randn(3, 32),), init=(32,), kind="edge", note="mean(x^2) ~ 1e-8, below eps"),
        Case("zero row", (zero_row,), init=(24,), kind="edge", note="an all-zero row must give zeros, not NaN"),
    ]


def mistakes(ref):
    class InputDtype(ref.RMSNorm):
        def forward(self, x):
            return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))

    class NoEps(ref.RMSNorm):
        def forward(self, x):
            h = x.to(torch.promote_types(x.dtype, torch.float32))
            return self.weight * (h / h.pow(2).mean(-1, keepdim=True).sqrt()).to(x.dtype)

    class MeanCentred(ref.RMSNorm):
        def forward(self, x):
            h = x.to(torch.promote_types(x.dtype, torch.float32))
            h = h - h.mean(-1, keepdim=True)
            return self.weight * (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)

    return [
        Mistake(
            "input_dtype",
            "normalized in the input dtype: in float16, x^2 overflows and the output collapses",
            InputDtype,
        ),
        Mistake("no_eps", "eps left out: an all-zero row divides by zero", NoEps),
        Mistake("mean_centred", "subtracted the mean first (that is LayerNorm, not RMSNorm)", MeanCentred),
    ]
