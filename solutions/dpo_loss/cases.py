import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake

# Per-dtype (rtol, atol) for the gradients of the inputs each case marks requires_grad, in place of
# the engine's default (10x the forward tolerance), which would be looser here.
# half types: 2x the worst gradient error of the reference in half vs float64 on the CPU over 20 seeds
# (benchmarks/half_tolerance.py: fp16 1.9e-4), rounded up
GRAD_TOLERANCE = {"float64": (1e-9, 1e-9), "float32": (1e-4, 1e-5), "float16": (5e-4, 5e-4), "bfloat16": (2e-1, 2e-1)}


def _logps(ctx, B, scale=20.0, gap=1.0):
    # summed response log-probabilities: negative, tens to hundreds
    ref_c = -ctx.rand(B) * scale * 10 - 1
    ref_r = -ctx.rand(B) * scale * 10 - 1
    pol_c = (ref_c + ctx.randn(B) * gap).requires_grad_()
    pol_r = (ref_r + ctx.randn(B) * gap).requires_grad_()
    return pol_c, pol_r, ref_c, ref_r


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    example = (t([-1.0]).requires_grad_(), t([-3.0]).requires_grad_(), t([-2.0]), t([-2.0]))
    huge = _logps(ctx, 4)
    with torch.no_grad():
        huge[0].add_(t([1e4, -1e4, 5e3, -5e3]))  # beta * margin = +-1e3 and +-5e2
    ties = _logps(ctx, 3, gap=0.0)
    return [
        Case("example", example, {"beta": 1.0}, kind="example"),
        Case("B1", _logps(ctx, 1), note="one pair"),
        Case("B7", _logps(ctx, 7)),
        Case("B16_beta0.5", _logps(ctx, 16, gap=3.0), {"beta": 0.5}),
        Case("B5_beta0.01", _logps(ctx, 5, gap=10.0), {"beta": 0.01}),
        Case("policy_equals_reference", ties, kind="edge", note="zero margin: every loss is log 2"),
        Case(
            "margins_1e3",
            huge,
            {"beta": 0.1},
            kind="edge",
            note="beta * margin of +-1e3: log sigmoid must not overflow",
        ),
    ]


def check(output, args, kwargs):
    if isinstance(output, (tuple, list)) and len(output) == 3:
        for name, x in zip(("chosen_rewards", "rejected_rewards"), output[1:]):
            if isinstance(x, torch.Tensor) and x.requires_grad:
                return f"{name} carry gradient: detach them, they are only reported"
    return None


def _parts(pc, pr, rc, rr):
    return pc - rc, pr - rr


def _no_beta(pc, pr, rc, rr, beta=0.1):
    c, r = _parts(pc, pr, rc, rr)
    return -F.logsigmoid(c - r), beta * c.detach(), beta * r.detach()


def _rewards_not_detached(pc, pr, rc, rr, beta=0.1):
    c, r = _parts(pc, pr, rc, rr)
    return -F.logsigmoid(beta * (c - r)), beta * c, beta * r


def _log_of_sigmoid(pc, pr, rc, rr, beta=0.1):
    c, r = _parts(pc, pr, rc, rr)
    return -torch.log(torch.sigmoid(beta * (c - r))), beta * c.detach(), beta * r.detach()


def _policy_ref_swapped(pc, pr, rc, rr, beta=0.1):
    c, r = rc - pc, rr - pr
    return -F.logsigmoid(beta * (c - r)), beta * c.detach(), beta * r.detach()


def _chosen_rejected_swapped(pc, pr, rc, rr, beta=0.1):
    c, r = _parts(pc, pr, rc, rr)
    return -F.logsigmoid(beta * (r - c)), beta * c.detach(), beta * r.detach()


def mistakes(ref):
    return [
        Mistake("no_beta", "beta missing from the loss", _no_beta),
        Mistake(
            "log_of_sigmoid", "log(sigmoid(x)) overflows to inf for large margins (use F.logsigmoid)", _log_of_sigmoid
        ),
        Mistake("policy_ref_swapped", "reference minus policy instead of policy minus reference", _policy_ref_swapped),
        Mistake("chosen_rejected_swapped", "chosen and rejected swapped in the margin", _chosen_rejected_swapped),
        Mistake("rewards_not_detached", "chosen/rejected rewards not detached", _rewards_not_detached),
    ]
