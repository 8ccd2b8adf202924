import torch

from llmprep.grading.api import Case, Mistake


def _mask(ctx, B, T, side):
    lengths = ctx.randint(1, T + 1, (B,))
    pos = torch.arange(T, device=ctx.device)[None, :]
    return (pos < lengths[:, None]) if side == "right" else (pos >= (T - lengths)[:, None])


def cases(ctx):
    right = _mask(ctx, 4, 9, "right")
    right[0] = True  # one full row
    right[1, 1:] = False  # one single-token row
    return [
        Case(
            "example",
            (
                torch.arange(12.0, dtype=ctx.dtype, device=ctx.device).reshape(2, 3, 2),
                torch.tensor([[1, 1, 0], [0, 1, 1]], device=ctx.device),
            ),
            kind="example",
        ),
        Case("B1_T1_D1", (ctx.randn(1, 1, 1), torch.ones(1, 1, dtype=torch.long, device=ctx.device))),
        Case("right_padded_B4_T9_D16", (ctx.randn(4, 9, 16), right.long())),
        Case("left_padded_B5_T7_D8", (ctx.randn(5, 7, 8), _mask(ctx, 5, 7, "left").long())),
        Case("bool_mask_B3_T12_D5", (ctx.randn(3, 12, 5), _mask(ctx, 3, 12, "right")), note="mask given as bool"),
        Case("no_padding_B2_T6_D33", (ctx.randn(2, 6, 33), torch.ones(2, 6, dtype=torch.long, device=ctx.device))),
        Case(
            "mixed_padding",
            (ctx.randn(2, 5, 4), torch.tensor([[1, 1, 1, 0, 0], [0, 0, 1, 1, 1]], device=ctx.device)),
            kind="edge",
            note="one row padded on each side",
        ),
        Case("large_values", (ctx.randn(3, 4, 6) * 1e4, _mask(ctx, 3, 4, "right").long()), kind="edge"),
    ]


def _at(hidden, index):
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), index]


def _position_minus_1(hidden, attention_mask):
    return hidden[:, -1]


def _position_0(hidden, attention_mask):
    return hidden[:, 0]


def _length_minus_1(hidden, attention_mask):
    return _at(hidden, attention_mask.long().sum(dim=1) - 1)


def _mean_pool(hidden, attention_mask):
    m = attention_mask.to(hidden.dtype)[..., None]
    return (hidden * m).sum(1) / m.sum(1)


def mistakes(ref):
    return [
        Mistake("position_minus_1", "hidden[:, -1]: a pad position in right-padded rows", _position_minus_1),
        Mistake(
            "position_0",
            "hidden[:, 0] (a [CLS]-style first token): a causal model has seen nothing else there",
            _position_0,
        ),
        Mistake(
            "length_minus_1", "index mask.sum(1) - 1 assumes right padding; wrong for left-padded rows", _length_minus_1
        ),
        Mistake("mean_pool", "mean over real tokens instead of the last one", _mean_pool),
    ]
