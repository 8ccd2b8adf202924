"""RMSNorm (Zhang and Sennrich 2019, "Root Mean Square Layer Normalization"), as in LLaMA.

Task
    Write the forward pass: scale each vector by the reciprocal of its root mean square along the
    last dimension, then by a learned per-feature weight. No mean subtraction, no bias.

Shapes
    x: (..., dim)  ->  (..., dim), same dtype as x. `weight`: (dim,), initialised to ones.

Convention
    y = x * rsqrt(mean(x^2, dim=-1) + eps) * weight
    Normalize in float32: upcast half inputs (float16, bfloat16), normalize, cast the normalized x
    back to the input dtype, then multiply by weight (LLaMA's order). In float16, x^2 overflows
    for |x| > 256. float64 inputs may be normalized in float64 or float32; both pass.

Forbidden
    torch.nn.functional.rms_norm, torch.nn.RMSNorm, torch.rms_norm.

Example
    >>> norm = RMSNorm(2)
    >>> norm(torch.tensor([[3., 4.], [0., 0.]]))      # rms of [3, 4] is sqrt(12.5)
    tensor([[0.8485, 1.1314],
            [0.0000, 0.0000]], grad_fn=<MulBackward0>)
"""

import torch
import torch.nn as nn


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        # llmprep: solution begin
        h = x.to(torch.promote_types(x.dtype, torch.float32))  # at least float32
        h = h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + self.eps)  # (..., dim)
        return self.weight * h.to(x.dtype)
        # llmprep: solution end
