import torch

from llmprep.grading.api import Case, Mistake, full_precision_only


def _params(ctx, shapes, scale=1.0, no_grad=()):
    params = []
    for i, shape in enumerate(shapes):
        p = torch.nn.Parameter(ctx.randn(*shape))
        if i not in no_grad:
            p.grad = ctx.randn(*shape) * scale
        params.append(p)
    return params


def cases(ctx):
    a = torch.nn.Parameter(torch.zeros(2, dtype=ctx.dtype, device=ctx.device))
    a.grad = torch.tensor([3.0, 0.0], dtype=ctx.dtype, device=ctx.device)
    b = torch.nn.Parameter(torch.zeros(1, dtype=ctx.dtype, device=ctx.device))
    b.grad = torch.tensor([4.0], dtype=ctx.dtype, device=ctx.device)
    mixed = [(5,), (3, 4), (2, 3, 2), (7,)]
    out = [
        Case("example", ([a, b], 1.0), kind="example"),
        Case("one_param", (_params(ctx, [(6,)]), 0.5)),
        Case("four_params_clipped", (_params(ctx, mixed), 1.0), note="shapes (5,), (3, 4), (2, 3, 2), (7,)"),
        Case("four_params_not_clipped", (_params(ctx, mixed), 100.0), note="norm below max_norm: grads unchanged"),
        Case("some_grads_none", (_params(ctx, mixed, no_grad=(1, 3)), 0.7), note="parameters without grad are skipped"),
        Case("matrix_33x17", (_params(ctx, [(33, 17), (17,)]), 2.5)),
        Case("tiny_max_norm", (_params(ctx, [(4, 4), (4,)]), 1e-3), kind="edge", note="max_norm = 1e-3"),
        Case("large_grads", (_params(ctx, [(8, 8), (8,)], scale=1e3), 1.0), kind="edge", note="gradients of size 1e3"),
        Case("zero_grads", (_params(ctx, [(3, 3)], scale=0.0), 1.0), kind="edge", note="all gradients zero: norm 0"),
    ]
    return full_precision_only(ctx, out, {"large_grads"})


def observe(output, args, kwargs):
    """The returned norm and every gradient afterwards (clipping happens in place)."""
    return (output, tuple(p.grad for p in args[0] if p.grad is not None))


def _global_norm(grads):
    return torch.sqrt(sum((g**2).sum() for g in grads))


def _per_parameter(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = _global_norm(grads)
    for g in grads:
        n = g.norm()
        if n > max_norm:
            g.mul_(max_norm / (n + 1e-6))
    return total


def _post_clip_norm(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = _global_norm(grads)
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return _global_norm(grads)


def _always_scale(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = _global_norm(grads)
    for g in grads:
        g.mul_(max_norm / (total + 1e-6))
    return total


def _squared_norm(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = sum((g**2).sum() for g in grads)
    if total > max_norm:
        for g in grads:
            g.mul_(max_norm / (total + 1e-6))
    return total


def _grads_untouched(parameters, max_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total = _global_norm(grads)
    if total > max_norm:
        [g * (max_norm / (total + 1e-6)) for g in grads]  # computed, never written back
    return total


def mistakes(ref):
    return [
        Mistake("per_parameter", "each gradient clipped by its own norm instead of one global norm", _per_parameter),
        Mistake("post_clip_norm", "returned the norm after clipping; return the norm measured before", _post_clip_norm),
        Mistake(
            "always_scale",
            "gradients scaled even when the norm is below max_norm (small ones get blown up)",
            _always_scale,
        ),
        Mistake("squared_norm", "sum of squares used as the norm (no square root)", _squared_norm),
        Mistake("grads_untouched", "scaled gradients computed but never written back into p.grad", _grads_untouched),
    ]
