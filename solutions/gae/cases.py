import torch

from llmprep.grading.api import Case, Mistake, full_precision_only


def cases(ctx):
    def rv(*shape, scale=1.0):
        # values come from a critic: they require grad, and the outputs must not
        return ctx.randn(*shape) * scale, (ctx.randn(*shape) * scale).requires_grad_()

    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    out = [
        Case("example", (t([1.0, 0.0, 2.0]), t([0.5, 0.5, 0.5])), {"gamma": 1.0, "lam": 1.0}, kind="example"),
        Case("T1", rv(1), note="a single step"),
        Case("T7", rv(7), {"last_value": 0.8}, note="bootstrapped with last_value"),
        Case("B3_T12", rv(3, 12)),
        Case(
            "B2x3_T5_tensor_last_value",
            rv(2, 3, 5),
            {"last_value": ctx.randn(2, 3), "gamma": 0.9, "lam": 0.8},
            note="batch dims (2, 3) and a last_value per sequence",
        ),
        Case("B4_T9_lam0", rv(4, 9), {"lam": 0.0, "last_value": 1.5}, note="lam = 0: one-step TD errors"),
        Case(
            "B2_T6_gamma1_lam1",
            rv(2, 6),
            {"gamma": 1.0, "lam": 1.0, "last_value": -2.0},
            note="gamma = lam = 1: Monte-Carlo returns",
        ),
        Case("B2_T33", rv(2, 33), {"gamma": 0.97, "lam": 0.9}),
        Case("large_rewards", rv(2, 8, scale=1e4), {"last_value": 3e4}, kind="edge", note="rewards of size 1e4"),
        Case(
            "zero_rewards_and_values",
            (
                torch.zeros(3, 4, dtype=ctx.dtype, device=ctx.device),
                torch.zeros(3, 4, dtype=ctx.dtype, device=ctx.device).requires_grad_(),
            ),
            {"last_value": 1.0},
            kind="edge",
            note="only the bootstrap value is non-zero",
        ),
    ]
    return full_precision_only(ctx, out, {"large_rewards"})


def check(output, args, kwargs):
    for name, x in zip(("advantages", "returns"), output):
        if isinstance(x, torch.Tensor) and x.requires_grad:
            return f"{name} carry gradient: detach values (or compute under torch.no_grad())"
    return None


def _recursion(rewards, values, gamma, lam, last_value, *, delta_gamma=None, trace=None, reverse=True, detach=True):
    r, v = (rewards.detach(), values.detach()) if detach else (rewards, values)
    T = r.shape[-1]
    nv = torch.as_tensor(last_value, dtype=v.dtype, device=v.device).expand(v.shape[:-1])
    dg = gamma if delta_gamma is None else delta_gamma
    tr = gamma * lam if trace is None else trace
    out, run = [None] * T, torch.zeros_like(nv)
    if reverse:
        for i in reversed(range(T)):
            run = r[..., i] + dg * nv - v[..., i] + tr * run
            out[i], nv = run, v[..., i]
    else:
        for i in range(T):
            nxt = v[..., i + 1] if i + 1 < T else nv
            run = r[..., i] + dg * nxt - v[..., i] + tr * run
            out[i] = run
    adv = torch.stack(out, -1)
    return adv, adv + v


def _no_bootstrap(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    return _recursion(rewards, values, gamma, lam, 0.0)


def _returns_reward_to_go(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    adv, _ = _recursion(rewards, values, gamma, lam, last_value)
    rets, run = torch.zeros_like(adv), torch.zeros_like(adv[..., 0])
    for i in reversed(range(adv.shape[-1])):
        run = rewards.detach()[..., i] + gamma * run
        rets[..., i] = run
    return adv, rets


def _gamma_lam_swapped(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    return _recursion(rewards, values, gamma, lam, last_value, delta_gamma=lam)


def _forward_in_time(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    return _recursion(rewards, values, gamma, lam, last_value, reverse=False)


def _not_detached(rewards, values, gamma=0.99, lam=0.95, last_value=0.0):
    return _recursion(rewards, values, gamma, lam, last_value, detach=False)


def mistakes(ref):
    return [
        Mistake("no_bootstrap", "last_value ignored: the step after the last one was valued 0", _no_bootstrap),
        Mistake(
            "returns_reward_to_go",
            "returns are the discounted rewards-to-go instead of advantages + values",
            _returns_reward_to_go,
        ),
        Mistake("gamma_lam_swapped", "lam used in the TD error where gamma belongs", _gamma_lam_swapped),
        Mistake(
            "forward_in_time",
            "the recursion runs forward in time; A_t depends on A_{t+1}, so go backwards",
            _forward_in_time,
        ),
        Mistake("not_detached", "advantages/returns carry gradient back into the critic", _not_detached),
    ]
