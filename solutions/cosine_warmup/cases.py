import math

from llmprep.grading.api import Case, Mistake

MAX_LR, MIN_LR, WARMUP, TOTAL = 3e-4, 3e-5, 100, 1000


def cases(ctx):
    def at(name, step, max_lr=MAX_LR, min_lr=MIN_LR, warmup=WARMUP, total=TOTAL, **more):
        return Case(name, (step, max_lr, min_lr, warmup, total), **more)

    def draw(low, high):
        return int(ctx.randint(low, high, (1,)))

    return [
        at("example", 8, 1.0, 0.1, 4, 12, kind="example"),
        at("first_step", 0, note="step 0 of warmup: max_lr / warmup_steps, not 0"),
        at("inside_warmup", draw(1, WARMUP - 1)),
        at("last_warmup_step", WARMUP - 1, note="the last warmup step reaches max_lr"),
        at("end_of_warmup", WARMUP, note="the decay starts from max_lr"),
        at("early_decay", draw(WARMUP + 1, 300)),
        at("halfway_through_the_decay", (WARMUP + TOTAL) // 2, note="progress 0.5: the mean of max_lr and min_lr"),
        at("late_decay", draw(700, TOTAL - 1)),
        at("one_step_before_the_end", TOTAL - 1),
        at("total_steps", TOTAL, kind="edge", note="exactly min_lr"),
        at(
            "after_total_steps",
            TOTAL + draw(1, 500),
            kind="edge",
            note="the floor: min_lr, the cosine does not rise again",
        ),
        at("long_after", 2 * TOTAL - WARMUP + 1, kind="edge", note="far beyond total_steps: still min_lr"),
        at("no_warmup", draw(0, 400), 1e-3, 1e-4, 0, 400, kind="edge", note="warmup_steps = 0: decay from step 0"),
        at("no_warmup_step0", 0, 1e-3, 1e-4, 0, 400, kind="edge", note="warmup_steps = 0, step 0: max_lr"),
        at("min_lr_zero", draw(200, 900), 6e-4, 0.0, 50, 1000, kind="edge", note="min_lr 0: decay to 0"),
        at("warmup_of_one", 0, 1.0, 0.5, 1, 5, kind="edge", note="one warmup step: already max_lr"),
    ]


def _decay(step, max_lr, min_lr, start, length, floor=True):
    progress = (step - start) / length
    if floor:
        progress = min(progress, 1.0)
    return min_lr + (max_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


def _warmup_off_by_one(step, max_lr, min_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return max_lr * step / warmup_steps
    return _decay(step, max_lr, min_lr, warmup_steps, total_steps - warmup_steps)


def _decays_to_zero(step, max_lr, min_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    return _decay(step, max_lr, 0.0, warmup_steps, total_steps - warmup_steps)


def _cosine_over_total(step, max_lr, min_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    return _decay(step, max_lr, min_lr, 0, total_steps)


def _cosine_rises_again(step, max_lr, min_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return max_lr * (step + 1) / warmup_steps
    return _decay(step, max_lr, min_lr, warmup_steps, total_steps - warmup_steps, floor=False)


def mistakes(ref):
    return [
        Mistake(
            "warmup_off_by_one",
            "warmup max_lr * step / warmup_steps: step 0 gets lr 0 and the last warmup step "
            "falls short of max_lr; use (step + 1)",
            _warmup_off_by_one,
        ),
        Mistake("decays_to_zero", "the cosine decays to 0 instead of min_lr", _decays_to_zero),
        Mistake(
            "cosine_over_total",
            "cosine progress step / total_steps counts the warmup too; it is "
            "(step - warmup_steps) / (total_steps - warmup_steps)",
            _cosine_over_total,
        ),
        Mistake(
            "cosine_rises_again",
            "after total_steps the cosine keeps going and the lr rises again; hold min_lr",
            _cosine_rises_again,
        ),
    ]
