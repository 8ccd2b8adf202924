"""`llmprep bench` for gelu: against torch.nn.functional.gelu on an FFN activation."""

import torch
import torch.nn.functional as F

SIZES = {"small": (256, 4096), "medium": (4096, 11008), "large": (16384, 14336)}  # (tokens, FFN width)


def make_inputs(size, device, dtype, gen):
    return (torch.randn(size, generator=gen).to(device=device, dtype=dtype),), {"approximate": "none"}


def fused(x, approximate="none"):
    return F.gelu(x, approximate=approximate)


def bytes_moved(size, dtype):
    return 2 * size[0] * size[1] * torch.finfo(dtype).bits // 8
