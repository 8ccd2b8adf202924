# llmprep: kd_loss
import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits.detach() / T, dim=-1)  # cuts the student's gradient
    log_pt = torch.log_softmax(teacher_logits / T, dim=-1)
    return (log_pt.exp() * (log_pt - log_ps)).sum(-1).mean() * T**2
