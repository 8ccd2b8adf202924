import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake


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
        Case("margins_1e3", huge, {"beta": 0.1}, kind="edge", note="beta * margin of +-1e3: log sigmoid must not overflow"),
    ]


def check(output, args, kwargs):
    if isinstance(output, (tuple, list)) and len(output) == 3:
        for name, x in zip(("chosen_rewards", "rejected_rewards"), output[1:]):
            if isinstance(x, torch.Tensor) and x.requires_grad:
                return f"{name} carry gradient: detach them, they are only reported"
    return _gradient_problem(output, args, kwargs, TRAINABLE, PICK, ENTRY)


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
    # check-based mistakes first: their outputs equal the reference's, so the diagnosis must try
    # them before any mistake that merely agrees with the reference on the failing case
    return [
        Mistake("rewards_not_detached", "chosen/rejected rewards not detached", _rewards_not_detached),
        Mistake("no_beta", "beta missing from the loss", _no_beta),
        Mistake("log_of_sigmoid", "log(sigmoid(x)) overflows to inf for large margins (use F.logsigmoid)",
                _log_of_sigmoid),
        Mistake("policy_ref_swapped", "reference minus policy instead of policy minus reference", _policy_ref_swapped),
        Mistake("chosen_rejected_swapped", "chosen and rejected swapped in the margin", _chosen_rejected_swapped),
    ]


# ---------------------------------------------------------------- gradient of the trainable inputs
# drill.yaml says grad: false because the engine would also compare gradients of the frozen inputs
# (a learner may rightly detach those or not). This check compares the gradient that reaches the
# trainable inputs only (the ones a case marks requires_grad) with the reference's.

ENTRY = "dpo_loss"
TRAINABLE = ((0, "policy_chosen_logps"), (1, "policy_rejected_logps"))
PICK = lambda out: out[0] if isinstance(out, (tuple, list)) else out  # noqa: E731
GRAD_TOL = {torch.float64: (1e-9, 1e-9), torch.float32: (1e-4, 1e-5),
            torch.float16: (2e-2, 2e-2), torch.bfloat16: (2e-1, 2e-1)}
_REFERENCE = []


def _reference():
    if not _REFERENCE:
        path = Path(__file__).with_name("reference.py")
        spec = importlib.util.spec_from_file_location(f"_check_reference_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _REFERENCE.append(module)
    return _REFERENCE[0]


def _gradient_problem(got, args, kwargs, trainable, pick, entry):
    """None when d(pick(output)) / d(trainable args) matches the reference's; else a message."""
    wrt = [(name, args[i]) for i, name in trainable if isinstance(args[i], torch.Tensor) and args[i].requires_grad]
    if not wrt:
        return None
    loss = pick(got)
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
        return f"no gradient flows back to {wrt[0][0]} (did you detach, use .item() or leave torch?)"
    up = torch.randn(loss.shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64).to(loss)
    grads = torch.autograd.grad((loss * up).sum(), [t for _, t in wrt], allow_unused=True, retain_graph=True)
    fresh = [a.detach().clone().requires_grad_(a.requires_grad) if isinstance(a, torch.Tensor) else a for a in args]
    fresh_kw = {k: v.detach().clone() if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
    want_loss = pick(getattr(_reference(), entry)(*fresh, **fresh_kw))
    wants = torch.autograd.grad((want_loss * up.to(want_loss)).sum(), [fresh[i] for i, _ in trainable
                                                                      if fresh[i].requires_grad])
    for (name, t), g, w in zip(wrt, grads, wants):
        if g is None:
            return f"no gradient reaches {name}"
        rtol, atol = GRAD_TOL.get(w.dtype, (1e-4, 1e-5))
        if g.shape != w.shape or not torch.allclose(g.double(), w.double(), rtol=rtol, atol=atol):
            err = (g.double() - w.double()).abs().max().item() if g.shape == w.shape else float("nan")
            return f"grad of {name} differs from the reference's: max abs error {err:.3g} (rtol={rtol:g}, atol={atol:g})"
    return None
