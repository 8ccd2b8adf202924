import torch

from llmprep.grading.api import Case, Mistake


def _call(ctx, n_heads, seq_len):
    return (n_heads, seq_len), {"dtype": ctx.dtype, "device": ctx.device}


def cases(ctx):
    def case(name, n_heads, seq_len, **more):
        args, kwargs = _call(ctx, n_heads, seq_len)
        return Case(name, args, kwargs, **more)

    return [
        case("example", 4, 3, kind="example"),
        case("H1_T1", 1, 1, note="one head, one token: the slope of a single head is 2^-8"),
        case("H2_T6", 2, 6),
        case("H8_T16", 8, 16, note="slopes 1/2 .. 1/256"),
        case("H16_T9", 16, 9),
        case("H4_T1", 4, 1, note="a single token sees only itself"),
        case("H3_T5", 3, 5, kind="edge", note="not a power of two: P = 2, then one odd slope of 4 heads"),
        case("H6_T7", 6, 7, kind="edge", note="not a power of two: P = 4, then two odd slopes of 8 heads"),
        case("H12_T10", 12, 10, kind="edge", note="not a power of two: P = 8, then four odd slopes of 16 heads"),
        case("H24_T4", 24, 4, kind="edge", note="not a power of two: P = 16, then eight odd slopes of 32 heads"),
        case("H5_T33", 5, 33, kind="edge", note="a long sequence: distances up to 32"),
    ]


def _geometric(n):
    return [2.0 ** (-8.0 * k / n) for k in range(1, n + 1)]


def _slopes(n_heads):
    P = 1 << (n_heads.bit_length() - 1)
    return _geometric(P) + _geometric(2 * P)[0::2][: n_heads - P]


def _build(slopes, seq_len, dtype, device, sign=1.0, causal=True):
    m = torch.tensor(slopes, dtype=torch.float64, device=device)
    pos = torch.arange(seq_len, dtype=torch.float64, device=device)
    offset = pos[None, :] - pos[:, None]  # j - i
    if causal:
        bias = sign * m[:, None, None] * offset
        bias = bias.masked_fill(offset > 0, float("-inf"))
    else:
        bias = -m[:, None, None] * offset.abs()  # symmetric, the future as visible as the past
    return m.to(dtype), bias.to(dtype)


def _slopes_reversed(n_heads, seq_len, dtype=torch.float32, device=None):
    return _build(_slopes(n_heads)[::-1], seq_len, dtype, device)


def _positive_distances(n_heads, seq_len, dtype=torch.float32, device=None):
    return _build(_slopes(n_heads), seq_len, dtype, device, sign=-1.0)


def _geometric_for_any_count(n_heads, seq_len, dtype=torch.float32, device=None):
    return _build(_geometric(n_heads), seq_len, dtype, device)


def _next_power_truncated(n_heads, seq_len, dtype=torch.float32, device=None):
    n = 1 << (n_heads - 1).bit_length()  # the smallest power of two >= n_heads
    return _build(_geometric(n)[:n_heads], seq_len, dtype, device)


def _no_causal_mask(n_heads, seq_len, dtype=torch.float32, device=None):
    return _build(_slopes(n_heads), seq_len, dtype, device, causal=False)


def mistakes(ref):
    return [
        Mistake(
            "slopes_reversed",
            "slopes in ascending order: the first head must have the steepest slope, 2^(-8/H)",
            _slopes_reversed,
        ),
        Mistake(
            "positive_distances",
            "bias +m (i - j): distant keys are rewarded instead of penalised (the bias is -m * (i - j) <= 0)",
            _positive_distances,
        ),
        Mistake(
            "geometric_for_any_count",
            "2^(-8k/H) also for a head count that is not a power of two; "
            "take the slopes of P heads, then the odd-k slopes of 2P heads",
            _geometric_for_any_count,
        ),
        Mistake(
            "next_power_truncated",
            "for H not a power of two, the first H slopes of the next power of two; "
            "take the slopes of P heads, then the odd-k slopes of 2P heads",
            _next_power_truncated,
        ),
        Mistake(
            "no_causal_mask", "no -inf above the diagonal: -m |i - j| lets a query see later keys", _no_causal_mask
        ),
    ]
