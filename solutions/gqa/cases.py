import torch

from llmprep.grading.api import Case, Mistake


def _tied(k):
    """Keys 0, 2, 4, ... made equal: tied scores, though not all of them (an all-zero q gradient is not a test)."""
    k = k.clone()
    k[..., 2::2, :] = k[..., :1, :]
    return k


def cases(ctx):
    q = torch.ones(1, 4, 2, 2, dtype=ctx.dtype, device=ctx.device)
    k = torch.zeros(1, 2, 2, 2, dtype=ctx.dtype, device=ctx.device)
    v = torch.tensor([[[[1.0, 1.0], [3.0, 3.0]], [[5.0, 5.0], [7.0, 7.0]]]], dtype=ctx.dtype, device=ctx.device)
    qkv = lambda B, Hq, Hkv, T, d: (ctx.randn(B, Hq, T, d), ctx.randn(B, Hkv, T, d), ctx.randn(B, Hkv, T, d))
    out = [
        Case("example", (q, k, v), kind="example"),
        Case("single token", qkv(1, 2, 1, 1, 4), note="T = 1"),
        Case("groups of three", qkv(2, 6, 2, 7, 5), note="Hq = 6, Hkv = 2, odd T and d"),
        Case("multi-query", qkv(2, 4, 1, 9, 8), note="Hkv = 1"),
        Case("multi-head", qkv(1, 3, 3, 6, 16), note="Hkv = Hq"),
        Case("not causal", qkv(2, 8, 2, 5, 12), {"causal": False}),
        Case("longer", qkv(1, 8, 4, 33, 64), note="T = 33, d = 64"),
        Case(
            "tied keys",
            (ctx.randn(1, 4, 6, 4), _tied(ctx.randn(1, 2, 6, 4)), ctx.randn(1, 2, 6, 4)),
            kind="edge",
            note="keys 0, 2, 4 equal: tied scores",
        ),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large scores",
                tuple(x * s for x, s in zip(qkv(1, 4, 2, 10, 8), (8.0, 8.0, 1.0))),
                kind="edge",
                note="scores ~ 1e2: softmax must be stable",
            )
        )
    return out


def _attend(q, k, v, causal, scale=True, mask_after=False):
    T, d = q.shape[-2], q.shape[-1]
    att = q @ k.transpose(-2, -1)
    if scale:
        att = att / d**0.5
    allowed = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()
    if causal and not mask_after:
        att = att.masked_fill(~allowed, float("-inf"))
    w = att.softmax(-1)
    if causal and mask_after:
        w = w.masked_fill(~allowed, 0.0)
    return w @ v


def _groups(q, k, v):
    g = q.shape[1] // k.shape[1]
    return k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)


def mistakes(ref):
    def tiled_heads(q, k, v, causal=True):
        g = q.shape[1] // k.shape[1]
        return _attend(q, k.repeat(1, g, 1, 1), v.repeat(1, g, 1, 1), causal)

    def no_scale(q, k, v, causal=True):
        return _attend(q, *_groups(q, k, v), causal, scale=False)

    def mask_after_softmax(q, k, v, causal=True):
        return _attend(q, *_groups(q, k, v), causal, mask_after=True)

    return [
        Mistake(
            "tiled_heads",
            "kv heads tiled with repeat (head h -> h % Hkv) instead of repeat_interleave (h // group)",
            tiled_heads,
        ),
        Mistake("no_scale", "forgot the 1/sqrt(d) scale", no_scale),
        Mistake(
            "mask_after_softmax",
            "causal mask applied after the softmax, so the weights no longer sum to 1",
            mask_after_softmax,
        ),
    ]
