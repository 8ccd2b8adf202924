"""Gradient accumulation with a token-mean loss.

Write `accumulation_losses(token_losses, masks)`: a batch too big for memory is split into
micro-batches, each run forward and backward on its own before one optimizer step. Return the loss
to call .backward() on for each micro-batch, such that the accumulated gradient equals the
gradient of the full batch's loss: the mean over every counted token of the whole batch.

Shapes:
    token_losses  list of n tensors (b_i, T_i) float: per-token losses of micro-batch i (e.g. a
                  cross-entropy with reduction='none'); micro-batches may differ in size
    masks         list of n tensors (b_i, T_i) bool: True on counted tokens
    returns       list of n 0-dim tensors whose sum is the full-batch token mean (0.0 each when no
                  token is counted anywhere)

Mind the classic trap: averaging within each micro-batch and then dividing by n weights the tokens
of short micro-batches more than those of long ones. The normaliser is the token count of the
whole batch.

Example:
    >>> l1, m1 = torch.tensor([[1.0, 3.0]]), torch.tensor([[True, True]])
    >>> l2, m2 = torch.tensor([[5.0, 7.0]]), torch.tensor([[True, False]])
    >>> accumulation_losses([l1, l2], [m1, m2])          # (1 + 3 + 5) / 3 tokens
    [tensor(1.3333), tensor(1.6667)]
"""


def accumulation_losses(token_losses, masks):
    # llmprep: solution begin
    total = sum(int(m.sum()) for m in masks)  # counted tokens in the whole batch
    return [(loss * m).sum() / max(total, 1) for loss, m in zip(token_losses, masks)]
    # llmprep: solution end
