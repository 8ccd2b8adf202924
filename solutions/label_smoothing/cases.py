import torch

from llmprep.grading.api import Case, Mistake

IGNORE = -100
HALF = (torch.float16, torch.bfloat16)


def _targets(ctx, shape, K, p_ignore=0.25):
    targets = ctx.randint(0, K, shape)
    dropped = ctx.rand(*shape) < p_ignore
    flat = dropped.view(-1)
    flat[0] = False  # at least one counted position
    return targets.masked_fill(dropped, IGNORE)


def _logits(ctx, *shape, scale=2.0):
    return (ctx.randn(*shape) * scale).requires_grad_()


def cases(ctx):
    example = (ctx.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]).requires_grad_(), ctx.tensor([0, -100]))
    one_counted = torch.full((4, 6), IGNORE, device=ctx.device)
    one_counted[2, 3] = 1
    big = (ctx.randn(6, 9) * 1e4).requires_grad_()
    custom = _targets(ctx, (10,), 4, 0.0).masked_fill(ctx.rand(10) < 0.4, 3)
    custom[0] = 1  # at least one counted position
    out = [
        Case("example", example, {"eps": 0.3}, kind="example"),
        Case("N1_K5", (_logits(ctx, 1, 5), _targets(ctx, (1,), 5, 0.0)), note="one position"),
        Case("N16_K10", (_logits(ctx, 16, 10), _targets(ctx, (16,), 10))),
        Case(
            "B3_T7_K33", (_logits(ctx, 3, 7, 33), _targets(ctx, (3, 7), 33)), note="batch and time dims, class dim last"
        ),
        Case(
            "N12_K7_eps0",
            (_logits(ctx, 12, 7), _targets(ctx, (12,), 7)),
            {"eps": 0.0},
            note="eps = 0: plain cross-entropy",
        ),
        Case("N9_K6_eps0.5_no_ignore", (_logits(ctx, 9, 6), _targets(ctx, (9,), 6, 0.0)), {"eps": 0.5}),
        Case(
            "custom_ignore_index",
            (_logits(ctx, 10, 4), custom),
            {"ignore_index": 3},
            note="ignore_index=3, a real class id",
        ),
        Case(
            "K2_eps1",
            (_logits(ctx, 8, 2), _targets(ctx, (8,), 2)),
            {"eps": 1.0},
            kind="edge",
            note="two classes, eps = 1: the target is uniform, eps/K = 0.5 on each",
        ),
        Case(
            "one_counted_position",
            (_logits(ctx, 4, 6, 5), one_counted),
            {"eps": 0.2},
            kind="edge",
            note="a single counted position among ignored ones",
        ),
        Case(
            "mostly_ignored",
            (_logits(ctx, 20, 8), _targets(ctx, (20,), 8, 0.8)),
            kind="edge",
            note="80% of the positions ignored: they count in neither sum",
        ),
        Case(
            "logits_near_1e4",
            (big, _targets(ctx, (6,), 9)),
            {"eps": 0.1},
            kind="edge",
            note="logits of size 1e4: use log_softmax or logsumexp",
        ),
    ]
    if ctx.dtype in HALF:  # logits near 1e4 keep no fractional digit in half precision
        out = [case for case in out if case.name != "logits_near_1e4"]
    return out


def _parts(logits, targets, ignore_index, stable=True):
    if stable:
        log_p = torch.log_softmax(logits, dim=-1)
    else:
        e = logits.exp()
        log_p = (e / e.sum(dim=-1, keepdim=True)).log()
    counted = targets != ignore_index
    nll = -log_p.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    return log_p, counted, nll


def _eps_over_k_minus_1(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index)
    K = logits.shape[-1]
    others = -log_p.sum(dim=-1) - nll  # the K - 1 wrong classes
    loss = (1 - eps) * nll + eps / (K - 1) * others
    return (loss * counted).sum() / counted.sum()


def _ignored_in_mean(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index)
    loss = (1 - eps) * nll - eps * log_p.mean(dim=-1)
    return (loss * counted).sum() / counted.numel()


def _smooths_ignored_positions(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index)
    smooth = -eps * log_p.mean(dim=-1)  # added for every position, ignored or not
    return ((1 - eps) * (nll * counted).sum() + smooth.sum()) / counted.sum()


def _unstable_log_softmax(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index, stable=False)
    loss = (1 - eps) * nll - eps * log_p.mean(dim=-1)
    return (loss * counted).sum() / counted.sum()


def _nll_not_scaled(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index)
    loss = nll - eps * log_p.mean(dim=-1)
    return (loss * counted).sum() / counted.sum()


def _sums_over_classes(logits, targets, eps=0.1, ignore_index=-100):
    log_p, counted, nll = _parts(logits, targets, ignore_index)
    loss = (1 - eps) * nll - eps * log_p.sum(dim=-1)
    return (loss * counted).sum() / counted.sum()


def mistakes(ref):
    return [
        Mistake(
            "eps_over_k_minus_1",
            "spread eps over the K - 1 wrong classes (eps/(K-1) each); torch's convention "
            "spreads it over all K classes: eps/K each, the true class included",
            _eps_over_k_minus_1,
        ),
        Mistake(
            "ignored_in_mean", "ignored positions counted in the mean (divided by all positions)", _ignored_in_mean
        ),
        Mistake(
            "smooths_ignored_positions",
            "the smoothing term added for ignored positions too; they count nowhere",
            _smooths_ignored_positions,
        ),
        Mistake(
            "unstable_log_softmax",
            "log(exp / sum exp) overflows for logits near 1e4; use log_softmax or logits - logsumexp",
            _unstable_log_softmax,
        ),
        Mistake("nll_not_scaled", "the true-class term not scaled by 1 - eps", _nll_not_scaled),
        Mistake(
            "sums_over_classes",
            "eps times the sum of -log p over classes; the uniform part is the mean (eps/K each)",
            _sums_over_classes,
        ),
    ]
