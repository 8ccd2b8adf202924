"""The pairwise (Bradley-Terry) loss of a reward model (Ouyang et al. 2022, InstructGPT, eq. 1).

Write `pairwise_reward_loss(chosen_rewards, rejected_rewards) -> Tensor (a scalar)`.

For each pair, the reward model scored the answer people preferred (`chosen_rewards`) and the
other one (`rejected_rewards`); both tensors have the same shape. The loss is the mean over all
pairs of -log sigmoid(chosen - rejected): small when chosen wins by a wide margin.

Conventions:
    - finite and accurate for margins from -1e4 to 1e4. Written literally, sigmoid(-1e4) is 0
      and log(0) is -inf: use an overflow-free form, -log sigmoid(m) = log(1 + exp(-m)) =
      softplus(-m), or torch.nn.functional.logsigmoid.
    - returns a 0-dim tensor in the inputs' dtype that gradients flow through.

Example:
    >>> chosen = torch.tensor([2.0, 0.5, -1.0])
    >>> rejected = torch.tensor([1.0, 0.5, 1.0])
    >>> pairwise_reward_loss(chosen, rejected)   # mean of softplus([-1.0, 0.0, 2.0])
    tensor(1.0444)
"""

import torch.nn.functional as F


def pairwise_reward_loss(chosen_rewards, rejected_rewards):
    # llmprep: solution begin
    margin = chosen_rewards - rejected_rewards  # (...,) how far chosen wins
    return -F.logsigmoid(margin).mean()  # logsigmoid never takes log(0)
    # llmprep: solution end
