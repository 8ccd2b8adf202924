"""Direct Preference Optimization loss (Rafailov et al., 2023).

Write `dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
beta=0.1)`: preference learning without a reward model.

Shapes:
    each *_logps  (B,) float: the summed log-probability of a whole response under the policy
                  being trained (has gradient) or the frozen reference model
    returns (losses, chosen_rewards, rejected_rewards), each (B,)

Definition, with pc, pr, rc, rr the four inputs in order:
    chosen_rewards   = beta * (pc - rc)          the implicit rewards, reported for logging:
    rejected_rewards = beta * (pr - rr)          both detached (no gradient)
    losses           = -log sigmoid(beta * ((pc - rc) - (pr - rr)))
The losses must stay finite and accurate when beta times the margin is as large as +-1e3.

Example:
    >>> pc, pr = torch.tensor([-1.0]), torch.tensor([-3.0]); rc, rr = torch.tensor([-2.0]), torch.tensor([-2.0])
    >>> dpo_loss(pc, pr, rc, rr, beta=1.0)       # margin (1) - (-1) = 2; -log sigmoid(2)
    (tensor([0.1269]), tensor([1.]), tensor([-1.]))
"""

import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta=0.1):
    # llmprep: solution begin
    chosen_logratio = policy_chosen_logps - ref_chosen_logps  # (B,)
    rejected_logratio = policy_rejected_logps - ref_rejected_logps  # (B,)
    losses = -F.logsigmoid(beta * (chosen_logratio - rejected_logratio))  # (B,) stable for any margin
    return losses, beta * chosen_logratio.detach(), beta * rejected_logratio.detach()
    # llmprep: solution end
