"""Minimum risk training loss (Shen et al., 2016).

Write `mrt_loss(cand_logprobs, risks, alpha=1.0)`: train a sequence model to put its probability
on low-risk outputs (risk = 1 - BLEU, an edit distance, ...) by minimising the expected risk over a
few sampled candidates per input.

Shapes:
    cand_logprobs  (B, S) float: log p(y_s | x_b) of S sampled candidates per input (has gradient)
    risks          (B, S) float: the risk of each candidate (a constant)
    returns a 0-dim tensor

Definition: the model's distribution restricted to the samples and sharpened by alpha,
    Q[b, s] = p(y_s)^alpha / sum_s' p(y_s')^alpha = softmax(alpha * cand_logprobs[b])[s]
    loss    = mean over b of sum_s Q[b, s] * risks[b, s]
Log-probabilities of whole sequences are large and negative (tens to about -1000): normalise in
log space, never through exp(log p), which underflows to 0 even in float64 below about -745.

Example:
    >>> lp = torch.log(torch.tensor([[0.2, 0.6]])); risk = torch.tensor([[1.0, 0.0]])
    >>> mrt_loss(lp, risk)                  # Q = [0.25, 0.75]: 0.25 * 1 + 0.75 * 0
    tensor(0.2500)
"""

import torch


def mrt_loss(cand_logprobs, risks, alpha=1.0):
    # llmprep: solution begin
    q = torch.softmax(alpha * cand_logprobs, dim=-1)  # (B, S) renormalised over the samples
    return (q * risks.detach()).sum(dim=-1).mean()
    # llmprep: solution end
