"""Scaled dot-product attention (Vaswani et al. 2017, "Attention Is All You Need", section 3.2.1).

Write `scaled_dot_product_attention(q, k, v, mask=None) -> (output, weights)`.

Shapes (the leading `...` are any batch or head dimensions, shared by q, k and v):
    q     (..., Tq, d)    one query per row
    k     (..., Tk, d)    one key per row
    v     (..., Tk, dv)   one value per key
    mask  bool, broadcastable to (..., Tq, Tk); True = this query may attend to this key
Returns:
    weights (..., Tq, Tk) = softmax over the keys of q k^T / sqrt(d), exactly 0 where mask is False
    output  (..., Tq, dv) = weights @ v
A query whose keys are all masked gets zero weights and a zero output, never NaN.

Forbidden: torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention and
torch.nn.functional.multi_head_attention_forward. torch.softmax is allowed here.

Example:
    >>> q = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])          # (1, 2, 2)
    >>> v = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])          # (1, 2, 2)
    >>> mask = torch.tensor([[True, False], [True, True]])    # query 0 sees key 0 only
    >>> output, weights = scaled_dot_product_attention(q, q, v, mask)
    >>> weights        # row 1: softmax([0, 1/sqrt(2)])
    tensor([[[1.0000, 0.0000],
             [0.3302, 0.6698]]])
    >>> output
    tensor([[[1.0000, 2.0000],
             [2.3395, 3.3395]]])
"""

import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    # llmprep: solution begin
    d = q.size(-1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)  # (..., Tq, Tk)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # a row with every key masked is NaN here...
    if mask is not None:
        weights = weights.masked_fill(~mask, 0.0)  # ...and exactly 0 after this
    output = weights @ v  # (..., Tq, dv)
    return output, weights
    # llmprep: solution end
