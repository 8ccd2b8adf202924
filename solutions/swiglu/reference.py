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
    By hand, with d_model = 2 and d_ff = 1: the hidden unit is silu(2) * 3 = 5.2848.
    >>> mlp = SwiGLU(d_model=2, d_ff=1)
    >>> mlp.gate_proj.weight.data = torch.tensor([[1., 0.]])
    >>> mlp.up_proj.weight.data = torch.tensor([[0., 1.]])
    >>> mlp.down_proj.weight.data = torch.tensor([[1.], [2.]])
    >>> mlp(torch.tensor([2., 3.]))
    tensor([ 5.2848, 10.5696], grad_fn=<SqueezeBackward4>)
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
        gate = self.gate_proj(x)  # (..., d_ff)
        hidden = gate * torch.sigmoid(gate) * self.up_proj(x)  # (..., d_ff), silu(gate) * up
        return self.down_proj(hidden)  # (..., d_model)
        # llmprep: solution end
