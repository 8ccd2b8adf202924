"""Repetition penalty for decoding (Keskar et al., 2019, CTRL).

Write `apply_repetition_penalty(logits, prev_ids, penalty=1.2)`: make the tokens a sequence has
already produced less likely at its next step, as HuggingFace's RepetitionPenaltyLogitsProcessor
does.

Shapes:
    logits    (B, V) float: next-token scores, one row per sequence
    prev_ids  (B, L) long: the tokens generated so far in each row, values in [0, V)
    returns   (B, V) new logits in the same dtype; the input is not modified

Rule, per row b and for every token id v that occurs in prev_ids[b] (however often):
    logits[b, v] / penalty   if logits[b, v] > 0
    logits[b, v] * penalty   otherwise
so with penalty > 1 a previous token always loses score (dividing a negative logit would raise
it). Other tokens, and other rows' tokens, are unchanged.

Example:
    >>> logits = torch.tensor([[2.0, -1.0, 0.5, 3.0]])
    >>> apply_repetition_penalty(logits, torch.tensor([[0, 1, 0]]), penalty=2.0)
    tensor([[ 1.0000, -2.0000,  0.5000,  3.0000]])
"""

import torch


def apply_repetition_penalty(logits, prev_ids, penalty=1.2):
    # llmprep: solution begin
    seen = torch.zeros_like(logits, dtype=torch.bool).scatter(1, prev_ids, True)  # (B, V)
    penalised = torch.where(logits > 0, logits / penalty, logits * penalty)  # (B, V)
    return torch.where(seen, penalised, logits)
    # llmprep: solution end
