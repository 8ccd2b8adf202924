import math


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = (q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))).detach()
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = (scores - scores.amax(-1, keepdim=True).nan_to_num(0.0)).exp()
    weights = (weights / weights.sum(-1, keepdim=True)).nan_to_num(0.0)
    return weights @ v, weights
