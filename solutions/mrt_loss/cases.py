import importlib.util
from pathlib import Path

import torch

from llmprep.grading.api import Case, Mistake


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
        Case("very_negative_logprobs", ((-800.0 - ctx.rand(3, 6) * 100).requires_grad_(), ctx.rand(3, 6)), kind="edge",
             note="log-probs between -900 and -800: exp underflows to 0 even in float64"),
        Case("equal_logprobs", (t([[-40.0, -40.0, -40.0]]).requires_grad_(), t([[0.1, 0.4, 0.7]])), kind="edge",
             note="Q uniform: the mean risk"),
    ]


def check(output, args, kwargs):
    return _gradient_problem(output, args, kwargs, TRAINABLE, PICK, ENTRY)


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

    # first: its outputs equal the reference's (only the gradient is missing), so the diagnosis
    # must try it before a mistake that merely agrees with the reference on the failing case
    return [
        Mistake("logprobs_detached", "candidate log-probabilities detached: no gradient reaches the model",
                _logprobs_detached),
        Mistake("logprob_weighted", "log-probabilities used as weights (sum log p * risk): Q must be a distribution",
                _logprob_weighted),
        Mistake("no_alpha", "the sharpness alpha ignored", _no_alpha),
        Mistake("unnormalised", "p^alpha not renormalised over the sampled candidates", _unnormalised),
        Mistake("exp_then_normalise", "exp(alpha * log p) underflows for long sequences: normalise in log space "
                "(softmax)", _exp_then_normalise),
        Mistake("softmax_over_batch", "normalised over the batch (dim 0) instead of over the candidates",
                _softmax_over_batch),
    ]


# ---------------------------------------------------------------- gradient of the trainable inputs
# drill.yaml says grad: false because the engine would also compare gradients of the frozen inputs
# (a learner may rightly detach those or not). This check compares the gradient that reaches the
# trainable inputs only (the ones a case marks requires_grad) with the reference's.

ENTRY = "mrt_loss"
TRAINABLE = ((0, "cand_logprobs"),)
PICK = lambda out: out  # noqa: E731
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
