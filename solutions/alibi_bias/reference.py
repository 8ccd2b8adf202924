"""ALiBi: attention with linear biases (Press, Smith and Lewis, 2022, "Train Short, Test Long").

ALiBi adds no position embedding to the tokens. Instead every head h penalises each attention
score by its own slope m_h times the distance between query and key, so far-away keys count less,
and the same rule extends to sequences longer than the ones seen in training.

Write `alibi_bias(n_heads, seq_len, dtype=torch.float32, device=None) -> (slopes, bias)`.

Shapes:
    slopes  (H,) in `dtype`: m_1 .. m_H, one per head, in head order
    bias    (H, T, T) in `dtype`: added to the (B, H, T, T) scores q k^T / sqrt(d) before softmax

Slopes (the rule of the paper's reference code):
    - H a power of two: the geometric sequence m_k = 2^(-8k / H) for k = 1 .. H, so the first head
      has the steepest slope (H = 8: 1/2, 1/4, ..., 1/256).
    - any other H: let P be the largest power of two below H. Take the P slopes for P heads, then
      append the slopes of 2P heads with odd k (k = 1, 3, 5, ...), the first H - P of them.
      (H = 12: the 8 slopes for 8 heads, then 2^(-k/2) for k = 1, 3, 5, 7.)
Bias, for query position i and key position j:
    bias[h, i, j] = -m_h * (i - j)   when j <= i (zero on the diagonal, more negative further back)
    bias[h, i, j] = -inf             when j > i  (causal: a query never sees later keys)
Compute in float64 and convert at the end, so every dtype gets correctly rounded values. Create the
tensors on `device` (None: the default device).

Example:
    >>> slopes, bias = alibi_bias(4, 3)
    >>> slopes                                  # 2^-2, 2^-4, 2^-6, 2^-8
    tensor([0.2500, 0.0625, 0.0156, 0.0039])
    >>> bias[0]
    tensor([[ 0.0000,    -inf,    -inf],
            [-0.2500,  0.0000,    -inf],
            [-0.5000, -0.2500,  0.0000]])
    >>> alibi_bias(3, 1)[0]                     # P = 2: 2^-4, 2^-8, then k = 1 of 4 heads: 2^-2
    tensor([0.0625, 0.0039, 0.2500])
"""

import torch


def alibi_bias(n_heads, seq_len, dtype=torch.float32, device=None):
    # llmprep: solution begin
    H, T = n_heads, seq_len
    P = 1 << (H.bit_length() - 1)  # the largest power of two <= H
    slopes = [2.0 ** (-8.0 * k / P) for k in range(1, P + 1)]
    slopes += [2.0 ** (-8.0 * k / (2 * P)) for k in range(1, 2 * (H - P), 2)]  # odd k of 2P heads
    m = torch.tensor(slopes, dtype=torch.float64, device=device)  # (H,)
    pos = torch.arange(T, dtype=torch.float64, device=device)
    offset = pos[None, :] - pos[:, None]  # (T, T) j - i: 0 on the diagonal, -1 for the previous key
    bias = m[:, None, None] * offset  # (H, T, T) -m_h * (i - j)
    bias = bias.masked_fill(offset > 0, float("-inf"))  # j > i: a future key
    return m.to(dtype), bias.to(dtype)
    # llmprep: solution end
