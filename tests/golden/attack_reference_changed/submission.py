"""Attack: a reference file replaced on disk (here: made to return zeros, as a wrong file would) must
be reported, not trusted. The harness tampers with a copy of solutions/ as `tamper` says."""
import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    return torch.zeros(*q.shape[:-1], v.shape[-1], dtype=q.dtype), torch.zeros(*q.shape[:-1], k.shape[-2], dtype=q.dtype)
