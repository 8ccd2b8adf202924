"""Knowledge-distillation loss (Hinton et al., 2015).

Write `distillation_loss(student_logits, teacher_logits, temperature=2.0)`: how far the student's
softened distribution is from the teacher's.

Shapes:
    student_logits, teacher_logits  (N, C) float
    returns a 0-dim tensor in the dtype of the logits

Definition, with T = temperature:
    p_t = softmax(teacher_logits / T),  p_s = softmax(student_logits / T)   (over C)
    loss = T^2 * mean over the N rows of KL(p_t || p_s)
         = T^2 * mean_n sum_c p_t[n, c] * (log p_t[n, c] - log p_s[n, c])
The T^2 keeps the gradient scale independent of T. Work with log-probabilities so that logits of
size 1e3 stay finite (logits are always finite; a probability that underflows contributes 0).

Forbidden: F.kl_div, nn.KLDivLoss.

Example:
    >>> s = torch.tensor([[0.0, 0.0]]); t = torch.tensor([[2.0, 0.0]])
    >>> distillation_loss(s, t, temperature=2.0)   # 4 * KL([0.731, 0.269] || [0.5, 0.5])
    tensor(0.4438)
"""

import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    # llmprep: solution begin
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, dim=-1)  # (N, C)
    log_pt = torch.log_softmax(teacher_logits / T, dim=-1)  # (N, C)
    kl = (log_pt.exp() * (log_pt - log_ps)).sum(dim=-1)  # (N,) KL(p_t || p_s) per row
    return kl.mean() * T**2
    # llmprep: solution end
