import torch

from llmprep.grading.api import Case, Mistake

HALF = (torch.float16, torch.bfloat16)
# Smallest gap between the best and second-best perturbed score of a row, in score units: more than
# the rounding of logits / T and of the Gumbel noise in each dtype (bf16 keeps 8 bits, ~0.06 at 16).
MARGIN = {torch.float64: 1e-6, torch.float32: 1e-3, torch.float16: 0.1, torch.bfloat16: 0.5}
RTOL = {torch.float32: 1.0e-5, torch.float64: 1.0e-10}  # drill.yaml's rtol, where tol_scale applies


def _tol_scale(ctx, logits, temperature):
    """Case.tol_scale for scores z = logits / T of large size (as in the softmax drill): a valid
    softmax that shifts by logsumexp(z) instead of the max rounds the exponent by eps * |z|, and the
    gradient with respect to the logits carries that error times 1 / T."""
    if ctx.dtype not in RTOL or temperature == 0:
        return 1.0
    magnitude = float((logits.detach()[logits.isfinite()] / temperature).abs().max())
    return max(1.0, 8 * torch.finfo(ctx.dtype).eps * magnitude / RTOL[ctx.dtype]) / min(temperature, 1.0)


def _uniforms(ctx, shape):
    eps = torch.finfo(ctx.dtype).eps
    return ctx.rand(*shape).clamp(min=eps, max=1 - eps / 2)  # representable, strictly inside (0, 1)


def _separated(ctx, logits, temperature, u):
    """Push each row's runner-up at least MARGIN below the winner by lowering its Gumbel noise (a
    smaller uniform), so that no valid way of rounding can flip the sampled token."""
    if logits.shape[-1] < 2:
        return u
    margin, eps = MARGIN[ctx.dtype], torch.finfo(ctx.dtype).eps
    u = u.clone()
    for _ in range(20):
        scores = logits.detach().double() / temperature - torch.log(-torch.log(u.double()))  # (..., V)
        top2 = scores.topk(2, dim=-1)
        gap = top2.values[..., 0] - top2.values[..., 1]
        close = gap < margin
        if not close.any():
            return u
        second = top2.indices[..., 1:]
        g = -torch.log(-torch.log(u.double().gather(-1, second)))
        g = g - (2 * margin - gap.unsqueeze(-1)).clamp(min=0) - margin
        lowered = torch.exp(-torch.exp(-g)).to(u.dtype)
        old = u.gather(-1, second)  # near 1 a half type may round the lowered draw back to it: step down
        lowered = torch.where(lowered < old, lowered, (old.double() * (1 - 2 * eps)).to(u.dtype))
        u = torch.where(close.unsqueeze(-1), u.scatter(-1, second, lowered), u)
    raise AssertionError("could not separate the sampled tokens from their runners-up")


def _inputs(ctx, temperature, *shape, scale=2.0):
    logits = ctx.randn(*shape) * scale
    u = _separated(ctx, logits, temperature, _uniforms(ctx, shape)) if temperature > 0 else _uniforms(ctx, shape)
    return logits.requires_grad_(), temperature, u


def _case(ctx, name, args, **more):
    return Case(name, args, tol_scale=_tol_scale(ctx, args[0], args[1]), **more)


def cases(ctx):
    example = (ctx.tensor([1.0, 2.0, 3.0]).requires_grad_(), 2.0, ctx.tensor([0.5, 0.9, 0.2]))
    with_inf = ctx.randn(4, 9) * 2
    with_inf[:, 1::3] = float("-inf")
    with_inf = (with_inf.requires_grad_(), 0.8, _separated(ctx, with_inf, 0.8, _uniforms(ctx, (4, 9))))
    ties = ctx.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [5.0, -1.0, 5.0, 5.0]]).requires_grad_()
    large = ctx.randn(3, 12) * 100 + 1e3
    large = (large.requires_grad_(), 0.5, _separated(ctx, large, 0.5, _uniforms(ctx, (3, 12))))
    out = [
        _case(ctx, "example", example, kind="example"),
        _case(ctx, "V1", _inputs(ctx, 0.7, 1), note="a vocabulary of one: probability 1, token 0"),
        _case(ctx, "B64_V50_T0.7", _inputs(ctx, 0.7, 64, 50), note="T < 1 sharpens the distribution"),
        _case(ctx, "B64_V11_T1.5", _inputs(ctx, 1.5, 64, 11), note="T > 1 flattens it"),
        _case(ctx, "B2x3_V17_T1.0", _inputs(ctx, 1.0, 2, 3, 17), note="batch dims; T = 1 is plain softmax"),
        _case(ctx, "B5_V33_T3.0", _inputs(ctx, 3.0, 5, 33)),
        _case(
            ctx,
            "greedy_T0",
            _inputs(ctx, 0.0, 16, 20),
            kind="edge",
            note="T == 0: one-hot at the argmax, the uniforms unused",
        ),
        _case(
            ctx,
            "greedy_ties",
            (ties, 0.0, _uniforms(ctx, (3, 4))),
            kind="edge",
            note="T == 0 with tied maxima: the first index wins",
        ),
        _case(
            ctx, "small_T", _inputs(ctx, 0.1, 8, 10), kind="edge", note="T = 0.1: scores of several tens, nearly greedy"
        ),
        _case(
            ctx, "minus_inf_logits", with_inf, kind="edge", note="-inf logits get probability 0 and are never sampled"
        ),
        _case(
            ctx,
            "logits_near_1e3",
            large,
            kind="edge",
            note="logits near 1e3 at T = 0.5: exp overflows unless the max is subtracted",
        ),
    ]
    if ctx.dtype in HALF:  # scores of 50 or 2000 keep few or no fractional digits there:
        # that would grade rounding, not the learner
        out = [case for case in out if case.name not in ("logits_near_1e3", "small_T")]
    return out


def _softmax(x):
    e = (x - x.amax(dim=-1, keepdim=True).detach()).exp()
    return e / e.sum(dim=-1, keepdim=True)


def _greedy(logits):
    tokens = logits.argmax(dim=-1)
    return torch.zeros_like(logits).scatter(-1, tokens.unsqueeze(-1), 1.0), tokens


def _gumbel(u):
    return -torch.log(-torch.log(u))


def _multiplies_by_temperature(logits, temperature, uniforms):
    if temperature == 0:
        return _greedy(logits)
    scaled = logits * temperature
    return _softmax(scaled), (scaled + _gumbel(uniforms)).argmax(dim=-1)


def _temperature_after_softmax(logits, temperature, uniforms):
    if temperature == 0:
        return _greedy(logits)
    return _softmax(logits) / temperature, (logits + _gumbel(uniforms)).argmax(dim=-1)


def _sampling_ignores_temperature(logits, temperature, uniforms):
    if temperature == 0:
        return _greedy(logits)
    return _softmax(logits / temperature), (logits + _gumbel(uniforms)).argmax(dim=-1)


def _gumbel_sign_flipped(logits, temperature, uniforms):
    if temperature == 0:
        return _greedy(logits)
    scaled = logits / temperature
    return _softmax(scaled), (scaled + torch.log(-torch.log(uniforms))).argmax(dim=-1)


def _no_greedy_case(logits, temperature, uniforms):
    scaled = logits / temperature  # T == 0: +-inf, and inf - inf = NaN
    return _softmax(scaled), (scaled + _gumbel(uniforms)).argmax(dim=-1)


def _unstable_softmax(logits, temperature, uniforms):
    if temperature == 0:
        return _greedy(logits)
    scaled = logits / temperature
    e = scaled.exp()
    return e / e.sum(dim=-1, keepdim=True), (scaled + _gumbel(uniforms)).argmax(dim=-1)


def mistakes(ref):
    return [
        Mistake(
            "multiplies_by_temperature",
            "logits * T instead of logits / T: T < 1 must sharpen, not flatten",
            _multiplies_by_temperature,
        ),
        Mistake(
            "temperature_after_softmax",
            "divided the probabilities by T after the softmax: rows no longer sum to 1; divide the logits before it",
            _temperature_after_softmax,
        ),
        Mistake(
            "sampling_ignores_temperature",
            "sampled argmax(logits + g): the token must come from argmax(logits / T + g)",
            _sampling_ignores_temperature,
        ),
        Mistake(
            "gumbel_sign_flipped", "noise +log(-log u) instead of the Gumbel noise -log(-log u)", _gumbel_sign_flipped
        ),
        Mistake(
            "no_greedy_case", "T == 0 divides by zero (NaN); return the one-hot argmax and its token", _no_greedy_case
        ),
        Mistake(
            "unstable_softmax",
            "exp without subtracting the row maximum: scores near 1e3 / T overflow to inf",
            _unstable_softmax,
        ),
    ]
