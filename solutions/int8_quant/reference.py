"""Symmetric per-channel int8 weight quantization.

Write `quantize_int8(w) -> (q, scale)`: the weight-only int8 scheme (one scale per output channel)
that LLM.int8-style and many serving stacks start from. Dequantized, q.to(w.dtype) * scale[:, None]
approximates w with an error of at most scale / 2 per entry.

Shapes:
    w      (out_features, in_features) float: a linear layer's weight
    q      (out_features, in_features) torch.int8, values in [-127, 127]
    scale  (out_features,) in the dtype of w

Rules, row by row (one output channel per row):
    scale = max(|w_row|) / 127, and 1.0 for a row that is all zeros
    q     = clamp(round(w_row / scale), -127, 127), where round sends halves to the even
            neighbour (2.5 -> 2, 3.5 -> 4), as torch.round does; divide by the scale itself
            (not w * 127 / max), so that an exact half stays exact
Compute in the dtype of w; do not modify w.

Example:
    >>> w = torch.tensor([[127.0, -2.5, 0.4], [0.0, 0.0, 0.0]])
    >>> quantize_int8(w)        # row 0: scale 1, -2.5 rounds to -2; row 1: all zeros, scale 1
    (tensor([[127,  -2,   0],
            [  0,   0,   0]], dtype=torch.int8), tensor([1., 1.]))
"""

import torch


def quantize_int8(w):
    # llmprep: solution begin
    amax = w.abs().amax(dim=1)  # (out,)
    scale = torch.where(amax > 0, amax / 127, torch.ones_like(amax))  # (out,)
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)  # (out, in)
    return q, scale
    # llmprep: solution end
