"""Learning-rate schedule: linear warmup, then cosine decay to a floor (Goyal et al., 2017 for the
warmup; Loshchilov and Hutter, 2017, SGDR, for the cosine; the schedule of GPT-3 and LLaMA).

Write `cosine_warmup_lr(step, max_lr, min_lr, warmup_steps, total_steps) -> float`, the learning
rate of optimizer step `step` (counted from 0). It is a plain function of the step, so
torch.optim.lr_scheduler.LambdaLR can be built from it (lr_lambda = lr / max_lr).

Arguments: Python numbers, with 0 <= step, 0 <= min_lr <= max_lr, 0 <= warmup_steps < total_steps.

The schedule:
    step < warmup_steps:                  max_lr * (step + 1) / warmup_steps
        (a linear ramp whose first step is already nonzero and whose last warmup step reaches max_lr)
    warmup_steps <= step <= total_steps:  progress = (step - warmup_steps) / (total_steps - warmup_steps)
                                          min_lr + (max_lr - min_lr) * (1 + cos(pi * progress)) / 2
        (max_lr at the end of warmup, min_lr exactly at total_steps; the cosine spans the decay
        phase only, not the warmup)
    step > total_steps:                   min_lr (the floor; the cosine does not rise again)
Return a Python float.

Forbidden: torch.optim.lr_scheduler's CosineAnnealingLR, CosineAnnealingWarmRestarts and OneCycleLR.

Example:
    >>> [round(cosine_warmup_lr(s, 1.0, 0.1, 4, 12), 4) for s in (0, 3, 4, 8, 12, 20)]
    [0.25, 1.0, 1.0, 0.55, 0.1, 0.1]
"""

import math


def cosine_warmup_lr(step, max_lr, min_lr, warmup_steps, total_steps):
    # llmprep: solution begin
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    if step > total_steps:
        return float(min_lr)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 at the end of warmup, 1 at total_steps
    return min_lr + (max_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
    # llmprep: solution end
