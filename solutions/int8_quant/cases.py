import torch

from llmprep.grading.api import Case, Mistake


def _weight(ctx, out, inp, spread=1.0):
    """Rows whose scaled entries sit at least 0.1 from a rounding boundary.

    Row r has scale s_r; entries are (k + f) * s_r with k an integer and |f| <= 0.4, and one entry
    is exactly +-127 * s_r, so any way of computing w / scale rounds the same.
    """
    s = torch.exp(ctx.randn(out, 1) * spread - 4.0)  # (out, 1) positive scales
    k = ctx.randint(-126, 127, (out, inp)).to(s.dtype)
    f = (ctx.rand(out, inp) - 0.5) * 0.8
    w = (k + f) * s
    col = ctx.randint(0, inp, (out,))
    sign = torch.where(ctx.rand(out) < 0.5, -1.0, 1.0).to(s.dtype)
    w[torch.arange(out), col] = sign * 127 * s[:, 0]
    return w


def _halves(ctx, out, inp):
    """Rows with scales that are not exact (max/127 rounds) and entries w that sit exactly on a
    rounding half of the scale as the rule computes it: w / scale == k + 0.5 in the dtype. Entries
    are picked where w * 127 / max rounds to the other neighbour, so only the rule's division gives
    the reference's q (and round-half-to-even is exercised on every row)."""
    rows = []
    while len(rows) < out:
        amax = (0.1 + 3 * ctx.rand(1)).reshape(())  # (), in ctx.dtype: not a power of two times 127
        scale = amax / 127
        x = torch.arange(-126, 126, device=ctx.device).to(amax.dtype) + 0.5  # candidate halves k + 0.5
        w = x * scale
        other = torch.round(w * 127 / amax) != torch.round(x)
        good = ((w / scale) == x) & other
        if int(good.sum()) < inp - 1:
            continue
        picks = good.nonzero().flatten()
        picks = picks[torch.randperm(len(picks), generator=ctx.gen)[: inp - 1].to(picks.device)]
        rows.append(torch.cat([amax.reshape(1) * (1 if ctx.rand(1) < 0.5 else -1), w[picks]]))
    return torch.stack(rows)


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    halves = t(
        [[127.0, 2.5, -2.5, 3.5, -0.5, 0.5, 1.5, 126.5], [-63.5, 0.25, 0.75, 8.25, 31.75, -0.25, 17.5, 2.0]]
    )  # row 1: scale 0.5 (an exact power of 2)
    zero_row = _weight(ctx, 4, 6)
    zero_row[2] = 0.0
    return [
        Case("example", (t([[127.0, -2.5, 0.4], [0.0, 0.0, 0.0]]),), kind="example"),
        Case("out1_in1", (_weight(ctx, 1, 1),), note="a 1 x 1 weight"),
        Case("out8_in16", (_weight(ctx, 8, 16),)),
        Case("out33_in17", (_weight(ctx, 33, 17),), note="odd sizes"),
        Case("out64_in100_wide_scales", (_weight(ctx, 64, 100, spread=3.0),), note="row scales spanning e^-13..e^5"),
        Case("halves_round_to_even", (halves,), kind="edge", note="exact .5 values: round half to even"),
        Case(
            "halves_inexact_scales",
            (_halves(ctx, 6, 12),),
            kind="edge",
            note="scales max/127 that round; w / scale lands exactly on .5, w * 127 / max does not",
        ),
        Case("zero_row", (zero_row,), kind="edge", note="an all-zero row gets scale 1.0"),
        Case(
            "one_outlier_row",
            (torch.cat([_weight(ctx, 3, 9), _weight(ctx, 1, 9) * 1e4]),),
            kind="edge",
            note="one row 1e4 times larger than the others",
        ),
    ]


def _parts(w, divisor=127.0, per_tensor=False, guard=True):
    amax = w.abs().amax().expand(w.shape[0]) if per_tensor else w.abs().amax(dim=1)
    scale = amax / divisor
    if guard:
        scale = torch.where(amax > 0, scale, torch.ones_like(scale))
    return w / scale[:, None], scale


def _round_half_up(w):
    x, scale = _parts(w)
    return (torch.sign(x) * torch.floor(x.abs() + 0.5)).clamp(-127, 127).to(torch.int8), scale


def _truncate(w):
    x, scale = _parts(w)
    return x.clamp(-127, 127).to(torch.int8), scale


def _per_tensor(w):
    x, scale = _parts(w, per_tensor=True)
    return torch.round(x).clamp(-127, 127).to(torch.int8), scale


def _divide_by_128(w):
    x, scale = _parts(w, divisor=128.0)
    return torch.round(x).clamp(-128, 127).to(torch.int8), scale


def _times_127_over_max(w):
    amax = w.abs().amax(dim=1, keepdim=True)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    x = torch.where(amax > 0, w * 127 / amax, torch.zeros_like(w))
    return torch.round(x).clamp(-127, 127).to(torch.int8), scale[:, 0]


def _zero_row_unguarded(w):
    x, scale = _parts(w, guard=False)
    return torch.round(x).nan_to_num(0.0).clamp(-127, 127).to(torch.int8), scale


def mistakes(ref):
    return [
        Mistake(
            "round_half_up",
            "halves rounded away from zero; torch.round sends them to the even neighbour",
            _round_half_up,
        ),
        Mistake("truncate", "cast to int8 without rounding: .to(torch.int8) truncates toward zero", _truncate),
        Mistake("per_tensor", "one scale for the whole tensor instead of one per output row", _per_tensor),
        Mistake("divide_by_128", "scale = max / 128: the symmetric range is [-127, 127]", _divide_by_128),
        Mistake(
            "times_127_over_max",
            "q = round(w * 127 / max) instead of round(w / scale): one more rounding step "
            "moves values that sit on a half of the scale",
            _times_127_over_max,
        ),
        Mistake("zero_row_unguarded", "an all-zero row gets scale 0 (and 0/0) instead of 1.0", _zero_row_unguarded),
    ]
