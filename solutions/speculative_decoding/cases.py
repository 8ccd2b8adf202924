import torch

from llmprep.grading.api import Case, Mistake


def _dists(ctx, n, V, sharp=1.0):
    return torch.softmax(ctx.randn(n, V) * sharp, dim=-1)


def _round(ctx, K, V, first_reject=None):
    """A draft round whose first rejection is at index first_reject (None: all accepted).

    Uniforms sit halfway between 0 and the acceptance ratio (accept) or between the ratio and 1
    (reject), so no decision is near its boundary.
    """
    q = _dists(ctx, K, V, 2.0)
    p = _dists(ctx, K + 1, V, 2.0)
    x = torch.multinomial(q.double().cpu(), 1, generator=ctx.gen).squeeze(1).to(ctx.device)
    if first_reject is not None:
        x[first_reject] = (p[first_reject] / q[first_reject]).argmin()  # a token the target likes less
    ratio = (p[:K].gather(1, x[:, None]) / q.gather(1, x[:, None])).squeeze(1).clamp(max=1.0)
    u = ratio * 0.5
    if first_reject is not None:
        u[first_reject] = (ratio[first_reject] + 1.0) / 2
    return x, q, p, u


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    same_q = _dists(ctx, 3, 6)
    same_p = torch.cat([same_q, _dists(ctx, 1, 6)])
    zero_p = _round(ctx, 2, 5, first_reject=None)
    x0, q0, p0, u0 = zero_p
    p0 = p0.clone()
    p0[1, x0[1]] = 0.0  # the target rules the second draft token out
    p0[1] = p0[1] / p0[1].sum()
    u0 = u0.clone()
    u0[1] = 0.0
    return [
        Case(
            "example",
            (
                torch.tensor([0, 1], device=ctx.device),
                t([[0.5, 0.5], [0.5, 0.5]]),
                t([[0.8, 0.2], [0.9, 0.1], [0.3, 0.7]]),
                t([0.4, 0.5]),
            ),
            kind="example",
        ),
        Case("K1_accepted", _round(ctx, 1, 7), note="one draft token, accepted: sample from the extra distribution"),
        Case("K1_rejected", _round(ctx, 1, 7, first_reject=0), note="one draft token, rejected"),
        Case("K4_reject_at_2", _round(ctx, 4, 11, first_reject=2), note="later draws would accept: stop anyway"),
        Case("K5_reject_at_0", _round(ctx, 5, 9, first_reject=0)),
        Case("K6_all_accepted", _round(ctx, 6, 13)),
        Case("K3_V100_reject_last", _round(ctx, 3, 100, first_reject=2)),
        Case(
            "draft_equals_target",
            (
                torch.multinomial(same_q.double().cpu(), 1, generator=ctx.gen).squeeze(1).to(ctx.device),
                same_q,
                same_p,
                ctx.rand(3) * 0.999,
            ),
            kind="edge",
            note="identical distributions: every token is accepted",
        ),
        Case(
            "target_prob_zero",
            (x0, q0, p0, u0),
            kind="edge",
            note="the target gives a draft token probability 0 and u = 0: 0 < 0 is false, reject",
        ),
    ]


def _pieces(draft_tokens, draft_probs, target_probs, uniforms, invert=False, or_equal=False):
    K = draft_tokens.shape[0]
    p_x = target_probs[:K].gather(1, draft_tokens[:, None]).squeeze(1)
    q_x = draft_probs.gather(1, draft_tokens[:, None]).squeeze(1)
    ratio = q_x / p_x if invert else p_x / q_x
    return K, (uniforms <= ratio if or_equal else uniforms < ratio)


def _first(accepted):
    return int(accepted.long().cumprod(0).sum())


def _finish(n, K, draft_probs, target_probs, *, residual=True, clamp=True, bonus_index=None):
    if n >= K:
        return n, target_probs[K if bonus_index is None else bonus_index]
    if not residual:
        return n, target_probs[n]
    r = target_probs[n] - draft_probs[n]
    r = r.clamp(min=0) if clamp else r
    return n, r / r.sum()


def _resample_from_target(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms)
    return _finish(_first(acc), K, draft_probs, target_probs, residual=False)


def _ratio_inverted(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms, invert=True)
    return _finish(_first(acc), K, draft_probs, target_probs)


def _accepts_on_equality(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms, or_equal=True)
    return _finish(_first(acc), K, draft_probs, target_probs)


def _no_stop(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms)
    n_total = int(acc.sum())
    _, probs = _finish(_first(acc), K, draft_probs, target_probs)
    return n_total, probs


def _residual_not_clamped(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms)
    return _finish(_first(acc), K, draft_probs, target_probs, clamp=False)


def _bonus_from_last_draft(draft_tokens, draft_probs, target_probs, uniforms):
    K, acc = _pieces(draft_tokens, draft_probs, target_probs, uniforms)
    return _finish(_first(acc), K, draft_probs, target_probs, bonus_index=K - 1)


def mistakes(ref):
    return [
        Mistake(
            "resample_from_target",
            "after a rejection, sampled from p_j instead of the residual max(p_j - q_j, 0)",
            _resample_from_target,
        ),
        Mistake("ratio_inverted", "acceptance ratio inverted: q/p instead of p/q", _ratio_inverted),
        Mistake(
            "accepts_on_equality",
            "accepted when u <= p/q: u = 0 then accepts a token the target gives probability 0 (the rule is u < p/q)",
            _accepts_on_equality,
        ),
        Mistake("no_stop", "counted every accepted draw, also after the first rejection", _no_stop),
        Mistake("residual_not_clamped", "residual p - q not clamped at 0 before normalising", _residual_not_clamped),
        Mistake(
            "bonus_from_last_draft",
            "all accepted: sampled from p_K (the last draft position) instead of p_{K+1}",
            _bonus_from_last_draft,
        ),
    ]
