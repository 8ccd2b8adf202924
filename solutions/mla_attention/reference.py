"""Multi-head latent attention (MLA) at inference, with absorbed up-projections (DeepSeek-AI 2024,
"DeepSeek-V2", section 2.1; the decoupled RoPE keys are left out here).

Task
    MLA caches one small latent per token, c = x W_dkv of width d_c, instead of per-head keys and
    values. Keys and values are up-projections of it: k_h = c W_uk_h, v_h = c W_uv_h. At inference
    the up-projections are absorbed: since q_h . k_h = (q_h W_uk_h^T) . c, each query is mapped
    into the latent space once and scored against the cached latents directly, and the attention
    output is combined in latent space before W_uv_h (and then W_o) is applied. Write one decoding
    call: append the new latents to the cache and attend causally over all of it.

Shapes
    x: (B, T, d_model), the T new tokens.
    w_q: (d_model, H*d_h); w_dkv: (d_model, d_c); w_uk, w_uv: (d_c, H*d_h); w_o: (H*d_h, d_model).
        Head h owns columns h*d_h .. (h+1)*d_h - 1 of w_q, w_uk and w_uv (rows of w_o).
    cache: (B, P, d_c), the latents of the P earlier tokens, or None (P = 0).
    Returns (out (B, T, d_model), cache (B, P + T, d_c)): the new cache holds latents, never keys.

Convention
    q_h = x W_q[:, head h]                     scores = q_h k_h^T / sqrt(d_h)   (d_h, not d_c)
    New token i sits at position P + i and sees cached and new tokens 0 .. P + i.
    out = concat_h(softmax(scores) v_h) W_o
    This equals the naive form exactly (up to rounding), so grading compares values. Build the
    absorbed form: in the long-cache case the grader limits the largest tensor your call creates
    to half the size of the per-head keys (B, H, P + T, d_h), so they cannot be materialised.

Forbidden
    torch.nn.functional.scaled_dot_product_attention, torch.nn.MultiheadAttention.

Example
    >>> x = torch.tensor([[[1., 0.], [0., 1.]]])            # B = 1, T = 2, d_model = 2
    >>> w_dkv, w_uk, w_uv = torch.tensor([[1.], [2.]]), torch.tensor([[1., -1.]]), torch.tensor([[1., 2.]])
    >>> out, cache = mla_attention(x, w_dkv, w_uk, w_uv, torch.eye(2), torch.eye(2), n_heads=2)
    >>> out                       # head 1 of token 1: scores -1, -2 over values 2, 4
    tensor([[[1.0000, 2.0000],
             [1.5000, 2.5379]]])
    >>> cache                     # the latents x @ w_dkv, d_c = 1
    tensor([[[1.],
             [2.]]])
"""

import math

import torch


def mla_attention(x, w_dkv, w_uk, w_uv, w_q, w_o, n_heads, cache=None):
    # llmprep: solution begin
    B, T, _ = x.shape
    d_c = w_dkv.shape[1]
    H = n_heads
    d_h = w_q.shape[1] // H
    c = x @ w_dkv  # (B, T, d_c)
    if cache is not None:
        c = torch.cat((cache, c), dim=1)  # (B, S, d_c), S = P + T
    S = c.shape[1]
    q = (x @ w_q).view(B, T, H, d_h).transpose(1, 2)  # (B, H, T, d_h)
    uk = w_uk.view(d_c, H, d_h)  # (d_c, H, d_h): W_uk_h = uk[:, h]
    q_lat = torch.einsum("bhtd,chd->bhtc", q, uk)  # (B, H, T, d_c) = q_h W_uk_h^T
    att = q_lat @ c.unsqueeze(1).transpose(-2, -1) / math.sqrt(d_h)  # (B, H, T, S)
    allowed = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(diagonal=S - T)
    att = att.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
    o_lat = att @ c.unsqueeze(1)  # (B, H, T, d_c)
    o = torch.einsum("bhtc,chd->bthd", o_lat, w_uv.view(d_c, H, d_h))  # (B, T, H, d_h)
    return o.reshape(B, T, H * d_h) @ w_o, c
    # llmprep: solution end
