import torch

from llmprep.grading.api import Case, Mistake


def _trained(case):
    """Gradients are compared for q, k and v only: the caches are constants (decoding runs without
    gradients, so a learner may detach them)."""
    for x in case.args[:3]:
        x.requires_grad_()
    return case


def observe(output, args, kwargs):
    """Compare the returned caches by value only: the contract never asks for gradients through them."""
    out, k_cache, v_cache = output if isinstance(output, (tuple, list)) and len(output) == 3 else (output, None, None)
    if k_cache is None:
        return output
    detach = lambda t: t.detach() if isinstance(t, torch.Tensor) else t  # noqa: E731
    return out, detach(k_cache), detach(v_cache)


def cases(ctx):
    t = lambda *rows: torch.tensor(rows, dtype=ctx.dtype, device=ctx.device)
    step = lambda *shape_new, P: (
        ctx.randn(*shape_new),
        ctx.randn(*shape_new),
        ctx.randn(*shape_new),
        ctx.randn(*shape_new[:-2], P, shape_new[-1]),
        ctx.randn(*shape_new[:-2], P, shape_new[-1]),
    )
    first = (ctx.randn(2, 3, 6, 8), ctx.randn(2, 3, 6, 8), ctx.randn(2, 3, 6, 8))
    a, b, c = ctx.randn(1, 1, 4), ctx.randn(1, 1, 4), ctx.randn(1, 1, 4)
    tied = (ctx.randn(1, 3, 4), torch.cat((a, c, a), 1), ctx.randn(1, 3, 4), torch.cat((a, b), 1), ctx.randn(1, 2, 4))
    out = [
        Case("example", (t([1.0]), t([0.0]), t([5.0]), t([0.0], [0.0]), t([1.0], [3.0])), kind="example"),
        Case("prefill, no cache", first, note="caches None: plain causal attention over 6 tokens"),
        Case("first token", step(1, 2, 1, 4, P=0), note="t = 1 and an empty (P = 0) cache"),
        Case("decode step", step(2, 4, 1, 16, P=9), note="t = 1 after 9 cached tokens"),
        Case("chunked prefill", step(2, 3, 4, 8, P=5), note="t = 4 new tokens after 5 cached: mask offset"),
        Case("odd sizes", step(3, 5, 7, P=2), note="no head dim, t = 5, d = 7"),
        Case("long cache", step(1, 2, 3, 32, P=61), kind="edge", note="P = 61 cached tokens"),
        Case("tied keys", tied, kind="edge", note="cached key 0 repeated twice among the new keys"),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large scores",
                tuple(x * s for x, s in zip(step(1, 2, 3, 8, P=4), (10, 10, 1, 10, 1))),
                kind="edge",
                note="scores ~ 1e2: softmax must be stable",
            )
        )
    return [_trained(case) for case in out]


def _attend(q, k, v, allowed):
    att = (q @ k.transpose(-2, -1)) / q.shape[-1] ** 0.5
    if allowed is not None:
        att = att.masked_fill(~allowed, float("-inf"))
    return att.softmax(-1) @ v


def _concat(k, v, k_cache, v_cache):
    if k_cache is None:
        return k, v
    return torch.cat((k_cache, k), -2), torch.cat((v_cache, v), -2)


def mistakes(ref):
    def mask_top_left(q, k, v, k_cache=None, v_cache=None):
        k, v = _concat(k, v, k_cache, v_cache)
        allowed = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool, device=q.device).tril()
        return _attend(q, k, v, allowed), k, v

    def no_mask(q, k, v, k_cache=None, v_cache=None):
        k, v = _concat(k, v, k_cache, v_cache)
        return _attend(q, k, v, None), k, v

    def cache_not_updated(q, k, v, k_cache=None, v_cache=None):
        kk, vv = _concat(k, v, k_cache, v_cache)
        allowed = torch.ones(q.shape[-2], kk.shape[-2], dtype=torch.bool, device=q.device).tril(
            kk.shape[-2] - q.shape[-2]
        )
        if k_cache is None:
            return _attend(q, kk, vv, allowed), k[..., :0, :], v[..., :0, :]
        return _attend(q, kk, vv, allowed), k_cache, v_cache

    return [
        Mistake(
            "mask_top_left",
            "causal mask aligned top-left (tril of a (t, P + t) matrix): new tokens cannot see the cache",
            mask_top_left,
        ),
        Mistake("no_mask", "no causal mask among the new tokens: a chunk of t > 1 tokens sees its own future", no_mask),
        Mistake(
            "cache_not_updated", "returned the old cache without appending the new keys and values", cache_not_updated
        ),
    ]
