"""Numerically stable softmax (Bridle 1990; the max-subtraction trick used by every framework).

Write `softmax(x, dim=-1)`: exp(x) / sum(exp(x)) along `dim`, for a tensor of any shape.

Conventions:
    - stable for large magnitudes: inputs near 1e4 (or -1e4) must not give inf or NaN. Softmax
      does not change when a constant is subtracted along `dim`, so subtract the maximum first.
    - an entry equal to -inf gets probability exactly 0 (rows that are entirely -inf are not tested).
    - the output has the input's shape and dtype. bfloat16/float16 inputs must come out as
      accurate as torch.softmax gives them: subtracting the max is exact there, whereas a
      logsumexp rounded to bf16 is off by whole units near 1e3 (compute it in float32).

Forbidden: torch.softmax, torch.nn.functional.softmax, Tensor.softmax, the log_softmax versions,
torch.special.softmax and torch.nn.Softmax. torch.exp, max/amax and sum are yours to use.

Example:
    >>> x = torch.tensor([[1.0, 2.0, 3.0], [1000.0, 1000.0, float("-inf")]])
    >>> softmax(x, dim=-1)
    tensor([[0.0900, 0.2447, 0.6652],
            [0.5000, 0.5000, 0.0000]])
"""


def softmax(x, dim=-1):
    # llmprep: solution begin
    shifted = x - x.amax(dim=dim, keepdim=True).detach()  # the largest entry becomes 0: exp cannot overflow
    e = shifted.exp()  # -inf entries give exactly 0
    return e / e.sum(dim=dim, keepdim=True)
    # llmprep: solution end
