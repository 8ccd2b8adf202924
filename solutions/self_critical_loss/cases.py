import importlib.util
from pathlib import Path

import torch

from llmprep.grading.api import Case, Mistake


def _batch(ctx, B, T, masked=False):
    lp = (-ctx.rand(B, T) * 4).requires_grad_()  # the policy's token log-probs: trainable
    r, b = ctx.rand(B), ctx.rand(B)
    if not masked:
        return (lp, r, b)
    lengths = ctx.randint(1, T + 1, (B,))
    return (lp, r, b, torch.arange(T, device=ctx.device)[None, :] < lengths[:, None])


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    tie = _batch(ctx, 3, 5)
    return [
        Case("example", (t([[-1.0, -2.0], [-0.5, -0.5]]).requires_grad_(), t([1.0, 0.0]), t([0.5, 0.5])), kind="example"),
        Case("B1_T1", _batch(ctx, 1, 1)),
        Case("B4_T9", _batch(ctx, 4, 9)),
        Case("B6_T13_mask", _batch(ctx, 6, 13, masked=True), note="padding marked False"),
        Case("B3_T32_mask", _batch(ctx, 3, 32, masked=True)),
        Case("baseline_ties", (tie[0], tie[1], tie[1].clone()), kind="edge",
             note="sample as good as greedy: no learning signal, loss 0"),
        Case("large_rewards", (_batch(ctx, 4, 6)[0], ctx.randn(4) * 1e3, ctx.randn(4) * 1e3), kind="edge",
             note="rewards of size 1e3"),
    ]


def check(output, args, kwargs):
    return _gradient_problem(output, args, kwargs, TRAINABLE, PICK, ENTRY)


def _loss(lp, r, b, mask, *, reduce="sum", use_mask=True, baseline=1.0):
    adv = (r - baseline * b).detach()
    m = mask.to(lp.dtype) if (mask is not None and use_mask) else torch.ones_like(lp)
    if reduce == "sum":
        seq = (lp * m).sum(1)
    else:
        seq = (lp * m).sum(1) / m.sum(1)
    return -(adv * seq).mean()


def _baseline_reversed(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, baseline_rewards, sample_rewards, mask)


def _length_normalised(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, reduce="mean")


def _mask_ignored(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, use_mask=False)


def _no_baseline(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    return _loss(sample_logprobs, sample_rewards, baseline_rewards, mask, baseline=0.0)


def mistakes(ref):
    def _logprobs_detached(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
        return ref.self_critical_loss(sample_logprobs.detach(), sample_rewards, baseline_rewards, mask)

    # first: its outputs equal the reference's (only the gradient is missing), so the diagnosis
    # must try it before a mistake that merely agrees with the reference on the failing case
    return [
        Mistake("logprobs_detached", "sample log-probabilities detached: no gradient reaches the policy",
                _logprobs_detached),
        Mistake("baseline_reversed", "sign flipped: baseline - sample (or a missing minus), which lowers the "
                "probability of samples that beat the baseline",
                _baseline_reversed),
        Mistake("length_normalised", "token log-probs averaged over the length instead of summed", _length_normalised),
        Mistake("mask_ignored", "padding log-probs included in the sequence log-probability", _mask_ignored),
        Mistake("no_baseline", "no baseline: plain REINFORCE on the raw rewards", _no_baseline),
    ]


# ---------------------------------------------------------------- gradient of the trainable inputs
# drill.yaml says grad: false because the engine would also compare gradients of the frozen inputs
# (a learner may rightly detach those or not). This check compares the gradient that reaches the
# trainable inputs only (the ones a case marks requires_grad) with the reference's.

ENTRY = "self_critical_loss"
TRAINABLE = ((0, "sample_logprobs"),)
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
