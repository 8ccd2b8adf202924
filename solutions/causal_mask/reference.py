"""The causal (look-ahead) mask of a decoder-only transformer (as in GPT: Radford et al. 2018).

Write `causal_mask(seq_len, device=None) -> BoolTensor of shape (seq_len, seq_len)`.

Entry [i, j] is True when query position i may attend to key position j, that is when j <= i:
each token sees itself and the tokens before it, never the ones after it. The mask uses the
"True = may attend" convention of llmprep's attention drills (torch's nn.MultiheadAttention uses
the opposite one). Create it on `device` (None means the default device).

Example:
    >>> causal_mask(4)
    tensor([[ True, False, False, False],
            [ True,  True, False, False],
            [ True,  True,  True, False],
            [ True,  True,  True,  True]])
"""

import torch


def causal_mask(seq_len, device=None):
    # llmprep: solution begin
    ones = torch.ones(seq_len, seq_len, dtype=torch.bool, device=device)  # (T, T)
    return torch.tril(ones)  # keep j <= i: the diagonal and below
    # llmprep: solution end
