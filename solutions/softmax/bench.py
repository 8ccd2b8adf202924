"""`llmprep bench` for softmax: against torch.softmax over the vocabulary of a batch of logits."""

import torch

SIZES = {"small": (64, 4096), "medium": (512, 32000), "large": (2048, 152064)}  # (rows, vocabulary)


def make_inputs(size, device, dtype, gen):
    return (torch.randn(size, generator=gen).to(device=device, dtype=dtype) * 8,), {"dim": -1}


def fused(x, dim=-1):
    return torch.softmax(x, dim=dim)


def bytes_moved(size, dtype):
    rows, vocab = size
    return 2 * rows * vocab * torch.finfo(dtype).bits // 8  # read once, write once: memory-bound
