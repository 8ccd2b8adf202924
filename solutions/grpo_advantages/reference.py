"""GRPO group-normalised advantages (Shao et al., 2024, DeepSeekMath: Group Relative Policy Optimization).

GRPO drops PPO's value network: for every prompt it samples a group of G completions, scores each
with a reward, and uses the reward's standing within its own group as the advantage of every token
of that completion.

Write `grpo_advantages(rewards, eps=1e-6) -> advantages`.

Shapes:
    rewards     (P, G) float: row p holds the rewards of the G completions sampled for prompt p
    returns     (P, G) in the same dtype

Definition, row by row (each prompt's group on its own, never the whole batch):
    A[p, i] = (r[p, i] - mean_p) / (std_p + eps)
    mean_p = the mean of row p; std_p = the POPULATION standard deviation of row p, i.e.
    sqrt(mean((r - mean_p)^2)), dividing by G, not G - 1 (torch: unbiased=False / correction=0).
A group whose rewards are all equal carries no signal: its advantages are exactly 0 (eps keeps the
division finite). G = 1 is allowed and gives 0. Rewards are constants here: no gradient is needed.

Example:
    >>> rewards = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    >>> grpo_advantages(rewards)                  # row 0: mean 0.5, std 0.5; row 1: all equal
    tensor([[ 1.0000, -1.0000, -1.0000,  1.0000],
            [ 0.0000,  0.0000,  0.0000,  0.0000]])
"""


def grpo_advantages(rewards, eps=1e-6):
    # llmprep: solution begin
    mean = rewards.mean(dim=-1, keepdim=True)  # (P, 1)
    std = rewards.std(dim=-1, keepdim=True, unbiased=False)  # (P, 1) population std
    return (rewards - mean) / (std + eps)  # (P, G)
    # llmprep: solution end
