import torch

from llmprep.grading.api import Case, Mistake

IGNORE = -100


def _targets(ctx, shape, V, p_ignore=0.25):
    t = ctx.randint(0, V, shape)
    return t.masked_fill(ctx.rand(*shape) < p_ignore, IGNORE)


def cases(ctx):
    nothing = torch.full((3,), IGNORE, device=ctx.device)
    shifted = ctx.randn(5, 9) + 6.0  # every log Z near 8: max and lse differ by ~log V
    out = [
        Case(
            "example", (ctx.tensor([[0.0, 0.0], [3.0, 1.0]]), ctx.tensor([1, IGNORE])), {"z_coef": 0.5}, kind="example"
        ),
        Case("one token", (ctx.randn(1, 3), ctx.tensor([2])), {"z_coef": 0.1}, note="N = 1"),
        Case("default z_coef", (ctx.randn(6, 11) * 2, _targets(ctx, (6,), 11)), note="z_coef = 1e-4"),
        Case(
            "batch and time",
            (ctx.randn(2, 7, 13), _targets(ctx, (2, 7), 13)),
            {"z_coef": 0.05},
            note="logits (B, T, V): every (b, t) is a token",
        ),
        Case(
            "offset logits", (shifted, _targets(ctx, (5,), 9, 0.4)), {"z_coef": 0.01}, note="logits around 6: log Z ~ 8"
        ),
        Case(
            "mostly ignored",
            (ctx.randn(4, 5, 6), _targets(ctx, (4, 5), 6, 0.7)),
            {"z_coef": 0.2},
            note="most tokens ignored",
        ),
        Case(
            "custom ignore_index",
            (ctx.randn(8, 7), ctx.randint(0, 7, (8,))),
            {"z_coef": 0.1, "ignore_index": 3},
            note="ignore_index = 3",
        ),
        Case("nothing counted", (ctx.randn(3, 4), nothing), {"z_coef": 0.1}, kind="edge", note="the loss is 0.0"),
        Case(
            "z_coef zero",
            (ctx.randn(5, 6), _targets(ctx, (5,), 6)),
            {"z_coef": 0.0},
            kind="edge",
            note="plain cross-entropy",
        ),
    ]
    if ctx.dtype in (torch.float32, torch.float64):  # half types keep no digits of lse^2 ~ 1e6
        out.append(
            Case(
                "logits near 1e3",
                (ctx.randn(4, 10) * 1e3, _targets(ctx, (4,), 10)),
                {"z_coef": 1e-4},
                kind="edge",
                note="exp overflows without subtracting the max",
            )
        )
    return out


def _loss(logits, targets, z_coef, ignore_index, z_of=None, z_over_all=False, square=True):
    V = logits.shape[-1]
    logits, targets = logits.reshape(-1, V), targets.reshape(-1)
    counted = targets != ignore_index
    lse = torch.logsumexp(logits, -1)
    picked = logits.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    n = counted.sum().clamp(min=1)
    ce = ((lse - picked) * counted).sum() / n
    base = lse if z_of is None else z_of(logits)
    z = base.square() if square else base
    z = z.mean() if z_over_all else (z * counted).sum() / n
    return ce + z_coef * z


def mistakes(ref):
    def max_squared(logits, targets, z_coef=1e-4, ignore_index=-100):
        return _loss(logits, targets, z_coef, ignore_index, z_of=lambda x: x.amax(-1))

    def z_over_ignored(logits, targets, z_coef=1e-4, ignore_index=-100):
        return _loss(logits, targets, z_coef, ignore_index, z_over_all=True)

    def missing_square(logits, targets, z_coef=1e-4, ignore_index=-100):
        return _loss(logits, targets, z_coef, ignore_index, square=False)

    return [
        Mistake("max_squared", "squared the largest logit instead of log Z = logsumexp(logits)", max_squared),
        Mistake("z_over_ignored", "the z term averaged over every token, ignored ones included", z_over_ignored),
        Mistake("missing_square", "z term is z_coef * mean(log Z), without the square", missing_square),
    ]
