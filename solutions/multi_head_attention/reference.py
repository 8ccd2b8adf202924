"""Multi-head attention (Vaswani et al. 2017, "Attention Is All You Need", section 3.2.2).

Write the `forward` of `MultiHeadAttention(d_model, n_heads)`; keep `__init__` as given (the
grader loads the same weights into your module and the reference).

    forward(query, key, value, mask=None) -> Tensor (B, Tq, d_model)

Shapes:
    query (B, Tq, d_model); key and value (B, Tk, d_model)
    mask  bool, broadcastable to (B, n_heads, Tq, Tk); True = this query may attend to this key
Steps: project with W_q, W_k, W_v; split d_model into n_heads heads of d_head = d_model // n_heads;
in each head, softmax(q k^T / sqrt(d_head)) @ v over the allowed keys; join the heads back into
d_model channels; project with W_o.

Forbidden: torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention and
torch.nn.functional.multi_head_attention_forward.

Example:
    >>> _ = torch.manual_seed(0)
    >>> mha = MultiHeadAttention(d_model=8, n_heads=2)
    >>> x = torch.randn(1, 3, 8)                 # self-attention: query = key = value
    >>> mha(x, x, x).shape
    torch.Size([1, 3, 8])
"""

import math

import torch
import torch.nn as nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.n_heads = n_heads
        self.d_head = d_model // n_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)
        # the grader loads one state_dict into your module and the reference: keep these four

    def forward(self, query, key, value, mask=None):
        # llmprep: solution begin
        B, Tq, C = query.size()
        Tk = key.size(1)
        H, D = self.n_heads, self.d_head
        q = self.W_q(query).view(B, Tq, H, D).transpose(1, 2)  # (B, H, Tq, D)
        k = self.W_k(key).view(B, Tk, H, D).transpose(1, 2)  # (B, H, Tk, D)
        v = self.W_v(value).view(B, Tk, H, D).transpose(1, 2)  # (B, H, Tk, D)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D)  # (B, H, Tq, Tk)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        if mask is not None:
            weights = weights.masked_fill(~mask, 0.0)  # a query with no allowed key: zeros, not NaN
        out = (weights @ v).transpose(1, 2).contiguous().view(B, Tq, C)  # (B, Tq, H * D)
        return self.W_o(out)
        # llmprep: solution end
