"""Generalized Advantage Estimation (Schulman et al., 2016).

Write `compute_gae(rewards, values, gamma=0.99, lam=0.95, last_value=0.0)`, the advantage
estimator PPO uses in RLHF.

Shapes:
    rewards, values  (..., T) float: time is the last dim, any leading batch dims
    last_value       a float, or a tensor of the leading shape (...): the value V_T after the
                     last step (0.0 when the episode ended there)
    returns (advantages, returns), both (..., T)

Definition, backwards in time, with V_T = last_value:
    delta_t = r_t + gamma * V_{t+1} - V_t
    A_t     = delta_t + gamma * lam * A_{t+1}        (A_T = 0)
    returns = A + V                                  (the value-function targets)
Neither output may carry gradient: values usually come from the critic with requires_grad=True,
and advantages and returns are targets, not things to differentiate through.

Example:
    >>> r = torch.tensor([1.0, 0.0, 2.0]); v = torch.tensor([0.5, 0.5, 0.5])
    >>> compute_gae(r, v, gamma=1.0, lam=1.0)       # A_t = sum of future rewards - V_t
    (tensor([2.5000, 1.5000, 1.5000]), tensor([3., 2., 2.]))
"""

import torch


def compute_gae(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    # llmprep: solution begin
    rewards, values = rewards.detach(), values.detach()
    T = rewards.shape[-1]
    next_value = torch.as_tensor(last_value, dtype=values.dtype, device=values.device)
    next_value = next_value.detach().expand(values.shape[:-1])  # (...,)
    adv = torch.zeros_like(values)  # (..., T)
    running = torch.zeros_like(next_value)  # A_{t+1}
    for t in reversed(range(T)):
        delta = rewards[..., t] + gamma * next_value - values[..., t]
        running = delta + gamma * lam * running
        adv[..., t] = running
        next_value = values[..., t]
    return adv, adv + values
    # llmprep: solution end
