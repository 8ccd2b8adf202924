"""`llmprep bench` for attention: against torch's fused scaled_dot_product_attention."""

import torch
import torch.nn.functional as F

SIZES = {  # (batch, heads, tokens, head dim)
    "small": (1, 8, 256, 64),
    "medium": (2, 16, 1024, 64),
    "large": (4, 32, 2048, 128),
}


def make_inputs(size, device, dtype, gen):
    q, k, v = (torch.randn(size, generator=gen).to(device=device, dtype=dtype) for _ in range(3))
    return (q, k, v), {}


def fused(q, k, v):
    return F.scaled_dot_product_attention(q, k, v)


def flops(size):
    b, h, t, d = size
    return 4 * b * h * t * t * d  # q k^T and weights @ v, a multiply-add each
