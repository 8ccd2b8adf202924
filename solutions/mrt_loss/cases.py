import torch

from llmprep.grading.api import Case, Mistake

# Per-dtype (rtol, atol) for the gradients of the inputs each case marks requires_grad, in place of
# the engine's default (10x the forward tolerance), which would be looser here.
# half types: 2x the worst gradient error of the reference in half vs float64 on the CPU over 20 seeds
# (benchmarks/half_tolerance.py: fp16 1.1e-4), rounded up
GRAD_TOLERANCE = {"float64": (1e-9, 1e-9), "float32": (1e-4, 1e-5), "float16": (5e-4, 5e-4), "bfloat16": (2e-1, 2e-1)}


def _batch(ctx, B, S, scale=50.0):
    lp = (-ctx.rand(B, S) * scale - 1.0).requires_grad_()  # whole-sequence log-probs: trainable
    return lp, ctx.rand(B, S)


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    return [
        Case("example", (torch.log(t([[0.2, 0.6]])).requires_grad_(), t([[1.0, 0.0]])), kind="example"),
        Case("B1_S1", _batch(ctx, 1, 1), note="one candidate: Q = 1"),
        Case("B4_S5", _batch(ctx, 4, 5, scale=3.0)),
        Case("B3_S8_alpha0.1", _batch(ctx, 3, 8), {"alpha": 0.1}, note="a flatter Q"),
        Case("B2_S16_alpha0.005", _batch(ctx, 2, 16, scale=400.0), {"alpha": 0.005}, note="the paper's alpha"),
        Case("B5_S3_alpha2", _batch(ctx, 5, 3, scale=2.0), {"alpha": 2.0}),
        Case(
            "very_negative_logprobs",
            ((-800.0 - ctx.rand(3, 6) * 100).requires_grad_(), ctx.rand(3, 6)),
            kind="edge",
            note="log-probs between -900 and -800: exp underflows to 0 even in float64",
        ),
        Case(
            "equal_logprobs",
            (t([[-40.0, -40.0, -40.0]]).requires_grad_(), t([[0.1, 0.4, 0.7]])),
            kind="edge",
            note="Q uniform: the mean risk",
        ),
    ]


def _logprob_weighted(cand_logprobs, risks, alpha=1.0):
    return (cand_logprobs * risks).sum(-1).mean()


def _no_alpha(cand_logprobs, risks, alpha=1.0):
    return (torch.softmax(cand_logprobs, -1) * risks).sum(-1).mean()


def _unnormalised(cand_logprobs, risks, alpha=1.0):
    return ((alpha * cand_logprobs).exp() * risks).sum(-1).mean()


def _exp_then_normalise(cand_logprobs, risks, alpha=1.0):
    p = (alpha * cand_logprobs).exp()
    return (p / p.sum(-1, keepdim=True) * risks).sum(-1).mean()


def _softmax_over_batch(cand_logprobs, risks, alpha=1.0):
    return (torch.softmax(alpha * cand_logprobs, 0) * risks).sum(-1).mean()


def mistakes(ref):
    def _logprobs_detached(cand_logprobs, risks, alpha=1.0):
        return ref.mrt_loss(cand_logprobs.detach(), risks, alpha)

    return [
        Mistake(
            "logprob_weighted",
            "log-probabilities used as weights (sum log p * risk): Q must be a distribution",
            _logprob_weighted,
        ),
        Mistake("no_alpha", "the sharpness alpha ignored", _no_alpha),
        Mistake("unnormalised", "p^alpha not renormalised over the sampled candidates", _unnormalised),
        Mistake(
            "exp_then_normalise",
            "exp(alpha * log p) underflows for long sequences: normalise in log space (softmax)",
            _exp_then_normalise,
        ),
        Mistake(
            "softmax_over_batch",
            "normalised over the batch (dim 0) instead of over the candidates",
            _softmax_over_batch,
        ),
        Mistake(
            "logprobs_detached",
            "candidate log-probabilities detached: no gradient reaches the model",
            _logprobs_detached,
        ),
    ]
