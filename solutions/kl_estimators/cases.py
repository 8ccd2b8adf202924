import torch

from llmprep.grading.api import Case, Mistake

HALF = (torch.float16, torch.bfloat16)


def _samples(ctx, *shape, spread=0.5, level=None):
    """log q(x) of sampled tokens (gradient flows here) and log p(x) = log q(x) + log r."""
    log_q = -ctx.rand(*shape) * 6 - 0.05 if level is None else level + ctx.randn(*shape) * 5
    log_r = (ctx.randn(*shape) * spread).clamp(-6, 6)
    log_p = log_q + log_r
    return log_q.requires_grad_(), log_p


def cases(ctx):
    example = (torch.log(ctx.tensor([0.5, 0.25])).requires_grad_(), torch.log(ctx.tensor([0.25, 0.5])))
    same = -ctx.rand(3, 7) * 4
    out = [
        Case("example", example, kind="example"),
        Case("N1", _samples(ctx, 1), note="one sample"),
        Case("N64", _samples(ctx, 64)),
        Case("B4_T13", _samples(ctx, 4, 13), note="per-token log-probs of 4 sequences"),
        Case("B2x3_T5_wide", _samples(ctx, 2, 3, 5, spread=2.0), note="log-ratios up to +-6: r from 0.0025 to 400"),
        Case(
            "q_equals_p",
            (same.clone().requires_grad_(), same.clone()),
            kind="edge",
            note="identical models: every estimate is exactly 0",
        ),
        Case(
            "ratio_near_1",
            _samples(ctx, 5, 8, spread=1e-3),
            kind="edge",
            note="log r near 1e-3: k3 is a difference of nearly equal numbers",
        ),
        Case(
            "sequence_logprobs_near_-1000",
            _samples(ctx, 3, 4, spread=1.0, level=-1000.0),
            kind="edge",
            note="log-probs of whole sequences: exp underflows to 0, use log_p - log_q",
        ),
    ]
    if ctx.dtype in HALF:  # log-probs near -1000 keep no fractional digit in half precision
        out = [case for case in out if case.name != "sequence_logprobs_near_-1000"]
    return out


def _from_log_r(log_r, k1_sign=-1.0, k2_half=True, k3_minus_one=True):
    k1 = k1_sign * log_r
    k2 = 0.5 * log_r**2 if k2_half else log_r**2
    k3 = log_r.exp() - log_r - (1.0 if k3_minus_one else 0.0)
    return k1, k2, k3


def _ratio_inverted(log_q, log_p):
    return _from_log_r(log_q - log_p)


def _k3_missing_minus_one(log_q, log_p):
    return _from_log_r(log_p - log_q, k3_minus_one=False)


def _k1_sign(log_q, log_p):
    return _from_log_r(log_p - log_q, k1_sign=1.0)


def _k2_no_half(log_q, log_p):
    return _from_log_r(log_p - log_q, k2_half=False)


def _ratio_from_probs(log_q, log_p):
    r = log_p.exp() / log_q.exp()  # 0 / 0 when both log-probs are near -1000
    return -r.log(), 0.5 * r.log() ** 2, r - 1 - r.log()


def mistakes(ref):
    return [
        Mistake(
            "ratio_inverted",
            "ratio inverted: r = q/p; for KL(q || p) with samples from q, r = p(x) / q(x)",
            _ratio_inverted,
        ),
        Mistake(
            "k3_missing_minus_one",
            "k3 = r - log r: the -1 is missing (k3 = (r - 1) - log r is 0 when p = q)",
            _k3_missing_minus_one,
        ),
        Mistake("k1_sign", "k1 = log r; the estimator is -log r = log q - log p", _k1_sign),
        Mistake("k2_no_half", "k2 = (log r)^2 without the factor 1/2", _k2_no_half),
        Mistake(
            "ratio_from_probs",
            "formed r = exp(log_p) / exp(log_q): both underflow to 0 for sequence log-probs "
            "near -1000 (0/0 = NaN); use exp(log_p - log_q)",
            _ratio_from_probs,
        ),
    ]
