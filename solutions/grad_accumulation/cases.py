import torch

from llmprep.grading.api import Case, Mistake, full_precision_only


def _micro(ctx, sizes, p_mask=0.7):
    losses, masks = [], []
    for b, T in sizes:
        losses.append(ctx.rand(b, T) * 5)
        masks.append(ctx.rand(b, T) < p_mask)
    return losses, masks


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    b = lambda xs: torch.tensor(xs, dtype=torch.bool, device=ctx.device)  # noqa: E731
    uneven = _micro(ctx, [(2, 9), (2, 9), (2, 9)])
    uneven[1][1][:] = False
    uneven[1][1][0, :2] = True  # the second micro-batch counts only two tokens
    out = [
        Case("example", ([t([[1.0, 3.0]]), t([[5.0, 7.0]])], [b([[True, True]]), b([[True, False]])]), kind="example"),
        Case("one_micro_batch", _micro(ctx, [(3, 7)]), note="no accumulation: the plain token mean"),
        Case("four_equal", _micro(ctx, [(2, 8)] * 4)),
        Case("sizes_differ", _micro(ctx, [(1, 5), (4, 11), (2, 3)]), note="micro-batches of different shapes"),
        Case("uneven_token_counts", uneven, note="one micro-batch with only two counted tokens"),
        Case("all_counted", _micro(ctx, [(2, 6), (3, 6)], p_mask=2.0), note="every token counted"),
        Case(
            "nothing_counted",
            _micro(ctx, [(2, 4), (1, 4)], p_mask=-1.0),
            kind="edge",
            note="no counted token anywhere: zeros, not NaN",
        ),
        Case(
            "empty_micro_batch_mask",
            ([t([[2.0, 4.0]]), t([[6.0, 8.0]])], [b([[False, False]]), b([[True, True]])]),
            kind="edge",
            note="a micro-batch with no counted token contributes 0",
        ),
        Case(
            "large_losses",
            ([x * 1e4 for x in _micro(ctx, [(2, 5), (2, 5)])[0]], _micro(ctx, [(2, 5), (2, 5)])[1]),
            kind="edge",
            note="losses of size 1e4",
        ),
    ]
    return full_precision_only(ctx, out, {"large_losses"})


def _mean_then_divide(token_losses, masks):
    n = len(token_losses)
    return [(l * m).sum() / m.sum().clamp(min=1) / n for l, m in zip(token_losses, masks)]


def _sum_of_means(token_losses, masks):
    return [(l * m).sum() / m.sum().clamp(min=1) for l, m in zip(token_losses, masks)]


def _no_normaliser(token_losses, masks):
    return [(l * m).sum() for l, m in zip(token_losses, masks)]


def _mask_ignored(token_losses, masks):
    total = sum(l.numel() for l in token_losses)
    return [l.sum() / total for l in token_losses]


def mistakes(ref):
    return [
        Mistake(
            "mean_then_divide",
            "each micro-batch's own token mean divided by n: short micro-batches are "
            "over-weighted (divide by the whole batch's token count)",
            _mean_then_divide,
        ),
        Mistake(
            "sum_of_means",
            "each micro-batch's mean, not divided by n: the gradient is n times too large",
            _sum_of_means,
        ),
        Mistake("no_normaliser", "token losses summed, never divided by the token count", _no_normaliser),
        Mistake("mask_ignored", "every position counted, padding included", _mask_ignored),
    ]
