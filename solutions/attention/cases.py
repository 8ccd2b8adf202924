import torch

from llmprep.grading.api import Case, Mistake, full_precision_only


def cases(ctx):
    causal6 = torch.ones(6, 6, dtype=torch.bool, device=ctx.device).tril()
    padding = torch.tensor([[True] * 7, [True] * 4 + [False] * 3], device=ctx.device)[:, None, :]  # (2, 1, 7)
    no_keys = torch.ones(3, 4, dtype=torch.bool, device=ctx.device)
    no_keys[1] = False  # query 1 may attend to nothing
    q1 = ctx.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    out = [
        Case(
            "example",
            (q1, q1, ctx.tensor([[[1.0, 2.0], [3.0, 4.0]]]), ctx.tensor([[True, False], [True, True]])),
            kind="example",
        ),
        Case("batched, no mask", (ctx.randn(2, 5, 8), ctx.randn(2, 7, 8), ctx.randn(2, 7, 3))),
        Case("size 1", (ctx.randn(1, 1, 1), ctx.randn(1, 1, 1), ctx.randn(1, 1, 1))),
        Case(
            "heads with a causal mask",
            (ctx.randn(2, 3, 6, 4), ctx.randn(2, 3, 6, 4), ctx.randn(2, 3, 6, 5), causal6),
            note="mask (6, 6) broadcast over batch and heads",
        ),
        Case(
            "cross-attention with padding",
            (ctx.randn(2, 3, 5), ctx.randn(2, 7, 5), ctx.randn(2, 7, 2)),
            {"mask": padding},
            note="mask (2, 1, 7) hides the padded keys of the second sequence",
        ),
        Case(
            "large scores",
            (100 * ctx.randn(2, 4, 6), 100 * ctx.randn(2, 4, 6), ctx.randn(2, 4, 3)),
            kind="edge",
            note="scores near 1e4 overflow a naive exp",
        ),
        Case(
            "a query with no allowed key",
            (ctx.randn(3, 4), ctx.randn(4, 4), ctx.randn(4, 2), no_keys),
            kind="edge",
            note="row 1 of the mask is all False: zero weights and output, not NaN",
        ),
        Case(
            "ties",
            (torch.zeros_like(ctx.randn(4, 3)), ctx.randn(5, 3), ctx.randn(5, 3)),
            kind="edge",
            note="equal scores give uniform weights",
        ),
    ]
    return full_precision_only(ctx, out, {"large scores"})


def _scaled(q, k):
    return torch.matmul(q, k.mT) * q.shape[-1] ** -0.5  # (..., Tq, Tk)


def _attend(scores, v, mask):
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v, weights


def mistakes(ref):
    def no_scale(q, k, v, mask=None):
        return _attend(torch.matmul(q, k.mT), v, mask)

    def wrong_dim(q, k, v, mask=None):
        scores = _scaled(q, k)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-2).nan_to_num(0.0)
        return weights @ v, weights

    def mask_after_softmax(q, k, v, mask=None):
        weights = torch.softmax(_scaled(q, k), dim=-1)
        if mask is not None:
            weights = weights.masked_fill(~mask, 0.0)
        return weights @ v, weights

    def nan_rows(q, k, v, mask=None):
        scores = _scaled(q, k)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ v, weights

    def ignores_mask(q, k, v, mask=None):
        return _attend(_scaled(q, k), v, None)

    return [
        Mistake(
            "ignores_mask",
            "the mask is ignored: queries attend to keys they may not see (a causal mask leaks the future)",
            ignores_mask,
        ),
        Mistake("no_scale", "forgot the 1/sqrt(d_k) scale on the scores", no_scale),
        Mistake("wrong_dim", "softmax over the wrong dim (over the queries, dim=-2, instead of the keys)", wrong_dim),
        Mistake(
            "mask_after_softmax",
            "mask applied after the softmax: the allowed weights no longer sum to 1",
            mask_after_softmax,
        ),
        Mistake("nan_rows", "a query with every key masked gives NaN (softmax of all -inf); zero those rows", nan_rows),
    ]
