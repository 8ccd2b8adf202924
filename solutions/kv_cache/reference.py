"""Attention with a key/value cache, the core of incremental (autoregressive) decoding.

Task
    Process t new tokens given the keys and values of the P tokens already decoded: append the new
    keys/values to the cache and attend causally over the whole cache. Feeding a sequence in any
    split (all at once, one token at a time, or in chunks) must give the same outputs as full causal
    attention over the sequence.

Shapes
    q, k, v: (..., t, d) for the t new tokens (t >= 1).
    k_cache, v_cache: (..., P, d) for the earlier tokens, or None (same as P = 0).
    Returns (out, k_cache, v_cache): out (..., t, d); the updated caches (..., P + t, d).

Convention
    New token i sits at absolute position P + i and may attend to keys 0 .. P + i: all cached keys
    and new keys up to itself. The mask is aligned to the bottom-right of the (t, P + t) score
    matrix, not the top-left. Scores are scaled by 1/sqrt(d); masked scores are -inf before softmax.
    The new keys/values go after the cached ones (concatenate along the token dimension, -2).
    Gradients are checked for q, k and v through `out` only: the returned caches are compared by
    value, so detaching them (as decoding under torch.no_grad() does) is fine.

Forbidden
    torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention,
    torch.nn.functional.multi_head_attention_forward.

Example
    One decoding step with P = 2 cached tokens and d = 1; all three scores are 0.
    >>> k_cache, v_cache = torch.zeros(2, 1), torch.tensor([[1.], [3.]])
    >>> q, k, v = torch.ones(1, 1), torch.zeros(1, 1), torch.tensor([[5.]])
    >>> out, k_cache, v_cache = attend_with_kv_cache(q, k, v, k_cache, v_cache)
    >>> out                      # the mean of 1, 3 and 5
    tensor([[3.]])
    >>> v_cache.flatten(), k_cache.shape
    (tensor([1., 3., 5.]), torch.Size([3, 1]))
"""

import math

import torch


def attend_with_kv_cache(q, k, v, k_cache=None, v_cache=None):
    # llmprep: solution begin
    if k_cache is not None:
        k = torch.cat((k_cache, k), dim=-2)  # (..., P + t, d)
        v = torch.cat((v_cache, v), dim=-2)
    t, S = q.shape[-2], k.shape[-2]  # S = P + t
    att = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])  # (..., t, S)
    # row i (absolute position S - t + i) may see columns 0 .. S - t + i
    allowed = torch.ones(t, S, dtype=torch.bool, device=q.device).tril(diagonal=S - t)
    att = att.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
    return att @ v, k, v
    # llmprep: solution end
