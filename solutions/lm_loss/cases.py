import torch

from llmprep.grading.api import Case, Mistake, full_precision_only

IGNORE = -100


def _labels(ctx, B, T, V, p_ignore=0.25):
    labels = ctx.randint(0, V, (B, T))
    drop = ctx.rand(B, T) < p_ignore
    return labels.masked_fill(drop, IGNORE)


def cases(ctx):
    example = (
        torch.tensor([[[0.0, 0.0], [2.0, 0.0], [5.0, 5.0]]], dtype=ctx.dtype, device=ctx.device),
        torch.tensor([[1, 0, 1]], device=ctx.device),
    )
    prompt_masked = _labels(ctx, 3, 9, 11, p_ignore=0.0)
    prompt_masked[0, :6] = IGNORE  # long prompt in row 0, short ones elsewhere
    prompt_masked[1, :2] = IGNORE
    none_counted = torch.full((2, 5), IGNORE, device=ctx.device)
    none_counted[:, 0] = 3  # only the first label is real, and it is never a target
    only_last = torch.full((2, 6), IGNORE, device=ctx.device)
    only_last[1, -1] = 4
    big = ctx.randn(2, 7, 13) * 1e4
    out = [
        Case("example", example, kind="example"),
        Case("B1_T2_V3", (ctx.randn(1, 2, 3), _labels(ctx, 1, 2, 3, 0.0)), note="one target"),
        Case("B4_T17_V29", (ctx.randn(4, 17, 29), _labels(ctx, 4, 17, 29))),
        Case("B2_T33_V50_no_ignore", (ctx.randn(2, 33, 50) * 3, _labels(ctx, 2, 33, 50, 0.0))),
        Case(
            "B3_T9_V11_prompt_masked",
            (ctx.randn(3, 9, 11), prompt_masked),
            note="rows with different numbers of counted targets",
        ),
        Case(
            "custom_ignore_index",
            (ctx.randn(2, 8, 7), _labels(ctx, 2, 8, 7, 0.0).masked_fill(ctx.rand(2, 8) < 0.4, 0)),
            {"ignore_index": 0},
            note="ignore_index=0",
        ),
        Case(
            "nothing_counted",
            (ctx.randn(2, 5, 7), none_counted),
            kind="edge",
            note="no counted target: the loss is 0.0",
        ),
        Case("one_counted_target", (ctx.randn(2, 6, 5), only_last), kind="edge"),
        Case(
            "T1_nothing_to_predict",
            (ctx.randn(2, 1, 5), _labels(ctx, 2, 1, 5, 0.0)),
            kind="edge",
            note="T=1 has no next token",
        ),
        Case("logits_near_1e4", (big, _labels(ctx, 2, 7, 13)), kind="edge", note="logits of size 1e4"),
    ]
    return full_precision_only(ctx, out, {"logits_near_1e4"})


def _no_shift(logits, labels, ignore_index=-100):
    counted = labels != ignore_index
    logp = torch.log_softmax(logits, dim=-1)
    picked = logp.gather(-1, labels.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    return -(picked * counted).sum() / counted.sum().clamp(min=1)


def _ignored_in_mean(logits, labels, ignore_index=-100):
    logits, targets = logits[:, :-1], labels[:, 1:]
    counted = targets != ignore_index
    logp = torch.log_softmax(logits, dim=-1)
    picked = logp.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    return -(picked * counted).sum() / max(targets.numel(), 1)


def _mean_of_row_means(logits, labels, ignore_index=-100):
    logits, targets = logits[:, :-1], labels[:, 1:]
    counted = targets != ignore_index
    logp = torch.log_softmax(logits, dim=-1)
    picked = logp.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    rows = -(picked * counted).sum(-1) / counted.sum(-1).clamp(min=1)
    return rows.mean()


def _naive_softmax(logits, labels, ignore_index=-100):
    logits, targets = logits[:, :-1], labels[:, 1:]
    counted = targets != ignore_index
    probs = logits.exp() / logits.exp().sum(-1, keepdim=True)
    picked = probs.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    return -(picked.log() * counted).sum() / counted.sum().clamp(min=1)


def mistakes(ref):
    return [
        Mistake("no_shift", "no shift: position t scored against labels[:, t] instead of labels[:, t+1]", _no_shift),
        Mistake("ignored_in_mean", "ignored targets counted in the mean (divided by all positions)", _ignored_in_mean),
        Mistake(
            "mean_of_row_means",
            "mean of per-sequence means instead of the mean over all counted targets",
            _mean_of_row_means,
        ),
        Mistake(
            "naive_softmax",
            "softmax computed as exp/sum(exp) overflows for large logits (use logsumexp)",
            _naive_softmax,
        ),
    ]
