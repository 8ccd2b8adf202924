"""Top-k then top-p (nucleus) filtering of next-token logits.

Write `top_k_top_p_filter(logits, top_k=0, top_p=1.0)`, the step before sampling that removes the
unlikely tail, as HuggingFace's TopKLogitsWarper followed by TopPLogitsWarper do.

Shapes:
    logits  (..., V) float: scores over the vocabulary (some may already be -inf)
    returns (..., V) in the same dtype: kept entries unchanged, removed entries set to -inf

Rules, row by row:
    1. top-k (skipped when top_k == 0): let s be the k-th largest logit (k = min(top_k, V)); keep
       every entry >= s. Entries tied with s are all kept, so more than k may survive.
    2. top-p (skipped when top_p >= 1.0), on p = softmax of the logits left by step 1: keep token i
       when the total probability of the tokens strictly more probable than i is < top_p. The
       most probable token always survives, and tokens tied in probability share one fate.
Do not modify the input tensor.

Example:
    >>> logits = torch.tensor([3.0, 1.0, 2.0, 2.0, 0.0])
    >>> top_k_top_p_filter(logits, top_k=2)              # the 2nd largest is 2.0, tied twice
    tensor([3., -inf, 2., 2., -inf])
    >>> top_k_top_p_filter(logits, top_p=0.6)            # p = [.52, .07, .19, .19, .03]
    tensor([3., -inf, 2., 2., -inf])                     # both 2.0s: .52 ahead of them < 0.6
"""

import torch


def top_k_top_p_filter(logits, top_k=0, top_p=1.0):
    # llmprep: solution begin
    if top_k > 0:
        k = min(top_k, logits.size(-1))
        kth = torch.topk(logits, k, dim=-1).values[..., -1:]  # (..., 1) the k-th largest
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        probs = torch.softmax(logits, dim=-1)  # (..., V)
        sorted_p = probs.sort(dim=-1, descending=True).values  # (..., V)
        before = sorted_p.cumsum(dim=-1) - sorted_p  # mass ranked strictly ahead of each position
        n_keep = (before < top_p).sum(dim=-1, keepdim=True)  # (..., 1), at least 1
        p_min = sorted_p.gather(-1, n_keep - 1)  # smallest kept probability
        logits = logits.masked_fill(probs < p_min, float("-inf"))
    return logits
    # llmprep: solution end
