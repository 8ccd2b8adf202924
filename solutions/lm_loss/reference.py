"""Causal language-model loss (next-token cross-entropy).

Write `causal_lm_loss(logits, labels, ignore_index=-100)`, the loss that pretrains and fine-tunes
a decoder-only model such as GPT.

Shapes:
    logits  (B, T, V) float: the model's scores at every position
    labels  (B, T)    long:  the token ids of the same sequences
    returns a 0-dim tensor in the dtype of logits

Conventions:
    - position t predicts the next token, labels[:, t + 1]: drop the last position's logits and
      the first label before comparing;
    - a target equal to ignore_index (prompt tokens, padding) is not counted;
    - the loss is the mean of -log p(target) over the counted targets of the whole batch, and 0.0
      when no target is counted;
    - it stays finite and accurate for logits as large as 1e4 (think log-sum-exp).

Forbidden: F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss.

Example:
    >>> logits = torch.tensor([[[0.0, 0.0], [2.0, 0.0], [5.0, 5.0]]])  # (1, 3, 2)
    >>> labels = torch.tensor([[1, 0, 1]])         # labels[:, 0] is never a target
    >>> causal_lm_loss(logits, labels)             # (log 2 + (log(1 + e^2) - 0)) / 2
    tensor(1.4100)
"""

import torch


def causal_lm_loss(logits, labels, ignore_index=-100):
    # llmprep: solution begin
    B, T, V = logits.shape
    logits = logits[:, :-1, :]  # (B, T-1, V) position t scores token t+1
    targets = labels[:, 1:]  # (B, T-1)
    counted = targets != ignore_index  # (B, T-1)
    safe = targets.masked_fill(~counted, 0)  # any valid id, the term is dropped below
    logz = torch.logsumexp(logits, dim=-1)  # (B, T-1)
    picked = logits.gather(-1, safe.unsqueeze(-1)).squeeze(-1)  # (B, T-1)
    nll = (logz - picked) * counted  # (B, T-1)
    return nll.sum() / counted.sum().clamp(min=1)
    # llmprep: solution end
