import torch

from llmprep.grading.api import Case, Mistake


def _binary(ctx, P, G, p=0.5):
    """Pass/fail rewards of a verifier: every mean and std of a row is exact in any dtype."""
    return (ctx.rand(P, G) < p).to(ctx.dtype)


def cases(ctx):
    example = ctx.tensor([[1.0, 0.0, 0.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    constant_rows = ctx.randn(5, 6)
    constant_rows[1] = 0.5  # dyadic values: the mean of an all-equal row is exact, r - mean exactly 0
    constant_rows[3] = -2.0
    mixed_binary = _binary(ctx, 6, 8)
    mixed_binary[0] = 1.0  # every completion of prompt 0 passed, none of prompt 1
    mixed_binary[1] = 0.0
    mixed_binary[2, :] = 0.0
    mixed_binary[2, 3] = 1.0  # a single success stands out
    out = [
        Case("example", (example,), kind="example"),
        Case("P3_G5", (ctx.randn(3, 5),)),
        Case("P16_G4", (ctx.randn(16, 4) * 3 + 1,), note="many prompts, small groups"),
        Case("P4_G8_binary", (_binary(ctx, 4, 8),), note="0/1 rewards from a verifier"),
        Case("P1_G7", (ctx.randn(1, 7),), note="a single prompt"),
        Case(
            "P2_G16_eps0.1", (ctx.randn(2, 16) * 0.2,), {"eps": 0.1}, note="a large eps: std + eps, not sqrt(var + eps)"
        ),
        Case("P3_G6_offset", (ctx.randn(3, 6) + ctx.randn(3, 1) * 10,), note="each prompt at its own reward level"),
        Case("G1", (ctx.randn(4, 1),), kind="edge", note="groups of one: no spread, every advantage is 0"),
        Case(
            "constant_groups",
            (constant_rows,),
            kind="edge",
            note="rows with all rewards equal: advantages exactly 0, not NaN",
        ),
        Case(
            "binary_with_constant_groups",
            (mixed_binary,),
            kind="edge",
            note="all-pass and all-fail prompts next to mixed ones",
        ),
    ]
    if ctx.dtype in (torch.float16, torch.bfloat16):  # rewards near 10 keep ~3 digits: r - mean is rounding
        out = [case for case in out if case.name != "P3_G6_offset"]
    return out


def _normalise(rewards, eps, dim=-1, unbiased=False, eps_inside=False, divide=True):
    mean = rewards.mean(dim=dim, keepdim=True)
    if not divide:
        return rewards - mean
    if eps_inside:
        var = rewards.var(dim=dim, keepdim=True, unbiased=unbiased)
        return (rewards - mean) / torch.sqrt(var + eps)
    std = rewards.std(dim=dim, keepdim=True, unbiased=unbiased)
    return (rewards - mean) / (std + eps)


def _whole_batch(rewards, eps=1e-6):
    return _normalise(rewards, eps, dim=None)


def _over_prompts(rewards, eps=1e-6):
    return _normalise(rewards, eps, dim=0)


def _no_eps(rewards, eps=1e-6):
    return _normalise(rewards, 0.0)


def _sample_std(rewards, eps=1e-6):
    return _normalise(rewards, eps, unbiased=True)


def _eps_inside_sqrt(rewards, eps=1e-6):
    return _normalise(rewards, eps, eps_inside=True)


def _no_std(rewards, eps=1e-6):
    return _normalise(rewards, eps, divide=False)


def mistakes(ref):
    return [
        Mistake(
            "whole_batch",
            "normalised with the mean and std of the whole batch; GRPO compares each completion "
            "with its own prompt's group (one row)",
            _whole_batch,
        ),
        Mistake("over_prompts", "normalised along dim 0 (across prompts); the group is a row, dim -1", _over_prompts),
        Mistake(
            "no_eps", "divided by std alone: a group whose rewards are all equal gives 0/0 = NaN; add eps", _no_eps
        ),
        Mistake(
            "sample_std",
            "sample std (divides by G - 1); this drill uses the population std (unbiased=False, divides by G)",
            _sample_std,
        ),
        Mistake("eps_inside_sqrt", "sqrt(var + eps) instead of std + eps", _eps_inside_sqrt),
        Mistake("no_std", "only subtracted the group mean; also divide by std + eps", _no_std),
    ]
