"""Monte Carlo estimators of KL divergence: k1, k2 and k3 (John Schulman, "Approximating KL
Divergence", 2020; k3 is the KL penalty of GRPO).

Tokens x were sampled from q (the policy being trained). For each sample we know log q(x) and
log p(x) under a second model p (e.g. the frozen reference model), and want KL(q || p) =
E_{x~q}[log q(x) - log p(x)] without summing over the vocabulary. With the ratio r = p(x) / q(x):
    k1 = -log r                  unbiased, high variance, negative for some samples
    k2 = (log r)^2 / 2           biased, low variance, always >= 0
    k3 = (r - 1) - log r         unbiased and always >= 0 (log r <= r - 1)

Write `kl_estimators(log_q, log_p) -> (k1, k2, k3)`, each the per-sample estimate, with the shape
and dtype of the inputs (the caller averages).

Shapes:
    log_q  (...) float: log q(x) of each sample, under the sampling policy (gradients flow here)
    log_p  (...) float: log p(x) of the same samples, under the other model (a constant)

Conventions:
    - work with log r = log_p - log_q; never form p / q from probabilities: log-probabilities of
      whole sequences reach -1000, where exp underflows to 0 and the ratio becomes 0 / 0.
    - r itself is exp(log r); log-ratios in the tests stay within [-6, 6].

Forbidden: torch.nn.functional.kl_div and torch.nn.KLDivLoss (they need full distributions anyway).

Example:
    >>> log_q = torch.log(torch.tensor([0.5, 0.25])); log_p = torch.log(torch.tensor([0.25, 0.5]))
    >>> kl_estimators(log_q, log_p)             # log r = -log 2, +log 2; r = 0.5, 2
    (tensor([ 0.6931, -0.6931]), tensor([0.2402, 0.2402]), tensor([0.1931, 0.3069]))
"""

import torch


def kl_estimators(log_q, log_p):
    # llmprep: solution begin
    log_r = log_p - log_q  # (...) log p(x) / q(x)
    k1 = -log_r
    k2 = 0.5 * log_r**2
    k3 = torch.expm1(log_r) - log_r  # r - 1 - log r; expm1 keeps it accurate near r = 1
    return k1, k2, k3
    # llmprep: solution end
