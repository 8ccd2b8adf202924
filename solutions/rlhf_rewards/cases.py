import torch

from llmprep.grading.api import Case, Mistake


def _batch(ctx, B, T, lengths=None):
    ref = -ctx.rand(B, T) * 5
    lp = (ref + ctx.randn(B, T) * 0.5).requires_grad_()  # the policy: has gradient
    if lengths is None:
        lengths = ctx.randint(1, T + 1, (B,))
    mask = torch.arange(T, device=ctx.device)[None, :] < lengths[:, None]
    return ctx.randn(B) * 2, lp, ref, mask


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    holes = _batch(ctx, 2, 6)
    holes[3][:] = torch.tensor([[True, True, False, True, False, False], [False, True, True, True, True, True]])
    return [
        Case(
            "example",
            (
                t([3.0]),
                t([[-1.0, -2.0, -0.5]]).requires_grad_(),
                t([[-1.5, -1.0, -9.0]]),
                torch.tensor([[True, True, False]], device=ctx.device),
            ),
            {"kl_coef": 0.1},
            kind="example",
        ),
        Case("B1_T1", _batch(ctx, 1, 1), note="a one-token response"),
        Case("B4_T9_right_padded", _batch(ctx, 4, 9)),
        Case(
            "B3_T16_full",
            _batch(ctx, 3, 16, lengths=torch.full((3,), 16, device=ctx.device)),
            {"kl_coef": 0.05},
            note="no padding: the score lands on T - 1",
        ),
        Case("B5_T7_kl0.5", _batch(ctx, 5, 7), {"kl_coef": 0.5}),
        Case("B2_T33_kl0", _batch(ctx, 2, 33), {"kl_coef": 0.0}, note="kl_coef = 0: only the scores"),
        Case("mask_with_holes", holes, kind="edge", note="the score goes to the last True, wherever it is"),
        Case(
            "large_log_ratios",
            (
                ctx.randn(3) * 1e3,
                (ctx.randn(3, 5) * 1e3).requires_grad_(),
                ctx.randn(3, 5) * 1e3,
                torch.ones(3, 5, dtype=torch.bool, device=ctx.device),
            ),
            kind="edge",
            note="log-ratios and scores of size 1e3",
        ),
    ]


def check(output, args, kwargs):
    if isinstance(output, torch.Tensor) and output.requires_grad:
        return "the rewards carry gradient: detach the log-probabilities (rewards are targets, not outputs to train)"
    return None


def _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, *, sign=-1.0, masked_kl=True, where="last", detach=True):
    kl = logprobs - ref_logprobs
    kl = kl.detach() if detach else kl
    r = sign * kl_coef * kl
    r = torch.where(mask, r, torch.zeros_like(r)) if masked_kl else r
    s = scores.to(r.dtype)
    if where == "last":
        last = mask.long().cumsum(1).argmax(1)
        add = torch.zeros_like(r).scatter(1, last[:, None], s[:, None])
    elif where == "end":
        add = torch.zeros_like(r)
        add[:, -1] = s
    else:
        add = torch.where(mask, s[:, None].expand_as(r), torch.zeros_like(r))
    return r + add


def _not_detached(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    return _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, detach=False)


def _score_at_position_minus_1(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    return _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, where="end")


def _kl_sign_flipped(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    return _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, sign=1.0)


def _score_on_every_token(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    return _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, where="every")


def _kl_on_padding(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    return _rewards(scores, logprobs, ref_logprobs, mask, kl_coef, masked_kl=False)


def mistakes(ref):
    return [
        Mistake(
            "score_at_position_minus_1",
            "score added at position T - 1, which is padding in shorter rows",
            _score_at_position_minus_1,
        ),
        Mistake("kl_sign_flipped", "KL penalty added instead of subtracted", _kl_sign_flipped),
        Mistake("score_on_every_token", "the sequence score added to every token", _score_on_every_token),
        Mistake("kl_on_padding", "KL penalty left on padding positions", _kl_on_padding),
        Mistake("not_detached", "the rewards carry gradient back into the policy", _not_detached),
    ]
