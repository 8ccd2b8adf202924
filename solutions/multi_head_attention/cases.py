import math

import torch

from llmprep.grading.api import Case, Mistake, full_precision_only

# "large inputs": |x| ~ 30 makes scores ~1e3, so any valid order of operations moves each score by
# eps * 1e3, and the projections' gradients are sums of |x| * |d score| terms of size ~1e3 that cancel
# to small entries, whose absolute error then far exceeds atol. Measured (20 seeds; F.scaled_dot_product_attention
# and a q-scaled-first softmax as the learner) the comparison needs x305 / x367 in float32 and x1.2 in
# float64: Case.tol_scale is 2x that, rounded up. The case is there for stability (NaN/inf), not digits.
LARGE_TOL_SCALE = {torch.float32: 1000.0, torch.float64: 5.0}


def cases(ctx):
    causal = torch.ones(5, 5, dtype=torch.bool, device=ctx.device).tril()
    lengths = torch.tensor([6, 3], device=ctx.device)
    padding = (torch.arange(6, device=ctx.device) < lengths[:, None])[:, None, None, :]  # (B, 1, 1, Tk)
    x = ctx.randn(1, 3, 8)
    out = [
        Case("example", (x, x, x), init=(8, 2), kind="example"),
        Case("self-attention", (lambda y: (y, y, y))(ctx.randn(2, 5, 12)), init=(12, 3)),
        Case("one head", (ctx.randn(2, 4, 6), ctx.randn(2, 4, 6), ctx.randn(2, 4, 6)), init=(6, 1)),
        Case("one token", (ctx.randn(3, 1, 8), ctx.randn(3, 1, 8), ctx.randn(3, 1, 8)), init=(8, 4)),
        Case(
            "causal",
            (lambda y: (y, y, y))(ctx.randn(2, 5, 16)),
            {"mask": causal},
            init=(16, 4),
            note="mask (5, 5) broadcast over batch and heads",
        ),
        Case(
            "cross-attention with padding",
            (ctx.randn(2, 4, 12), ctx.randn(2, 6, 12), ctx.randn(2, 6, 12)),
            {"mask": padding},
            init=(12, 2),
            note="mask (2, 1, 1, 6): the second sequence has 3 real keys",
        ),
        Case(
            "large inputs",
            (lambda y: (y, y, y))(30 * ctx.randn(2, 7, 10)),
            init=(10, 5),
            kind="edge",
            note="large scores: the softmax must stay stable",
            tol_scale=LARGE_TOL_SCALE.get(ctx.dtype, 1.0),
        ),
    ]
    return full_precision_only(ctx, out, {"large inputs"})


def mistakes(ref):
    base = ref.MultiHeadAttention

    def attend(q, k, v, mask, scale):
        scores = q @ k.transpose(-2, -1) / scale
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        if mask is not None:
            weights = weights.masked_fill(~mask, 0.0)
        return weights @ v

    class ScaleByModel(base):
        def forward(self, query, key, value, mask=None):
            B, Tq, C = query.shape
            H, D = self.n_heads, self.d_head
            q, k, v = (
                w(t).view(B, t.size(1), H, D).transpose(1, 2)
                for w, t in ((self.W_q, query), (self.W_k, key), (self.W_v, value))
            )
            out = attend(q, k, v, mask, math.sqrt(C)).transpose(1, 2).reshape(B, Tq, C)
            return self.W_o(out)

    class SplitWithoutTranspose(base):
        def forward(self, query, key, value, mask=None):
            B, Tq, C = query.shape
            H, D = self.n_heads, self.d_head
            q, k, v = (
                w(t).view(B, H, t.size(1), D) for w, t in ((self.W_q, query), (self.W_k, key), (self.W_v, value))
            )
            out = attend(q, k, v, mask, math.sqrt(D)).transpose(1, 2).reshape(B, Tq, C)
            return self.W_o(out)

    class MergeWithoutTranspose(base):
        def forward(self, query, key, value, mask=None):
            B, Tq, C = query.shape
            H, D = self.n_heads, self.d_head
            q, k, v = (
                w(t).view(B, t.size(1), H, D).transpose(1, 2)
                for w, t in ((self.W_q, query), (self.W_k, key), (self.W_v, value))
            )
            out = attend(q, k, v, mask, math.sqrt(D)).reshape(B, Tq, C)
            return self.W_o(out)

    class NoOutputProjection(base):
        def forward(self, query, key, value, mask=None):
            B, Tq, C = query.shape
            H, D = self.n_heads, self.d_head
            q, k, v = (
                w(t).view(B, t.size(1), H, D).transpose(1, 2)
                for w, t in ((self.W_q, query), (self.W_k, key), (self.W_v, value))
            )
            return attend(q, k, v, mask, math.sqrt(D)).transpose(1, 2).reshape(B, Tq, C)

    return [
        Mistake("scale_by_d_model", "scaled the scores by sqrt(d_model) instead of sqrt(d_head)", ScaleByModel),
        Mistake(
            "split_without_transpose",
            "split the heads with .view(B, H, T, d_head): that mixes positions into "
            "heads; use .view(B, T, H, d_head).transpose(1, 2)",
            SplitWithoutTranspose,
        ),
        Mistake(
            "merge_without_transpose",
            "joined the heads with .view(B, T, d_model) without .transpose(1, 2) first",
            MergeWithoutTranspose,
        ),
        Mistake("no_output_projection", "forgot the output projection W_o", NoOutputProjection),
    ]
