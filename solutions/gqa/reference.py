"""Grouped-query attention, GQA (Ainslie et al. 2023), as in LLaMA 2/3 and Qwen 2.

Task
    Attend with more query heads than key/value heads: each group of Hq // Hkv consecutive query
    heads shares one key/value head. Hkv == Hq is ordinary multi-head attention, Hkv == 1 is
    multi-query attention.

Shapes
    q: (B, Hq, T, d); k, v: (B, Hkv, T, d), with Hq divisible by Hkv  ->  (B, Hq, T, d).

Convention
    Query head h uses key/value head h // (Hq // Hkv)  (so heads 0,1 -> kv 0 and 2,3 -> kv 1 when
    Hq = 4, Hkv = 2; this is repeat_interleave, not repeat/tile).
    scores = q k^T / sqrt(d); with causal=True query i sees keys j <= i (masked scores -> -inf);
    softmax over keys; output = weights @ v.

Forbidden
    torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention,
    torch.nn.functional.multi_head_attention_forward.

Example
    Hq = 4 query heads share Hkv = 2 kv heads; all scores are equal, so with causal=True query 0
    sees only key 0 and query 1 averages keys 0 and 1.
    >>> q, k = torch.ones(1, 4, 2, 2), torch.zeros(1, 2, 2, 2)
    >>> v = torch.tensor([[[[1., 1.], [3., 3.]], [[5., 5.], [7., 7.]]]])   # (1, 2, 2, 2)
    >>> out = grouped_query_attention(q, k, v, causal=True)
    >>> out[0, :, :, 0]          # rows: heads 0-3; heads 0, 1 use kv head 0, heads 2, 3 kv head 1
    tensor([[1., 2.],
            [1., 2.],
            [5., 6.],
            [5., 6.]])
"""

import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    # llmprep: solution begin
    B, Hq, T, d = q.shape
    Hkv = k.shape[1]
    assert Hq % Hkv == 0, "Hq must be a multiple of Hkv"
    k = k.repeat_interleave(Hq // Hkv, dim=1)  # (B, Hq, T, d): head h -> kv h // group
    v = v.repeat_interleave(Hq // Hkv, dim=1)  # (B, Hq, T, d)
    att = (q @ k.transpose(-2, -1)) / math.sqrt(d)  # (B, Hq, T, T)
    if causal:
        allowed = torch.ones(T, T, dtype=torch.bool, device=q.device).tril()
        att = att.masked_fill(~allowed, float("-inf"))
    return att.softmax(dim=-1) @ v  # (B, Hq, T, d)
    # llmprep: solution end
