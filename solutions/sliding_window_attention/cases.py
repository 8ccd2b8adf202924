import torch

from llmprep.grading.api import Case, Mistake


def _tied(k):
    """Keys 0, 2, 4, ... made equal: tied scores, though not all of them (an all-zero q gradient is not a test)."""
    k = k.clone()
    k[..., 2::2, :] = k[..., :1, :]
    return k


def cases(ctx):
    z = torch.zeros(4, 1, dtype=ctx.dtype, device=ctx.device)
    v = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=ctx.dtype, device=ctx.device)
    qkv = lambda *s, dv=None: (ctx.randn(*s), ctx.randn(*s), ctx.randn(*s[:-1], dv or s[-1]))
    out = [
        Case("example", (z, z, v, 2), kind="example"),
        Case("single token", (*qkv(1, 1, 4), 3), note="T = 1"),
        Case("window 1", (*qkv(2, 5, 8), 1), note="each query sees only itself"),
        Case("odd window", (*qkv(2, 3, 11, 6), 3), note="T = 11, window 3"),
        Case("even window", (*qkv(1, 4, 16, 8), 4)),
        Case("value width differs", (*qkv(3, 9, 5, dv=7), 5), note="dv != d"),
        Case("window covers all", (*qkv(2, 7, 4), 7), note="window = T: plain causal attention"),
        Case("window beyond length", (*qkv(1, 2, 6, 4), 50), kind="edge", note="window > T"),
        Case(
            "tied keys",
            (ctx.randn(1, 8, 4), _tied(ctx.randn(1, 8, 4)), ctx.randn(1, 8, 4), 3),
            kind="edge",
            note="keys 0, 2, 4, 6 equal: tied scores inside windows",
        ),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large scores",
                tuple(x * s for x, s in zip(qkv(1, 2, 12, 8), (10, 10, 1))) + (5,),
                kind="edge",
                note="scores ~ 1e2: softmax must be stable",
            )
        )
    return out


def _windowed(q, k, v, allowed, scale=True):
    att = q @ k.transpose(-2, -1)
    if scale:
        att = att / q.shape[-1] ** 0.5
    return att.masked_fill(~allowed, float("-inf")).softmax(-1) @ v


def _lag(q):
    i = torch.arange(q.shape[-2], device=q.device)
    return i[:, None] - i[None, :]


def mistakes(ref):
    def one_key_too_many(q, k, v, window):
        lag = _lag(q)
        return _windowed(q, k, v, (lag >= 0) & (lag <= window))

    def centred_window(q, k, v, window):
        return _windowed(q, k, v, _lag(q).abs() <= window // 2)

    def no_scale(q, k, v, window):
        lag = _lag(q)
        return _windowed(q, k, v, (lag >= 0) & (lag < window), scale=False)

    return [
        Mistake("one_key_too_many", "off by one: i - window <= j lets window + 1 keys in", one_key_too_many),
        Mistake(
            "centred_window",
            "window centred on the query (|i - j| <= window // 2): it sees future keys",
            centred_window,
        ),
        Mistake("no_scale", "forgot the 1/sqrt(d) scale", no_scale),
    ]
