"""`llmprep bench` for layer_norm: against torch.nn.functional.layer_norm."""

import torch
import torch.nn.functional as F

SIZES = {"small": (256, 1024), "medium": (4096, 4096), "large": (16384, 8192)}  # (tokens, hidden)


def make_inputs(size, device, dtype, gen):
    tokens, hidden = size
    x = torch.randn(size, generator=gen).to(device=device, dtype=dtype)
    weight = torch.randn(hidden, generator=gen).to(device=device, dtype=dtype)
    bias = torch.randn(hidden, generator=gen).to(device=device, dtype=dtype)
    return (x, weight, bias), {}


def fused(x, weight, bias, eps=1e-5):
    return F.layer_norm(x, (x.shape[-1],), weight, bias, eps)


def bytes_moved(size, dtype):
    return 2 * size[0] * size[1] * torch.finfo(dtype).bits // 8
