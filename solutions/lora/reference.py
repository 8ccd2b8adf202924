"""LoRA linear layer (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models").

Task
    Write the forward pass of a linear layer whose pretrained weight is frozen and whose update is
    learned as a low-rank product: W + (alpha / rank) * B A.

Shapes
    x: (..., in_features)  ->  (..., out_features).
    weight (out, in) and bias (out,): frozen (requires_grad=False).
    lora_A (rank, in): trainable, random; lora_B (out, rank): trainable, zeros, so training starts
    from exactly the pretrained layer.

Convention
    out = x W^T + b + (alpha / rank) * (x A^T) B^T
    The scale is alpha / rank (not alpha). Gradients must reach lora_A and lora_B only: use the
    parameters as they are, do not re-create or re-register them.

Forbidden
    Nothing.

Example
    A fresh layer has lora_B = 0 and returns exactly x @ weight.T + bias. With values set by hand,
    rank = 1 and alpha = 4 (scale 4):
    >>> layer = LoRALinear(in_features=2, out_features=1, rank=1, alpha=4)
    >>> layer.weight.data, layer.bias.data = torch.tensor([[1., 0.]]), torch.zeros(1)
    >>> layer.lora_A.data, layer.lora_B.data = torch.tensor([[0., 1.]]), torch.tensor([[0.5]])
    >>> layer(torch.tensor([[2., 3.]]))          # 2 + 0 + 4 * (3 * 0.5)
    tensor([[8.]], grad_fn=<AddBackward0>)
"""

import math

import torch
import torch.nn as nn


class LoRALinear(nn.Module):
    # fixed: the learner writes forward only

    def __init__(self, in_features, out_features, rank=8, alpha=16):
        # weight and bias stand for a pretrained layer; only lora_A and lora_B train
        super().__init__()
        self.rank = rank
        self.alpha = alpha
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(-bound, bound), requires_grad=False)
        self.bias = nn.Parameter(torch.empty(out_features).uniform_(-bound, bound), requires_grad=False)
        self.lora_A = nn.Parameter(torch.empty(rank, in_features).uniform_(-bound, bound))
        self.lora_B = nn.Parameter(torch.zeros(out_features, rank))

    def forward(self, x):
        # llmprep: solution begin
        frozen = x @ self.weight.T + self.bias  # (..., out)
        update = (x @ self.lora_A.T) @ self.lora_B.T  # (..., rank) -> (..., out)
        return frozen + (self.alpha / self.rank) * update
        # llmprep: solution end
