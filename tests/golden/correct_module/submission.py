import math

import torch
import torch.nn as nn


class MultiHeadAttention(nn.Module):
    """A correct answer written differently: einsum, reshape, a helper to split heads."""

    def __init__(self, d_model, n_heads):
        nn.Module.__init__(self)
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)  # kept exactly as in the stub

    def forward(self, query, key, value, mask=None):
        B, Tq, C = query.shape
        split = lambda t: t.reshape(B, -1, self.n_heads, self.d_head).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.W_q(query)), split(self.W_k(key)), split(self.W_v(value))
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(self.d_head)
        if mask is not None:
            scores = scores.masked_fill(~mask, -math.inf)
        weights = torch.softmax(scores, dim=-1)
        if mask is not None:
            weights = weights.masked_fill(~mask, 0.0)
        return self.W_o((weights @ v).transpose(1, 2).reshape(B, Tq, C))
