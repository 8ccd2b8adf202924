"""Causal sliding-window attention (local attention as in Longformer and Mistral 7B).

Task
    Scaled dot-product attention in which each query sees only the most recent `window` keys,
    itself included. Memory and compute per query no longer grow with the sequence length.

Shapes
    q, k: (..., T, d); v: (..., T, dv); window: int >= 1  ->  (..., T, dv).

Convention
    Query i may attend to key j exactly when i - window < j <= i (so `window` keys at most,
    fewer near the start). Scores are q k^T / sqrt(d); disallowed scores are -inf before the
    softmax over keys; out = weights @ v. window >= T is plain causal attention; window = 1 returns v.

Forbidden
    torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention,
    torch.nn.functional.multi_head_attention_forward.

Example
    window = 2 and all scores 0: query 0 sees key 0, query 1 keys 0-1, query 2 keys 1-2, query 3
    keys 2-3, so each output row is the mean of those values.
    >>> q = k = torch.zeros(4, 1)
    >>> v = torch.tensor([[1.], [2.], [3.], [4.]])
    >>> sliding_window_attention(q, k, v, window=2).flatten()
    tensor([1.0000, 1.5000, 2.5000, 3.5000])
"""

import math

import torch


def sliding_window_attention(q, k, v, window):
    # llmprep: solution begin
    T = q.shape[-2]
    i = torch.arange(T, device=q.device)
    lag = i[:, None] - i[None, :]  # (T, T): query index minus key index
    allowed = (lag >= 0) & (lag < window)  # causal and within the window
    att = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])  # (..., T, T)
    att = att.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
    return att @ v  # (..., T, dv)
    # llmprep: solution end
