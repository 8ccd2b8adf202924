"""Gradient clipping by global norm.

Write `clip_grad_norm_(parameters, max_norm)`, what a training loop calls between backward() and
optimizer.step() to stop one bad batch from blowing up the weights.

Arguments:
    parameters  a list of tensors (parameters); use each one's .grad, and skip those whose .grad
                is None
    max_norm    a float
    returns     a 0-dim tensor: the total norm, measured before any clipping

Definition:
    total_norm = sqrt(sum over every gradient element of g^2)      one norm for all parameters
    if total_norm > max_norm: multiply every gradient in place by max_norm / (total_norm + 1e-6)
Gradients are changed in place (p.grad.mul_(...)); the parameters' values are not touched.

Forbidden: torch.nn.utils.clip_grad_norm_, clip_grads_with_norm_, get_total_norm.

Example:
    >>> a = torch.zeros(2, requires_grad=True); a.grad = torch.tensor([3.0, 0.0])
    >>> b = torch.zeros(1, requires_grad=True); b.grad = torch.tensor([4.0])
    >>> clip_grad_norm_([a, b], max_norm=1.0)
    tensor(5.)
    >>> a.grad, b.grad                        # both scaled by 1 / (5 + 1e-6)
    (tensor([0.6000, 0.0000]), tensor([0.8000]))
"""

import torch


def clip_grad_norm_(parameters, max_norm):
    # llmprep: solution begin
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = torch.stack([g.detach().pow(2).sum() for g in grads]).sum().sqrt()  # 0-dim
    if total_norm > max_norm:
        scale = max_norm / (total_norm + 1e-6)
        for g in grads:
            g.detach().mul_(scale.to(g.dtype))
    return total_norm
    # llmprep: solution end
