"""PPO clipped surrogate loss (Schulman et al., 2017).

Write `ppo_clip_loss(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None)`, the policy
loss of PPO as used in RLHF, token by token.

Shapes:
    log_probs      (...) float: log pi_theta(a_t | s_t) under the current policy (has gradient)
    old_log_probs  (...) float: the same actions under the policy that sampled them
    advantages     (...) float: e.g. from GAE, already detached
    mask           None, or a bool tensor of the same shape: True = a real token (padding False)
    returns a 0-dim tensor

Definition:
    ratio = exp(log_probs - old_log_probs)
    loss  = -mean( min(ratio * A, clip(ratio, 1 - clip_eps, 1 + clip_eps) * A) )
The mean is over all entries, or over the True entries of mask when one is given (masks always
have at least one True entry).

Example:
    >>> lp = torch.log(torch.tensor([1.5, 0.5])); old = torch.zeros(2); adv = torch.tensor([1.0, 1.0])
    >>> ppo_clip_loss(lp, old, adv)       # -(min(1.5, 1.2) + min(0.5, 0.8)) / 2
    tensor(-0.8500)
"""

import torch


def ppo_clip_loss(log_probs, old_log_probs, advantages, clip_eps=0.2, mask=None):
    # llmprep: solution begin
    ratio = torch.exp(log_probs - old_log_probs)  # (...)
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps) * advantages
    per_token = -torch.minimum(unclipped, clipped)  # (...)
    if mask is None:
        return per_token.mean()
    mask = mask.to(per_token.dtype)
    return (per_token * mask).sum() / mask.sum()
    # llmprep: solution end
