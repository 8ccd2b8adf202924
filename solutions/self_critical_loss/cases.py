import torch

from llmprep.grading.api import Case, Mistake

# Per-dtype (rtol, atol) for the gradients of the inputs each case marks requires_grad, in place of
# the engine's default (10x the forward tolerance), which would be looser here.
# half types: 2x the worst gradient error of the reference in half vs float64 on the CPU over 20 seeds
# (benchmarks/half_tolerance.py: fp16 6.3e-4), rounded up
GRAD_TOLERANCE = {"float64": (1e-9, 1e-9), "float32": (1e-4, 1e-5), "float16": (2e-3, 2e-3), "bfloat16": (2e-1, 2e-1)}


def _batch(ctx, B, T, masked=False):
    lp = (-ctx.rand(B, T) * 4).requires_grad_()  # the policy's token log-probs: trainable
    r, b = ctx.rand(B), ctx.rand(B)
    if not masked:
        return (lp, r, b)
    lengths = ctx.randint(1, T + 1, (B,))
    return (lp, r, b, torch.arange(T, device=ctx.device)[None, :] < lengths[:, None])


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    tie = _batch(ctx, 3, 5)
    return [
        Case(
            "example", (t([[-1.0, -2.0], [-0.5, -0.5]]).requires_grad_(), t([1.0, 0.0]), t([0.5, 0.5])), kind="example"
        ),
        Case("B1_T1", _batch(ctx, 1, 1)),
        Case("B4_T9", _batch(ctx, 4, 9)),
        Case("B6_T13_mask", _batch(ctx, 6, 13, masked=True), note="padding marked False"),
        Case("B3_T32_mask", _batch(ctx, 3, 32, masked=True)),
        Case(
            "baseline_ties",
            (tie[0], tie[1], tie[1].clone()),
            kind="edge",
            note="sample as good as greedy: no learning signal, loss 0",
        ),
        Case(
            "large_rewards",
            (_batch(ctx, 4, 6)[0], ctx.randn(4) * 1e3, ctx.randn(4) * 1e3),
            kind="edge",
            note="rewards of size 1e3",
        ),
    ]


def _loss(lp, r, b, mask, *, reduce="sum", use_mask=True, baseline=1.0):
    adv = (r - baseline * b).detach()
    m = mask.to(lp.dtype) if (mask is not None and use_mask) else torch.ones_like(lp)
    if reduce == "sum":
        seq = (lp * m).sum(1)
    else:
        seq = (lp * m).sum(1) / m.sum(1)
    return -(adv * seq).mean()


def _baseline_reversed(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, baseline_rewards, sample_rewards, mask)


def _length_normalised(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, reduce="mean")


def _mask_ignored(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, use_mask=False)


def _no_baseline(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, baseline=0.0)


def mistakes(ref):
    def _logprobs_detached(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
        return ref.self_critical_loss(sample_logprobs.detach(), sample_rewards, baseline_rewards, mask)

    return [
        Mistake(
            "baseline_reversed",
            "sign flipped: baseline - sample (or a missing minus), which lowers the "
            "probability of samples that beat the baseline",
            _baseline_reversed,
        ),
        Mistake("length_normalised", "token log-probs averaged over the length instead of summed", _length_normalised),
        Mistake("mask_ignored", "padding log-probs included in the sequence log-probability", _mask_ignored),
        Mistake("no_baseline", "no baseline: plain REINFORCE on the raw rewards", _no_baseline),
        Mistake(
            "logprobs_detached", "sample log-probabilities detached: no gradient reaches the policy", _logprobs_detached
        ),
    ]
