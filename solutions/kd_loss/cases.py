import torch

from llmprep.grading.api import Case, Mistake

# Per-dtype (rtol, atol) for the gradients of the inputs each case marks requires_grad, in place of
# the engine's default (10x the forward tolerance), which would be looser here.
# half types: 2x the worst gradient error of the reference in half vs float64 on the CPU over 20 seeds
# (benchmarks/half_tolerance.py: bf16 5.5e-3, fp16 4.7e-4), rounded up
GRAD_TOLERANCE = {"float64": (1e-9, 1e-9), "float32": (1e-4, 1e-5), "float16": (1e-3, 1e-3), "bfloat16": (2e-2, 2e-2)}


def cases(ctx):
    def pair(n, c, scale=1.0):
        # the teacher is a fixed target: no gradient is asked of it
        return ctx.randn(n, c).mul(scale).requires_grad_(), ctx.randn(n, c) * scale

    example = (
        torch.tensor([[0.0, 0.0]], dtype=ctx.dtype, device=ctx.device).requires_grad_(),
        torch.tensor([[2.0, 0.0]], dtype=ctx.dtype, device=ctx.device),
    )
    s_same = ctx.randn(3, 6)
    return [
        Case("example", example, {"temperature": 2.0}, kind="example"),
        Case("N1_C2", pair(1, 2), note="one row, two classes"),
        Case("N8_C10_T1", pair(8, 10), {"temperature": 1.0}, note="T = 1: plain KL"),
        Case("N5_C37_T2", pair(5, 37, 3.0)),
        Case("N16_C100_T4", pair(16, 100, 5.0), {"temperature": 4.0}),
        Case("N7_C13_T0.5", pair(7, 13), {"temperature": 0.5}, note="T < 1 sharpens"),
        Case(
            "identical_logits",
            (s_same.clone().requires_grad_(), s_same.clone()),
            kind="edge",
            note="student equals teacher: the loss is 0",
        ),
        Case(
            "logits_near_1e3",
            pair(4, 9, 1e3),
            {"temperature": 2.0},
            kind="edge",
            note="logits of size 1e3: probabilities underflow",
        ),
        Case(
            "peaked_teacher",
            (ctx.randn(3, 7).requires_grad_(), ctx.randn(3, 7) * 60),
            {"temperature": 1.0},
            kind="edge",
            note="teacher nearly one-hot",
        ),
    ]


def _no_t_squared(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, -1)
    log_pt = torch.log_softmax(teacher_logits / T, -1)
    return (log_pt.exp() * (log_pt - log_ps)).sum(-1).mean()


def _reversed_kl(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, -1)
    log_pt = torch.log_softmax(teacher_logits / T, -1)
    return (log_ps.exp() * (log_ps - log_pt)).sum(-1).mean() * T**2


def _mean_over_classes(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, -1)
    log_pt = torch.log_softmax(teacher_logits / T, -1)
    return (log_pt.exp() * (log_pt - log_ps)).mean() * T**2


def _teacher_not_softened(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    log_ps = torch.log_softmax(student_logits / T, -1)
    log_pt = torch.log_softmax(teacher_logits, -1)
    return (log_pt.exp() * (log_pt - log_ps)).sum(-1).mean() * T**2


def _log_of_softmax(student_logits, teacher_logits, temperature=2.0):
    T = temperature
    ps = torch.softmax(student_logits / T, -1)
    pt = torch.softmax(teacher_logits / T, -1)
    return (pt * (pt.log() - ps.log())).sum(-1).mean() * T**2


def mistakes(ref):
    def _student_detached(student_logits, teacher_logits, temperature=2.0):
        return ref.distillation_loss(student_logits.detach(), teacher_logits, temperature)

    return [
        Mistake("no_t_squared", "forgot to multiply by T^2", _no_t_squared),
        Mistake("reversed_kl", "KL direction reversed: KL(p_s || p_t) instead of KL(p_t || p_s)", _reversed_kl),
        Mistake(
            "mean_over_classes",
            "averaged over N*C entries (reduction='mean') instead of over the N rows",
            _mean_over_classes,
        ),
        Mistake("teacher_not_softened", "temperature applied to the student only", _teacher_not_softened),
        Mistake(
            "log_of_softmax", "log(softmax(x)) underflows to -inf for large logits (use log_softmax)", _log_of_softmax
        ),
        Mistake(
            "student_detached",
            "student logits detached (or computed under torch.no_grad()): no gradient reaches the student",
            _student_detached,
        ),
    ]
