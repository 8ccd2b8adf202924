"""Pre-norm Transformer decoder block (GPT-2 / nanoGPT layout; Radford et al. 2019, Xiong et al. 2020).

Task
    Write the forward pass of one decoder block: causal multi-head self-attention and a GELU MLP,
    each applied to a LayerNorm of the residual stream and added back to it.

Shapes
    x: (B, T, d_model)  ->  (B, T, d_model). n_heads divides d_model; head size hs = d_model // n_heads.

Convention (the modules are fixed in __init__ below)
    h = ln_1(x)
    q, k, v = c_attn(h).split(d_model, dim=-1)                 each (B, T, d_model), in that order
    split heads: (B, T, d_model) -> (B, T, n_heads, hs) -> (B, n_heads, T, hs)
    att = softmax(q k^T / sqrt(hs) with key j > query i masked to -inf) @ v
    merge heads back to (B, T, d_model); x = x + c_proj(att)
    x = x + fc_out(gelu(fc(ln_2(x))))                           exact (erf) GELU
    No dropout. The residual adds to x itself, not to the normalized h (pre-norm, not post-norm).

Forbidden
    torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention,
    torch.nn.functional.multi_head_attention_forward.

Example
    The output keeps the input's shape, and position t depends on positions <= t only (causal).
    >>> block = TransformerBlock(d_model=8, n_heads=2, d_ff=32)
    >>> x = torch.randn(1, 3, 8)
    >>> y = block(x)
    >>> y.shape
    torch.Size([1, 3, 8])
    >>> x2 = x.clone()
    >>> x2[:, 2] += 1.0          # change the last token only
    >>> torch.allclose(block(x2)[:, :2], y[:, :2])
    True
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class TransformerBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads = n_heads
        self.ln_1 = nn.LayerNorm(d_model)
        self.c_attn = nn.Linear(d_model, 3 * d_model)  # q, k, v projections stacked
        self.c_proj = nn.Linear(d_model, d_model)
        self.ln_2 = nn.LayerNorm(d_model)
        self.fc = nn.Linear(d_model, d_ff)
        self.fc_out = nn.Linear(d_ff, d_model)

    def forward(self, x):
        # llmprep: solution begin
        B, T, C = x.shape
        hs = C // self.n_heads
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=-1)  # each (B, T, C)
        q = q.view(B, T, self.n_heads, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_heads, hs).transpose(1, 2)
        v = v.view(B, T, self.n_heads, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, nh, T, T)
        future = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
        att = att.masked_fill(future, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)  # merge heads
        x = x + self.c_proj(y)
        return x + self.fc_out(F.gelu(self.fc(self.ln_2(x))))
        # llmprep: solution end
