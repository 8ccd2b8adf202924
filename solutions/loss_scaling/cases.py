import torch

from llmprep.grading.api import Case, Mistake


def _grads(ctx, shapes, scale):
    return [ctx.randn(*s) * scale for s in shapes]


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    with_inf = _grads(ctx, [(3, 4), (5,)], 4096.0)
    with_inf[1][2] = float("inf")
    with_nan = _grads(ctx, [(2, 2), (4,), (3,)], 1024.0)
    with_nan[0][1, 0] = float("nan")
    return [
        Case("example", ([t([1024.0, 2048.0])], 1024.0, 1), {"growth_interval": 2}, kind="example"),
        Case("clean_step", (_grads(ctx, [(4, 3), (7,)], 4096.0), 4096.0, 10), note="no overflow, no growth yet"),
        Case(
            "growth_at_interval",
            (_grads(ctx, [(5,)], 256.0), 256.0, 1999),
            note="the 2000th clean step grows the scale",
        ),
        Case(
            "one_before_interval",
            (_grads(ctx, [(5,)], 256.0), 256.0, 1998),
            note="the 1999th clean step: the tracker becomes 1999, no growth yet",
        ),
        Case(
            "one_after_interval",
            (_grads(ctx, [(5,)], 256.0), 256.0, 2000),
            kind="edge",
            note="a tracker already at the interval counts on to 2001 (GradScaler compares with ==)",
        ),
        Case(
            "small_interval_at",
            (_grads(ctx, [(3,)], 64.0), 64.0, 2),
            {"growth_interval": 3},
            note="growth_interval = 3: the third clean step grows",
        ),
        Case("small_interval_one_before", (_grads(ctx, [(3,)], 64.0), 64.0, 1), {"growth_interval": 3}),
        Case(
            "custom_factors",
            (_grads(ctx, [(2, 3)], 8.0), 8.0, 4),
            {"growth_factor": 4.0, "backoff_factor": 0.25, "growth_interval": 5},
        ),
        Case("inf_gradient", (with_inf, 4096.0, 1500), kind="edge", note="overflow: back off and reset the tracker"),
        Case("nan_gradient", (with_nan, 1024.0, 3), kind="edge", note="NaN counts as an overflow too"),
        Case("inf_at_interval", (with_inf, 4096.0, 1999), kind="edge", note="an overflow never grows the scale"),
    ]


def _step(
    grads,
    scale,
    tracker,
    growth,
    backoff,
    interval,
    *,
    reset=True,
    nan=True,
    early=False,
    multiply=False,
    grow_anyway=False,
    too_soon=False,
):
    unscaled = [g * scale if multiply else g / scale for g in grads]
    bad = any(
        bool((torch.isinf(g) | (torch.isnan(g) if nan else torch.zeros_like(g, dtype=torch.bool))).any()) for g in grads
    )
    if bad and not grow_anyway:
        return unscaled, True, scale * backoff, 0 if reset else tracker
    tracker = tracker if early else tracker + 1
    if too_soon and tracker >= interval - 1:  # a 0-based count compared with a 1-based interval
        return unscaled, bad, scale * growth, 0
    if tracker >= interval if early else tracker == interval:
        return unscaled, bad, scale * growth, 0
    return unscaled, bad, (scale * backoff if bad else scale), (tracker + 1 if early else tracker)


def _tracker_not_reset(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, reset=False)


def _nan_missed(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, nan=False)


def _grows_one_step_late(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, early=True)


def _grows_one_step_early(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, too_soon=True)


def _multiplied(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, multiply=True)


def _grows_on_overflow(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    return _step(grads, scale, growth_tracker, growth_factor, backoff_factor, growth_interval, grow_anyway=True)


def mistakes(ref):
    return [
        Mistake("tracker_not_reset", "the clean-step counter not reset to 0 after an overflow", _tracker_not_reset),
        Mistake("nan_missed", "only inf checked: a NaN gradient slips through", _nan_missed),
        Mistake(
            "grows_one_step_late",
            "the counter compared before incrementing: the scale grows one step late",
            _grows_one_step_late,
        ),
        Mistake(
            "grows_one_step_early",
            "the incremented counter compared with growth_interval - 1 (>=): the scale grows one step early",
            _grows_one_step_early,
        ),
        Mistake("multiplied", "gradients multiplied by the scale instead of divided", _multiplied),
        Mistake("grows_on_overflow", "the growth check runs on overflow steps too", _grows_on_overflow),
    ]
