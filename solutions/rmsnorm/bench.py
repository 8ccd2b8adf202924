"""`llmprep bench` for RMSNorm: against torch.nn.functional.rms_norm."""

import torch
import torch.nn.functional as F

SIZES = {"small": (256, 1024), "medium": (4096, 4096), "large": (16384, 8192)}  # (tokens, hidden)


def make_inputs(size, device, dtype, gen):
    return (torch.randn(size, generator=gen).to(device=device, dtype=dtype),), {}


def modules(size, device, dtype, learner_cls, reference_cls):
    """The learner's and the reference's module, built once, with the same (random) weight."""
    ref = reference_cls(size[1]).to(device=device, dtype=dtype)
    with torch.no_grad():
        ref.weight.copy_(_weight(size[1], device, dtype))
    mine = learner_cls(size[1]).to(device=device, dtype=dtype)
    mine.load_state_dict(ref.state_dict())
    return mine, ref


def fused(x):
    return F.rms_norm(x, (x.shape[-1],), _weight(x.shape[-1], x.device, x.dtype), eps=1e-6)


def _weight(dim, device, dtype):
    return torch.linspace(0.5, 1.5, dim, device=device, dtype=dtype)


def bytes_moved(size, dtype):
    return 2 * size[0] * size[1] * torch.finfo(dtype).bits // 8
