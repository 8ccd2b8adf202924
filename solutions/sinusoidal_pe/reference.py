"""Sinusoidal positional encoding (Vaswani et al. 2017, "Attention Is All You Need", section 3.5).

Task
    Return the fixed table of positional encodings that the original Transformer adds to its
    token embeddings.

Shapes
    seq_len: int >= 1, d_model: even int >= 2  ->  Tensor (seq_len, d_model), dtype float32.

Convention
    For position p and pair index i (0 <= i < d_model / 2):
        PE[p, 2i]     = sin(p / 10000^(2i / d_model))
        PE[p, 2i + 1] = cos(p / 10000^(2i / d_model))
    Sines fill the even columns and cosines the odd ones (interleaved, not two halves).

Forbidden
    Nothing; plain tensor ops. A Python loop over positions works but is slow.

Example
    >>> sinusoidal_positional_encoding(3, 4)
    tensor([[ 0.0000,  1.0000,  0.0000,  1.0000],
            [ 0.8415,  0.5403,  0.0100,  0.9999],
            [ 0.9093, -0.4161,  0.0200,  0.9998]])
"""

import torch


def sinusoidal_positional_encoding(seq_len, d_model):
    # llmprep: solution begin
    assert d_model % 2 == 0, "d_model must be even"
    pos = torch.arange(seq_len, dtype=torch.float32)[:, None]  # (T, 1)
    inv_freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)  # (D/2,)
    angles = pos * inv_freq  # (T, D/2)
    # (T, D/2, 2) -> (T, D): sin of pair i lands in column 2i, cos in column 2i + 1
    return torch.stack((angles.sin(), angles.cos()), dim=-1).flatten(-2)
    # llmprep: solution end
