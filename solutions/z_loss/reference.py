"""Cross-entropy with the auxiliary z-loss (Chowdhery et al. 2022, "PaLM", section 5).

Task
    PaLM adds a small penalty on log Z, the log of the softmax normaliser, so that the logits do not
    drift to huge values during long bf16 training runs. Write the combined training loss.

Shapes
    logits:  (..., V) float; every leading position is one token.
    targets: (...)    long, the class of each token, or ignore_index.
    Returns a 0-dim tensor in the dtype of logits.

Convention (no shifting: targets[...] belongs to logits[..., :])
    lse_n  = logsumexp(logits_n)                       (log Z of token n)
    CE     = mean over counted tokens of (lse_n - logits_n[target_n])
    z_term = z_coef * mean over counted tokens of lse_n ** 2
    loss   = CE + z_term
    A token whose target equals ignore_index is counted in neither mean; with no counted token
    the loss is 0.0. Logits may be as large as 1e3: keep log Z stable.

Forbidden
    F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss, nn.NLLLoss.

Example
    >>> logits = torch.tensor([[0.0, 0.0], [3.0, 1.0]])
    >>> targets = torch.tensor([1, -100])              # the second token is not counted
    >>> z_loss_cross_entropy(logits, targets, z_coef=0.5)   # log 2 + 0.5 * (log 2)^2
    tensor(0.9334)
"""

import torch


def z_loss_cross_entropy(logits, targets, z_coef=1e-4, ignore_index=-100):
    # llmprep: solution begin
    V = logits.shape[-1]
    logits = logits.reshape(-1, V)  # (N, V)
    targets = targets.reshape(-1)  # (N,)
    counted = targets != ignore_index  # (N,)
    safe = targets.masked_fill(~counted, 0)
    lse = torch.logsumexp(logits, dim=-1)  # (N,) log Z per token
    picked = logits.gather(-1, safe.unsqueeze(-1)).squeeze(-1)  # (N,)
    n = counted.sum().clamp(min=1)
    ce = ((lse - picked) * counted).sum() / n
    z = (lse.square() * counted).sum() / n
    return ce + z_coef * z
    # llmprep: solution end
