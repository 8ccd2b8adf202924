"""Tiled attention with an online softmax, the algorithm behind FlashAttention (Dao et al. 2022).

Task
    Compute softmax(q k^T / sqrt(d)) @ v block by block, keeping for each query a running maximum m,
    a running normalizer l and a running weighted sum of values, so that no full (Tq, Tk) score or
    weight matrix is ever built. Only (block_size, block_size) tiles of scores may exist at once.

Shapes
    q: (..., Tq, d); k: (..., Tk, d); v: (..., Tk, dv)  ->  (..., Tq, dv).
    block_size: int >= 1 (tiles of queries and of keys). causal=True requires Tq == Tk and lets
    query i see keys j <= i.

Convention (per query row, for each key block with scores s)
    m_new = max(m, max_j s_j);  c = exp(m - m_new)
    l     = c * l + sum_j exp(s_j - m_new)
    acc   = c * acc + sum_j exp(s_j - m_new) v_j
    m     = m_new;  finally out = acc / l.
    Start from m = -inf, l = 0, acc = 0. The result must equal ordinary softmax attention.

Forbidden
    torch.nn.functional.scaled_dot_product_attention, softmax in any form (torch.softmax,
    torch.nn.functional.softmax, Tensor.softmax, log_softmax): the point is the online softmax.
    Memory is part of the answer: the grader measures every tensor your call creates, and per
    (batch, head) none may hold more elements than one (block_size, block_size) tile or than q,
    k, v or the output. A full (Tq, Tk) score matrix fails, and so does a (block_size, Tk) row of
    scores (a query tile scored against all keys at once, without the online softmax).

Example
    Three keys with equal scores and block_size=2: the first block gives m = 0, l = 2, acc = 3;
    the second keeps m = 0 and gives l = 3, acc = 9; out = acc / l.
    >>> q, k = torch.zeros(1, 1), torch.zeros(3, 1)
    >>> v = torch.tensor([[1.], [2.], [6.]])
    >>> flash_attention(q, k, v, block_size=2)
    tensor([[3.]])
"""

import math

import torch


def flash_attention(q, k, v, block_size=64, causal=False):
    # llmprep: solution begin
    Tq, Tk, d = q.shape[-2], k.shape[-2], q.shape[-1]
    assert not causal or Tq == Tk, "causal attention needs Tq == Tk"
    scale = 1.0 / math.sqrt(d)
    out = []
    for qs in range(0, Tq, block_size):
        qb = q[..., qs : qs + block_size, :] * scale  # (..., bq, d)
        m = torch.full_like(qb[..., :1], float("-inf"))  # (..., bq, 1) running max
        l = torch.zeros_like(m)  # (..., bq, 1) running normalizer
        acc = torch.zeros(*qb.shape[:-1], v.shape[-1], dtype=v.dtype, device=v.device)  # (..., bq, dv)
        q_end = qs + qb.shape[-2]
        for ks in range(0, q_end if causal else Tk, block_size):  # causal: skip blocks after the queries
            s = qb @ k[..., ks : ks + block_size, :].transpose(-2, -1)  # (..., bq, bk) one tile
            if causal:
                qi = torch.arange(qs, q_end, device=q.device)[:, None]
                kj = torch.arange(ks, ks + s.shape[-1], device=q.device)[None, :]
                s = s.masked_fill(kj > qi, float("-inf"))
            m_new = torch.maximum(m, s.amax(dim=-1, keepdim=True))
            p = torch.exp(s - m_new)  # (..., bq, bk)
            c = torch.exp(m - m_new)  # rescales the old sums
            l = c * l + p.sum(dim=-1, keepdim=True)
            acc = c * acc + p @ v[..., ks : ks + block_size, :]
            m = m_new
        out.append(acc / l)
    return torch.cat(out, dim=-2)  # (..., Tq, dv)
    # llmprep: solution end
