import torch

from llmprep.grading.api import Case, Mistake, full_precision_only

# Per-dtype (rtol, atol) for the gradients of the inputs each case marks requires_grad, in place of
# the engine's default (10x the forward tolerance), which would be looser here.
# half types: 2x the worst gradient error of the reference in half vs float64 on the CPU over 20 seeds
# (benchmarks/half_tolerance.py: bf16 2.6e-2, fp16 1.4e-2), rounded up
GRAD_TOLERANCE = {"float64": (1e-9, 1e-9), "float32": (1e-4, 1e-5), "float16": (5e-2, 5e-2), "bfloat16": (1e-1, 1e-1)}


def _inputs(ctx, *shape, spread=0.3):
    old = ctx.randn(*shape) - 2.0
    # ratios spread around 1 so that some fall inside and some outside [1 - eps, 1 + eps]
    new = (old + ctx.randn(*shape) * spread).requires_grad_()
    return new, old, ctx.randn(*shape)


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    example = (torch.log(t([1.5, 0.5])).requires_grad_(), t([0.0, 0.0]), t([1.0, 1.0]))
    pad = ctx.rand(3, 10) < 0.6
    pad[:, 0] = True  # every row keeps a real token
    pad[2, 4:] = False  # one short, right-padded row
    padded = _inputs(ctx, 3, 10, spread=1.0)
    one_true = torch.zeros(2, 6, dtype=torch.bool, device=ctx.device)
    one_true[1, 3] = True
    inside = _inputs(ctx, 4, 5, spread=0.01)
    out = [
        Case("example", example, kind="example"),
        Case("N1", _inputs(ctx, 1), note="one token"),
        Case("N37", _inputs(ctx, 37)),
        Case("B4_T13", _inputs(ctx, 4, 13), {"clip_eps": 0.1}),
        Case("B2_T9_eps0.3", _inputs(ctx, 2, 9, spread=0.6), {"clip_eps": 0.3}),
        Case("B3_T10_mask", padded, {"mask": pad}, note="padding marked False in mask"),
        Case("B2x3_T7_mask", _inputs(ctx, 2, 3, 7), {"mask": ctx.rand(2, 3, 7) < 0.5}, note="batch dims and a mask"),
        Case(
            "mask_one_true", _inputs(ctx, 2, 6, spread=1.0), {"mask": one_true}, kind="edge", note="a single real token"
        ),
        Case("ratio_all_inside", inside, kind="edge", note="every ratio within the clip range"),
        Case("ratio_far_outside", _inputs(ctx, 3, 8, spread=3.0), kind="edge", note="ratios far from 1"),
        Case(
            "large_advantages",
            (*_inputs(ctx, 2, 6)[:2], ctx.randn(2, 6) * 1e4),
            kind="edge",
            note="advantages of size 1e4",
        ),
    ]
    return full_precision_only(ctx, out, {"large_advantages"})


def _surrogates(log_probs, old_log_probs, advantages, clip_eps):
    ratio = torch.exp(log_probs - old_log_probs)
    return ratio * advantages, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * advantages


def _masked_mean(x, mask):
    return x.mean() if mask is None else (x * mask).sum() / mask.sum()


def _max_not_min(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    a, b = _surrogates(log_probs, old_log_probs, advantages, clip_eps)
    return -_masked_mean(torch.maximum(a, b), mask)


def _no_clipping(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    a, _ = _surrogates(log_probs, old_log_probs, advantages, clip_eps)
    return -_masked_mean(a, mask)


def _mask_ignored(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    a, b = _surrogates(log_probs, old_log_probs, advantages, clip_eps)
    return -torch.minimum(a, b).mean()


def _mask_over_all(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    a, b = _surrogates(log_probs, old_log_probs, advantages, clip_eps)
    x = torch.minimum(a, b)
    return -(x.mean() if mask is None else (x * mask).sum() / mask.numel())


def _ratio_inverted(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    a, b = _surrogates(old_log_probs, log_probs, advantages, clip_eps)
    return -_masked_mean(torch.minimum(a, b), mask)


def mistakes(ref):
    def _log_probs_detached(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
        return ref.ppo_clip_loss(log_probs.detach(), old_log_probs, advantages, clip_eps, mask)

    return [
        Mistake("max_not_min", "max of the two surrogates instead of min (the pessimistic bound)", _max_not_min),
        Mistake("no_clipping", "no clipping: the plain ratio * advantage objective", _no_clipping),
        Mistake("mask_ignored", "mask ignored: padding tokens averaged in", _mask_ignored),
        Mistake(
            "mask_over_all", "masked sum divided by all entries instead of the number of True entries", _mask_over_all
        ),
        Mistake("ratio_inverted", "ratio inverted: exp(old_log_probs - log_probs)", _ratio_inverted),
        Mistake(
            "log_probs_detached",
            "log_probs detached (or the ratio built from .item()/no_grad): no gradient reaches the policy",
            _log_probs_detached,
        ),
    ]
