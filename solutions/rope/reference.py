"""Rotary position embedding, RoPE (Su et al. 2021, "RoFormer"), in the rotate-half layout.

Task
    Rotate the feature pairs of x by position-dependent angles, as LLaMA and Qwen do in Hugging Face
    transformers, so that q . k after rotation depends only on the distance between positions.

Shapes
    x: (..., T, D) with D even; positions: LongTensor (T,) or None (then arange(T)).
    Returns a tensor shaped and typed like x.

Convention (rotate-half, pairs are (j, j + D/2), not neighbours)
    inv_freq[i] = base^(-2i / D) for i < D/2
    angles      = positions[:, None] * inv_freq[None, :]           (T, D/2)
    cos, sin    = cos(cat(angles, angles)), sin(cat(angles, angles))  (T, D)
    rotate_half(x) = cat(-x[..., D/2:], x[..., :D/2])
    out = x * cos + rotate_half(x) * sin
    Compute angles, cos and sin in float64 when x is float64 and in float32 otherwise; return
    x's dtype.

Forbidden
    Nothing; write the rotation yourself (no library rotary helpers).

Example
    >>> x = torch.tensor([[1., 0., 0., 0.], [1., 0., 0., 0.], [1., 0., 1., 0.]])
    >>> apply_rope(x)          # positions 0, 1, 2
    tensor([[ 1.0000,  0.0000,  0.0000,  0.0000],
            [ 0.5403,  0.0000,  0.8415,  0.0000],
            [-1.3254,  0.0000,  0.4932,  0.0000]])
"""

import torch


def apply_rope(x, positions=None, base=10000.0):
    # llmprep: solution begin
    T, D = x.shape[-2], x.shape[-1]
    assert D % 2 == 0, "head dim must be even"
    if positions is None:
        positions = torch.arange(T, device=x.device)
    work = torch.float64 if x.dtype == torch.float64 else torch.float32
    inv_freq = base ** (-torch.arange(0, D, 2, device=x.device, dtype=work) / D)  # (D/2,)
    angles = positions.to(work)[:, None] * inv_freq[None, :]  # (T, D/2)
    emb = torch.cat((angles, angles), dim=-1)  # (T, D)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    x1, x2 = x[..., : D // 2], x[..., D // 2 :]  # (..., T, D/2) each
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin
    # llmprep: solution end
