"""Cross-entropy with label smoothing (Szegedy et al., 2016, "Rethinking the Inception
Architecture"; the convention of torch's F.cross_entropy(..., label_smoothing=eps)).

Instead of asking for probability 1 on the true class, label smoothing trains towards the mixture
(1 - eps) * one_hot(y) + eps * uniform over all K classes, so the true class gets 1 - eps + eps/K
and every other class eps/K. This keeps logits from growing without bound and improves calibration.

Write `label_smoothing_cross_entropy(logits, targets, eps=0.1, ignore_index=-100) -> loss`.

Shapes:
    logits   (..., K) float: unnormalised class scores, the class dim last
    targets  (...) long: class ids in 0 .. K-1, or ignore_index for a position that does not count
    returns  a 0-dim tensor in the dtype of logits

Definition, for each counted position, with log p = log_softmax(logits) over the K classes:
    loss_i = (1 - eps) * (-log p[y_i])  +  eps * mean over all K classes of (-log p[k])
The result is the mean of loss_i over the counted positions only (positions whose target is
ignore_index are left out of the numerator and the denominator). Every test has at least one
counted position. It must stay finite and accurate for logits as large as 1e4.

Forbidden: torch.nn.functional.cross_entropy and torch.nn.CrossEntropyLoss. log_softmax and
logsumexp are yours to use.

Example:
    >>> logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]); targets = torch.tensor([0, -100])
    >>> label_smoothing_cross_entropy(logits, targets, eps=0.3)   # row 1 ignored
    tensor(0.6395)
"""

import torch


def label_smoothing_cross_entropy(logits, targets, eps=0.1, ignore_index=-100):
    # llmprep: solution begin
    K = logits.shape[-1]
    log_p = torch.log_softmax(logits, dim=-1)  # (..., K)
    counted = targets != ignore_index  # (...)
    safe = targets.masked_fill(~counted, 0)  # any valid id: the term is dropped below
    nll = -log_p.gather(-1, safe.unsqueeze(-1)).squeeze(-1)  # (...) -log p[y]
    uniform = -log_p.sum(dim=-1) / K  # (...) mean over classes of -log p[k]
    per_position = (1 - eps) * nll + eps * uniform
    return (per_position * counted).sum() / counted.sum()
    # llmprep: solution end
