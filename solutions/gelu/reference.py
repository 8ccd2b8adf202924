"""GELU activation (Hendrycks and Gimpel 2016), exact and tanh-approximated, matching torch.

Task
    Write gelu(x, approximate) with the same two modes as torch.nn.functional.gelu.

Shapes
    x: any shape  ->  same shape and dtype.

Convention
    approximate="none":  gelu(x) = x * Phi(x) = 0.5 * x * (1 + erf(x / sqrt(2)))
    approximate="tanh":  gelu(x) = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))
    (the tanh form is what GPT-2 used; the two differ by up to ~5e-4). Large |x| must not give NaN.
    Like torch, compute float16/bfloat16 inputs in float32 and return the input dtype.

Forbidden
    torch.nn.functional.gelu, torch.nn.GELU, torch._C._nn.gelu.

Example
    >>> gelu(torch.tensor([-1.0, 0.0, 1.0, 2.0]))
    tensor([-0.1587,  0.0000,  0.8413,  1.9545])
    >>> gelu(torch.tensor([-1.0, 0.0, 1.0, 2.0]), approximate="tanh")
    tensor([-0.1588,  0.0000,  0.8412,  1.9546])
"""

import math

import torch


def gelu(x, approximate="none"):
    # llmprep: solution begin
    h = x.to(torch.promote_types(x.dtype, torch.float32))  # half inputs computed in float32
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (h + 0.044715 * h * h * h)
        y = 0.5 * h * (1.0 + torch.tanh(inner))
    else:
        assert approximate == "none", f"unknown approximate={approximate!r}"
        y = 0.5 * h * (1.0 + torch.erf(h * (1.0 / math.sqrt(2.0))))
    return y.to(x.dtype)
    # llmprep: solution end
