import torch

from llmprep.grading.api import Case, Mistake

# No token's probability mass ahead lies this close to top_p, so that summation order cannot flip
# a decision: float32/float64 round at ~1e-7, float16 at ~1e-3.
MARGIN = {torch.float16: 2e-2}


def _mass_ahead(logits, top_k):
    """float64: for every token, the probability of the tokens strictly more probable (after top-k)."""
    x = logits.double()
    if top_k > 0:
        kth = torch.topk(x, min(top_k, x.size(-1)), dim=-1).values[..., -1:]
        x = x.masked_fill(x < kth, float("-inf"))
    p = torch.softmax(x, dim=-1)
    return (p.unsqueeze(-2) * (p.unsqueeze(-2) > p.unsqueeze(-1))).sum(-1)  # (..., V)


def _safe_top_p(ctx, logits, top_k, candidates):
    """The first candidate top_p that no token's mass-ahead comes within the margin of."""
    ahead, margin = _mass_ahead(logits, top_k), MARGIN.get(ctx.dtype, 1e-3)
    for p in candidates:
        if ((ahead - p).abs() > margin).all():
            return p
    return 1.0


def _rand_candidates(ctx, n=40):
    return [0.05 + 0.9 * float(u) for u in torch.rand(n, generator=ctx.gen)]


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    c = _rand_candidates(ctx)
    x1 = ctx.randn(4, 50) * 2
    x2 = ctx.randn(2, 3, 17) * 3
    x3 = ctx.randn(3, 101)
    big = ctx.randn(2, 30) * (1e4 if ctx.dtype != torch.float16 else 3e3)  # float16 tops out at 65504
    with_inf = ctx.randn(3, 12) * 2
    with_inf[:, ::3] = float("-inf")
    ties_p = t([[2.0, 1.0, 1.0, 0.0, -1.0], [0.5, 0.5, 0.5, 0.5, -3.0]])  # p .47/.17/.17 ; quarters
    return [
        Case("example", (t([3.0, 1.0, 2.0, 2.0, 0.0]),), {"top_k": 2}, kind="example"),
        Case("docstring_top_p", (t([3.0, 1.0, 2.0, 2.0, 0.0]),), {"top_p": 0.6}),
        Case("V1", (ctx.randn(1),), {"top_k": 1, "top_p": 0.5}, note="a vocabulary of one"),
        Case("B4_V50_top_k7", (x1,), {"top_k": 7}),
        Case("B4_V50_top_p", (x1,), {"top_p": _safe_top_p(ctx, x1, 0, c)}),
        Case(
            "B4_V50_k10_then_p",
            (x1,),
            {"top_k": 10, "top_p": _safe_top_p(ctx, x1, 10, c[::-1])},
            note="top-p works on the distribution left by top-k",
        ),
        Case("B2x3_V17_k5_p", (x2,), {"top_k": 5, "top_p": _safe_top_p(ctx, x2, 5, c)}, note="batch dims (2, 3)"),
        Case("B3_V101_p", (x3,), {"top_p": _safe_top_p(ctx, x3, 0, c[5:])}),
        Case("disabled", (x3,), {"top_k": 0, "top_p": 1.0}, note="nothing filtered"),
        Case("top_k_above_V", (x2,), {"top_k": 40}, kind="edge", note="top_k > V keeps everything"),
        Case("top_k_1", (x1,), {"top_k": 1}, kind="edge", note="greedy"),
        Case("top_p_tiny", (x1,), {"top_p": 1e-6}, kind="edge", note="only the most probable token survives"),
        Case(
            "ties_at_top_k_boundary",
            (t([[1.0, 2.0, 2.0, 2.0, 0.5], [4.0, 4.0, 1.0, 1.0, 1.0]]),),
            {"top_k": 2},
            kind="edge",
            note="entries tied with the k-th largest are all kept",
        ),
        Case(
            "ties_at_top_p_boundary",
            (ties_p,),
            {"top_p": 0.55},
            kind="edge",
            note="tokens tied in probability share one fate",
        ),
        Case(
            "order_matters",
            (t([3.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),),
            {"top_k": 3, "top_p": 0.85},
            kind="edge",
            note="top-k first renormalises: 3rd token has .91 ahead of it, not .78",
        ),
        Case(
            "already_minus_inf",
            (with_inf,),
            {"top_k": 3, "top_p": _safe_top_p(ctx, with_inf, 3, c)},
            kind="edge",
            note="-inf entries in the input",
        ),
        Case(
            "logits_near_1e4",
            (big,),
            {"top_k": 5, "top_p": 0.9},
            kind="edge",
            note="logits of size 1e4 (3e3 in float16)",
        ),
    ]


NEG = float("-inf")


def _top_k(logits, top_k, exact=False):
    if top_k <= 0:
        return logits
    k = min(top_k, logits.size(-1))
    if exact:
        keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k, -1).indices, True)
        return logits.masked_fill(~keep, NEG)
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]
    return logits.masked_fill(logits < kth, NEG)


def _top_p(logits, top_p, inclusive=False):
    if top_p >= 1.0:
        return logits
    probs = torch.softmax(logits, -1)
    sp = probs.sort(-1, descending=True).values
    ahead = sp.cumsum(-1) if inclusive else sp.cumsum(-1) - sp
    n_keep = (ahead < top_p).sum(-1, keepdim=True).clamp(min=1)
    return logits.masked_fill(probs < sp.gather(-1, n_keep - 1), NEG)


def _exact_k_ties_dropped(logits, top_k=0, top_p=1.0):
    return _top_p(_top_k(logits, top_k, exact=True), top_p)


def _boundary_token_dropped(logits, top_k=0, top_p=1.0):
    return _top_p(_top_k(logits, top_k), top_p, inclusive=True)


def _top_p_before_top_k(logits, top_k=0, top_p=1.0):
    return _top_k(_top_p(logits, top_p), top_k)


def mistakes(ref):
    def _filled_with_zero(logits, top_k=0, top_p=1.0):
        out = ref.top_k_top_p_filter(logits, top_k, top_p)
        return out.masked_fill(torch.isinf(out) & ~torch.isinf(logits), 0.0)

    return [
        Mistake(
            "exact_k_ties_dropped",
            "top-k kept exactly k indices: entries tied with the k-th largest dropped",
            _exact_k_ties_dropped,
        ),
        Mistake(
            "boundary_token_dropped",
            "top-p removed the token that crosses top_p (kept cumulative <= top_p); "
            "keep tokens whose mass ahead is < top_p",
            _boundary_token_dropped,
        ),
        Mistake(
            "top_p_before_top_k", "top-p applied before top-k (on the unfiltered distribution)", _top_p_before_top_k
        ),
        Mistake("filled_with_zero", "removed entries set to 0 instead of -inf", _filled_with_zero),
    ]
