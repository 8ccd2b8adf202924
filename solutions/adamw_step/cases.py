import torch

from llmprep.grading.api import Case, Mistake


def _state(ctx, *shape, grad_scale=0.1, fresh=False):
    """A parameter, its gradient and an optimizer state that earlier steps could have left."""
    param = ctx.randn(*shape)
    grad = ctx.randn(*shape) * grad_scale
    if fresh:
        return param, grad, torch.zeros_like(param), torch.zeros_like(param)
    exp_avg = ctx.randn(*shape) * grad_scale * 0.5
    exp_avg_sq = ctx.rand(*shape) * grad_scale**2 + exp_avg**2  # v >= m^2, as after real steps
    return param, grad, exp_avg, exp_avg_sq


def cases(ctx):
    t = ctx.tensor
    example = (t([1.0, -2.0]), t([0.5, 0.5]), t([0.0, 0.0]), t([0.0, 0.0]))
    zero_grad = _state(ctx, 4, 6, fresh=True)
    zero_grad = (zero_grad[0], torch.zeros_like(zero_grad[1]), zero_grad[2], zero_grad[3])
    return [
        Case("example", example, {"step": 1, "lr": 0.1, "weight_decay": 0.1}, kind="example"),
        Case("first_step", _state(ctx, 7, 5, fresh=True), {"step": 1}, note="step 1 from a zero state"),
        Case("step10", _state(ctx, 3, 4, 5), {"step": 10}),
        Case("step1000", _state(ctx, 33), {"step": 1000}, note="late: 1 - beta2^t is still 0.63"),
        Case("scalar_param", _state(ctx), {"step": 3}, note="a 0-dim parameter (a learned scale)"),
        Case(
            "custom_hyperparameters",
            _state(ctx, 6, 8),
            {"step": 4, "lr": 3e-2, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1},
            note="betas (0.8, 0.95), lr 3e-2, weight_decay 0.1",
        ),
        Case("no_weight_decay", _state(ctx, 5, 5), {"step": 2, "weight_decay": 0.0}, note="weight_decay 0: plain Adam"),
        Case(
            "large_decay",
            _state(ctx, 9),
            {"step": 5, "lr": 0.1, "weight_decay": 0.5},
            kind="edge",
            note="lr * weight_decay = 0.05: the decay is 5% of the weight, not scaled by 1/sqrt(v)",
        ),
        Case(
            "zero_gradient_first_step",
            zero_grad,
            {"step": 1, "weight_decay": 0.1},
            kind="edge",
            note="grad 0 at step 1: m = v = 0, only the decay moves the weight",
        ),
        Case(
            "tiny_gradients",
            _state(ctx, 4, 7, grad_scale=1e-6),
            {"step": 7},
            kind="edge",
            note="gradients near 1e-6: sqrt(v_hat) is close to eps, which must stay outside the sqrt",
        ),
    ]


def _step(
    param,
    grad,
    exp_avg,
    exp_avg_sq,
    step,
    lr,
    betas,
    eps,
    weight_decay,
    l2=False,
    decay_lr=True,
    corrected=True,
    eps_inside=False,
):
    beta1, beta2 = betas
    if l2:
        grad = grad + weight_decay * param
    else:
        param = param * (1 - (lr if decay_lr else 1.0) * weight_decay)
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad * grad
    m_hat, v_hat = (m / (1 - beta1**step), v / (1 - beta2**step)) if corrected else (m, v)
    denom = (v_hat + eps).sqrt() if eps_inside else v_hat.sqrt() + eps
    return param - lr * m_hat / denom, m, v


def _l2_in_gradient(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    return _step(param, grad, exp_avg, exp_avg_sq, step, lr, betas, eps, weight_decay, l2=True)


def _no_bias_correction(
    param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01
):
    return _step(param, grad, exp_avg, exp_avg_sq, step, lr, betas, eps, weight_decay, corrected=False)


def _eps_inside_sqrt(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    return _step(param, grad, exp_avg, exp_avg_sq, step, lr, betas, eps, weight_decay, eps_inside=True)


def _decay_without_lr(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    return _step(param, grad, exp_avg, exp_avg_sq, step, lr, betas, eps, weight_decay, decay_lr=False)


def mistakes(ref):
    return [
        Mistake(
            "l2_in_gradient",
            "weight decay added to the gradient (Adam with L2): AdamW decays the weight "
            "directly, param * (1 - lr * weight_decay), outside m and v",
            _l2_in_gradient,
        ),
        Mistake(
            "no_bias_correction",
            "no bias correction: divide m by 1 - beta1^t and v by 1 - beta2^t",
            _no_bias_correction,
        ),
        Mistake("eps_inside_sqrt", "sqrt(v_hat + eps); the denominator is sqrt(v_hat) + eps", _eps_inside_sqrt),
        Mistake(
            "decay_without_lr",
            "decayed by param * (1 - weight_decay); torch's AdamW scales the decay by lr",
            _decay_without_lr,
        ),
    ]
