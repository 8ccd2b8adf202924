"""Last-token pooling: the sequence summary a decoder-only reward model scores.

Write `last_token_pool(hidden, attention_mask)`: for every row, the hidden state at its last real
token. A causal model has seen the whole sequence only there, so reward models and embedding
models built on decoder-only LMs read it from that position (not from position 0, and not from
position T - 1, which is padding in shorter rows).

Shapes:
    hidden          (B, T, D) float: the last layer's hidden states
    attention_mask  (B, T) long or bool: 1/True on real tokens; padding may be on the right or on
                    the left, and every row has at least one real token
    returns         (B, D)

Example:
    >>> h = torch.arange(12.0).reshape(2, 3, 2)           # row 0: [[0,1],[2,3],[4,5]]
    >>> mask = torch.tensor([[1, 1, 0], [0, 1, 1]])       # right-padded, left-padded
    >>> last_token_pool(h, mask)
    tensor([[ 2.,  3.],
            [10., 11.]])
"""

import torch


def last_token_pool(hidden, attention_mask):
    # llmprep: solution begin
    B, T, D = hidden.shape
    real = attention_mask.bool()  # (B, T)
    positions = torch.arange(T, device=hidden.device).expand(B, T)  # (B, T)
    last = torch.where(real, positions, -1).amax(dim=1)  # (B,) index of the last real token
    return hidden[torch.arange(B, device=hidden.device), last]  # (B, D)
    # llmprep: solution end
