import torch

from llmprep.grading.api import Case, Mistake

MAX = 448.0


def _history(ctx, x, n, low, high):
    """n earlier amaxes between low and high times the amax of x (float32, oldest first)."""
    amax = x.abs().max().float()
    return amax * (low + (high - low) * ctx.rand(n, dtype=torch.float32))


def cases(ctx):
    outlier = ctx.randn(6, 10)
    outlier[2, 3] = 60.0  # one large value sets the scale; the rest land in few E4M3 steps
    calm = ctx.randn(3, 16)
    spike = ctx.randn(3, 16)
    return [
        Case("example", (ctx.tensor([1.0, -3.0, 0.1]),), kind="example"),
        Case("one value", (ctx.randn(1),), note="x of one element maps to exactly +-448"),
        Case("matrix", (ctx.randn(5, 7) * 3,)),
        Case("batch dims", (ctx.randn(2, 3, 9),), note="x (2, 3, 9): still one scale for the tensor"),
        Case("outlier", (outlier,), note="one value of 60 among N(0, 1) values"),
        Case(
            "delayed, history above",
            (calm, _history(ctx, calm, 4, 1.0, 2.0)),
            note="amax_history (4,), all above the current amax",
        ),
        Case(
            "delayed, window of one",
            (ctx.randn(4, 5), ctx.rand(1, dtype=torch.float32) + 1.0),
            note="amax_history (1,)",
        ),
        Case(
            "delayed, spike saturates",
            (spike, _history(ctx, spike, 5, 0.3, 0.6)),
            kind="edge",
            note="the current amax exceeds the whole history: values beyond 448 * scale saturate",
        ),
        Case(
            "all zeros",
            (torch.zeros(4, 3, dtype=ctx.dtype, device=ctx.device),),
            kind="edge",
            note="amax = 0: the 1e-12 floor keeps the scale finite",
        ),
        Case(
            "zeros, zero history",
            (
                torch.zeros(2, 5, dtype=ctx.dtype, device=ctx.device),
                torch.zeros(3, dtype=torch.float32, device=ctx.device),
            ),
            kind="edge",
        ),
        Case("tiny values", (ctx.randn(4, 6) * 1e-3,), kind="edge", note="|x| ~ 1e-3: the scale is ~1e-5"),
    ]


def _quantize(x, amax_history=None, *, qmax=MAX, inverted=False, floor=1e-12, with_current=False, roll="end"):
    amax_now = x.detach().abs().max().float()
    if amax_history is None:
        amax, new_history = amax_now, None
    else:
        amax = torch.maximum(amax_history.max(), amax_now) if with_current else amax_history.max()
        if roll == "end":
            new_history = torch.cat((amax_history[1:], amax_now.reshape(1)))
        else:
            new_history = torch.cat((amax_now.reshape(1), amax_history[:-1]))
    amax = amax.clamp(min=floor) if floor else amax
    scale = qmax / amax if inverted else amax / qmax
    x_fp8 = (x.float() / scale).clamp(-MAX, MAX).to(torch.float8_e4m3fn)
    return x_fp8, scale, (x_fp8.float() * scale).to(x.dtype), new_history


def mistakes(ref):
    def int8_range(x, amax_history=None):
        return _quantize(x, amax_history, qmax=127.0)

    def scale_inverted(x, amax_history=None):
        return _quantize(x, amax_history, inverted=True)

    def no_zero_guard(x, amax_history=None):
        return _quantize(x, amax_history, floor=0.0)

    def current_amax_in_delayed(x, amax_history=None):
        return _quantize(x, amax_history, with_current=True)

    def history_rolled_backwards(x, amax_history=None):
        return _quantize(x, amax_history, roll="front")

    return [
        Mistake("int8_range", "scale = amax / 127, the int8 range; E4M3's largest finite value is 448", int8_range),
        Mistake(
            "scale_inverted",
            "scale = 448 / amax (inverted): x / scale then shrinks values instead of filling the range",
            scale_inverted,
        ),
        Mistake("no_zero_guard", "no floor on amax: an all-zero tensor gives scale 0 and 0 / 0 = NaN", no_zero_guard),
        Mistake(
            "current_amax_in_delayed",
            "delayed scaling took the current amax into the max; only the history sets the scale",
            current_amax_in_delayed,
        ),
        Mistake(
            "history_rolled_backwards",
            "new amax inserted at the front of the history (newest must go last, the oldest is dropped)",
            history_rolled_backwards,
        ),
    ]
