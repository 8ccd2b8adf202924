import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    ids = lambda xs: torch.tensor(xs, dtype=torch.long, device=ctx.device)  # noqa: E731
    with_inf = ctx.randn(2, 9)
    with_inf[0, 2] = float("-inf")
    zeros = ctx.randn(2, 6)
    zeros[:, 1] = 0.0
    return [
        Case("example", (t([[2.0, -1.0, 0.5, 3.0]]), ids([[0, 1, 0]])), {"penalty": 2.0}, kind="example"),
        Case("B1_V1_L1", (ctx.randn(1, 1), ids([[0]]))),
        Case("B3_V17_L5", (ctx.randn(3, 17) * 3, ctx.randint(0, 17, (3, 5)))),
        Case(
            "B4_V50_L30_repeats",
            (ctx.randn(4, 50) * 3, ctx.randint(0, 12, (4, 30))),
            {"penalty": 1.3},
            note="many repeated ids: each token is penalised once",
        ),
        Case("B2_V1000_L64", (ctx.randn(2, 1000) * 5, ctx.randint(0, 1000, (2, 64)))),
        Case(
            "penalty_below_1",
            (ctx.randn(3, 11), ctx.randint(0, 11, (3, 4))),
            {"penalty": 0.8},
            note="penalty < 1 favours repetition",
        ),
        Case(
            "rows_differ",
            (ctx.randn(2, 8), ids([[0, 1, 2], [5, 6, 7]])),
            kind="edge",
            note="each row penalises only its own history",
        ),
        Case("minus_inf_and_zero", (with_inf, ids([[2, 3], [2, 2]])), kind="edge", note="-inf stays -inf"),
        Case("zero_logits", (zeros, ids([[1, 4], [1, 1]])), kind="edge", note="a zero logit stays 0"),
        Case(
            "large_logits",
            (ctx.randn(2, 20) * 1e4, ctx.randint(0, 20, (2, 10))),
            kind="edge",
            note="logits of size 1e4",
        ),
    ]


def _penalise(logits, mask, penalty, divide_all=False, power=None):
    if divide_all:
        new = logits / penalty
    else:
        p = penalty if power is None else penalty**power
        new = torch.where(logits > 0, logits / p, logits * p)
    return torch.where(mask, new, logits)


def _mask(logits, prev_ids):
    return torch.zeros_like(logits, dtype=torch.bool).scatter(1, prev_ids, True)


def _divide_all(logits, prev_ids, penalty=1.2):
    return _penalise(logits, _mask(logits, prev_ids), penalty, divide_all=True)


def _per_occurrence(logits, prev_ids, penalty=1.2):
    counts = torch.zeros_like(logits).scatter_add(1, prev_ids, torch.ones_like(prev_ids, dtype=logits.dtype))
    return _penalise(logits, counts > 0, penalty, power=counts)


def _batch_union(logits, prev_ids, penalty=1.2):
    mask = _mask(logits, prev_ids).any(dim=0, keepdim=True).expand_as(logits)
    return _penalise(logits, mask, penalty)


def _all_tokens(logits, prev_ids, penalty=1.2):
    return _penalise(logits, torch.ones_like(logits, dtype=torch.bool), penalty)


def mistakes(ref):
    return [
        Mistake("divide_all", "negative logits divided by the penalty too, which makes them more likely", _divide_all),
        Mistake(
            "per_occurrence",
            "penalty applied once per occurrence (penalty ** count) instead of once per token",
            _per_occurrence,
        ),
        Mistake("batch_union", "every row penalised with the ids of all rows", _batch_union),
        Mistake("all_tokens", "penalty applied to the whole vocabulary", _all_tokens),
    ]
