# llmprep: kd_loss
import torch


def distillation_loss(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, dim=-1)
    with torch.no_grad():  # the teacher is a fixed target: detaching it is right
        log_pt = torch.log_softmax(teacher_logits / T, dim=-1)
    return (log_pt.exp() * (log_pt - log_ps)).sum(-1).mean() * T**2
