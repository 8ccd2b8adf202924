"""Self-critical sequence training loss (Rennie et al., 2017): REINFORCE with a greedy baseline.

Write `self_critical_loss(sample_logprobs, sample_rewards, baseline_rewards, mask=None)`. For each
prompt one response is sampled and one is decoded greedily; the greedy response's reward is the
baseline, so a sample is reinforced only when it beats the model's own best guess. (GRPO's group
baseline is the same idea with a mean over several samples.)

Shapes:
    sample_logprobs   (B, T) float: log-probability of each sampled token (has gradient)
    sample_rewards    (B,) float: reward of each sampled response
    baseline_rewards  (B,) float: reward of the greedy response to the same prompt
    mask              None, or (B, T) bool: True on real tokens of the sample
    returns a 0-dim tensor

Definition:
    advantage_b = sample_rewards[b] - baseline_rewards[b]           a constant, no gradient
    logp_b      = sum over the sample's real tokens of sample_logprobs[b, t]
    loss        = -mean over b of advantage_b * logp_b
Minimising it raises the probability of samples that beat the baseline.

Example:
    >>> lp = torch.tensor([[-1.0, -2.0], [-0.5, -0.5]])
    >>> self_critical_loss(lp, torch.tensor([1.0, 0.0]), torch.tensor([0.5, 0.5]))
    tensor(0.5000)                          # -((0.5)(-3) + (-0.5)(-1)) / 2
"""


def self_critical_loss(sample_logprobs, sample_rewards, baseline_rewards, mask=None):
    # llmprep: solution begin
    advantage = (sample_rewards - baseline_rewards).detach()  # (B,)
    if mask is not None:
        sample_logprobs = sample_logprobs * mask.to(sample_logprobs.dtype)
    seq_logp = sample_logprobs.sum(dim=1)  # (B,) log-probability of each sample
    return -(advantage.to(seq_logp.dtype) * seq_logp).mean()
    # llmprep: solution end
