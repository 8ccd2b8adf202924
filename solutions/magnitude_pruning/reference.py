"""Unstructured magnitude pruning (Han et al., 2015).

Write `magnitude_prune(w, sparsity)`: zero the weights of smallest magnitude, the simplest way to
make a model sparse before fine-tuning it back.

Arguments:
    w         a float tensor of any shape (one layer's weight)
    sparsity  a float in [0, 1]: the fraction of entries to zero
    returns   a new tensor like w with exactly k entries set to 0: the k smallest |w| over the
              whole tensor (not per row), where
                  k = math.floor(sparsity * w.numel() + 1e-6)
              The 1e-6 absorbs float rounding: 0.29 * 100 is 28.999999999999996 in floating
              point, and k must be 29, not 28.

Ties: entries of equal magnitude are pruned in flat (row-major) index order, lower index first,
so exactly k entries are zeroed even when several share the cut-off magnitude. Do not modify w.

Example:
    >>> w = torch.tensor([[0.5, -0.1, 2.0], [-0.3, 0.1, 1.0]])
    >>> magnitude_prune(w, 0.2)       # k = floor(1.2) = 1: -0.1 and 0.1 tie, the lower index goes
    tensor([[ 0.5000,  0.0000,  2.0000],
            [-0.3000,  0.1000,  1.0000]])
"""

import math

import torch


def magnitude_prune(w, sparsity):
    # llmprep: solution begin
    k = math.floor(sparsity * w.numel() + 1e-6)  # not 28 for 0.29 * 100
    flat = w.reshape(-1)
    order = torch.sort(flat.abs(), stable=True).indices  # ascending |w|, ties by index
    keep = torch.ones_like(flat, dtype=torch.bool)
    keep[order[:k]] = False
    return flat.masked_fill(~keep, 0.0).reshape(w.shape)
    # llmprep: solution end
