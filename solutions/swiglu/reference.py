"""SwiGLU feed-forward block (Shazeer 2020, "GLU Variants Improve Transformer"), as in LLaMA and Qwen.

Task
    Write the forward pass of a gated feed-forward layer: the SiLU of one projection gates another
    projection elementwise, and a third projection maps the result back to d_model.

Shapes
    x: (..., d_model)  ->  (..., d_model).
    gate_proj, up_proj: d_model -> d_ff, down_proj: d_ff -> d_model, all without bias (fixed below).

Convention
    out = down_proj(silu(gate_proj(x)) * up_proj(x)),   silu(z) = z * sigmoid(z)
    The SiLU goes on gate_proj's output only; up_proj's output is the ungated "value".

Forbidden
    Nothing (F.silu is allowed).

Example
    SwiGLU(d_model=8, d_ff=16) maps x of shape (1, 3, 8) to (1, 3, 8). By hand, with d_model = 2,
    d_ff = 1, gate_proj.weight = [[1, 0]], up_proj.weight = [[0, 1]] and down_proj.weight =
    [[1], [2]], the input [2., 3.] gives silu(2) * 3 = 5.2848 in the hidden unit, so the output is
    [5.2848, 10.5696].
"""

import torch
import torch.nn as nn


class SwiGLU(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.gate_proj = nn.Linear(d_model, d_ff, bias=False)
        self.up_proj = nn.Linear(d_model, d_ff, bias=False)
        self.down_proj = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x):
        # llmprep: solution begin
        gate = self.gate_proj(x)                               # (..., d_ff)
        hidden = gate * torch.sigmoid(gate) * self.up_proj(x)  # (..., d_ff), silu(gate) * up
        return self.down_proj(hidden)                          # (..., d_model)
        # llmprep: solution end
