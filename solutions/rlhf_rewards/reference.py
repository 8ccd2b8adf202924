"""Per-token rewards for RLHF with a KL penalty (Ouyang et al., 2022; as in TRL's PPO trainer).

Write `kl_penalized_rewards(scores, logprobs, ref_logprobs, mask, kl_coef=0.1)`: the reward that
PPO sees at every response token. The reward model gives one score per sequence; a KL penalty
against the frozen reference (SFT) model keeps the policy from drifting.

Shapes:
    scores        (B,) float: the reward model's score of each whole response
    logprobs      (B, T) float: log pi(token_t) under the policy, for the response tokens
    ref_logprobs  (B, T) float: the same tokens under the reference model
    mask          (B, T) bool: True on real response tokens (padding is False; every row has at
                  least one True)
    returns rewards (B, T), carrying no gradient

Rule, per row:
    rewards[t] = -kl_coef * (logprobs[t] - ref_logprobs[t])   where mask is True, else 0
    then add scores[b] at the last True position of the row (its final real token, which is not
    always position T - 1)
The per-token log-ratio is the usual single-sample estimate of KL(policy || reference).

Example:
    >>> lp = torch.tensor([[-1.0, -2.0, -0.5]]); ref = torch.tensor([[-1.5, -1.0, -9.0]])
    >>> mask = torch.tensor([[True, True, False]])
    >>> kl_penalized_rewards(torch.tensor([3.0]), lp, ref, mask, kl_coef=0.1)
    tensor([[-0.0500,  3.1000,  0.0000]])
"""

import torch


def kl_penalized_rewards(scores, logprobs, ref_logprobs, mask, kl_coef=0.1):
    # llmprep: solution begin
    B, T = logprobs.shape
    kl = (logprobs - ref_logprobs).detach()  # (B, T) per-token log-ratio
    rewards = torch.where(mask, -kl_coef * kl, torch.zeros_like(kl))  # (B, T)
    last = mask.long().cumsum(dim=1).argmax(dim=1)  # (B,) first index reaching the row's total
    rows = torch.arange(B, device=logprobs.device)
    rewards[rows, last] += scores.detach().to(rewards.dtype)
    return rewards
    # llmprep: solution end
