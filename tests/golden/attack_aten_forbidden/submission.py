"""Attack: reach the forbidden softmax below the Python namespace, through torch.ops.aten (spelled so
that the static scan cannot see it)."""
import torch


def softmax(x, dim=-1):
    aten = getattr(getattr(torch, "o" + "ps"), "aten")
    return getattr(aten, "_soft" + "max")(x, dim, False)
