"""One AdamW step (Loshchilov and Hutter, 2019, "Decoupled Weight Decay Regularization"; Adam:
Kingma and Ba, 2015), as torch.optim.AdamW computes it.

Write `adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
weight_decay=0.01) -> (param, exp_avg, exp_avg_sq)`, the update of one parameter tensor.

Shapes:
    param, grad, exp_avg, exp_avg_sq   all the same shape (any, including 0-dim), same dtype
    step                               a Python int >= 1: the number of this step (1 on the first)
    returns                            new param, new exp_avg (m), new exp_avg_sq (v), fresh tensors;
                                       the inputs stay unchanged (no in-place updates)

The update, with beta1, beta2 = betas and t = step:
    param <- param * (1 - lr * weight_decay)       decoupled decay: it never enters m or v
    m     <- beta1 * m + (1 - beta1) * grad
    v     <- beta2 * v + (1 - beta2) * grad^2
    m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t)   bias correction: m and v start at 0
    param <- param - lr * m_hat / (sqrt(v_hat) + eps)      eps outside the square root
Adam with L2 regularisation would instead add weight_decay * param to the gradient, so the decay
would be rescaled by 1 / sqrt(v_hat); AdamW keeps the two apart.
Any order of this arithmetic passes (the tolerance allows for rounding). torch's own order, with
torch.lerp, torch.addcmul and torch.addcdiv, reproduces torch.optim.AdamW bit for bit in float64.

Forbidden: torch.optim.AdamW, torch.optim.Adam and their functional forms.

Example:
    >>> p = torch.tensor([1.0, -2.0]); g = torch.tensor([0.5, 0.5]); zero = torch.zeros(2)
    >>> adamw_step(p, g, zero, zero, step=1, lr=0.1, weight_decay=0.1)   # step 1: m_hat = g, v_hat = g^2
    (tensor([ 0.8900, -2.0800]), tensor([0.0500, 0.0500]), tensor([0.0003, 0.0003]))
"""

import math

import torch


def adamw_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    # llmprep: solution begin
    beta1, beta2 = betas
    param = param * (1 - lr * weight_decay)  # decoupled weight decay
    exp_avg = torch.lerp(exp_avg, grad, 1 - beta1)  # m = beta1 m + (1 - beta1) g
    exp_avg_sq = torch.addcmul(beta2 * exp_avg_sq, grad, grad, value=1 - beta2)  # v = beta2 v + (1 - beta2) g^2
    step_size = lr / (1 - beta1**step)  # lr * m_hat = step_size * m
    denom = exp_avg_sq.sqrt() / math.sqrt(1 - beta2**step) + eps  # sqrt(v_hat) + eps
    param = torch.addcdiv(param, exp_avg, denom, value=-step_size)  # param - step_size * m / denom
    return param, exp_avg, exp_avg_sq
    # llmprep: solution end
