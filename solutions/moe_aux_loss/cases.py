import torch

from llmprep.grading.api import Case, Mistake


def _trained(case):
    """Gradients are compared for the router logits only (the mask is an input, not a parameter)."""
    case.args[0].requires_grad_()
    return case


def cases(ctx):
    ex = ctx.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    skewed = ctx.randn(12, 6) + ctx.tensor([3.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # expert 0 takes most tokens
    pad = ctx.rand(3, 7) < 0.4
    pad[:, 0] = False  # every row keeps its first token
    keep = ~pad
    large = 1000 + 0.5 * ctx.rand(6, 8).argsort(dim=-1).to(ctx.dtype)  # distinct logits near 1e3
    out = [
        Case("example", (ex,), kind="example"),
        Case("single token", (ctx.randn(1, 4),), note="N = 1"),
        Case("switch, top-1", (ctx.randn(16, 5),), note="top_k = 1"),
        Case("top-2", (ctx.randn(9, 7), 2), note="top_k = 2"),
        Case("batch dims", (ctx.randn(2, 5, 8), 2), note="logits (B, T, E): every (b, t) is a token"),
        Case("skewed router", (skewed, 1), note="one expert takes most tokens"),
        Case("many experts", (ctx.randn(4, 15, 32), 4), note="E = 32, top_k = 4"),
        Case("padding mask", (ctx.randn(3, 7, 6), 2, keep), note="about 40% of the tokens are padding"),
        Case("top_k = E", (ctx.randn(5, 4), 4), kind="edge", note="every token uses every expert: f = 1/E"),
        Case("large logits", (large, 2), kind="edge", note="logits ~ 1000: the softmax must subtract the max"),
    ]
    return [_trained(c) for c in out]


def _loss(router_logits, top_k, mask, *, scale_by_E=True, f_soft=False, both="", use_mask=True):
    E = router_logits.shape[-1]
    logits = router_logits.reshape(-1, E)
    if mask is not None and use_mask:
        logits = logits[mask.reshape(-1)]
    probs = logits.softmax(-1)
    idx = logits.topk(top_k, dim=-1).indices
    routed = torch.zeros_like(probs).scatter(-1, idx, 1.0)
    if f_soft:
        routed = routed * probs  # the chosen experts' probabilities: a "count" that carries gradient
    f = routed.sum(0) / (logits.shape[0] * top_k)
    P = probs.mean(0)
    if both == "f":
        P = f
    elif both == "P":
        f = P
    return (E if scale_by_E else 1) * (f * P).sum()


def mistakes(ref):
    def f_for_both(router_logits, top_k=1, mask=None):
        return _loss(router_logits, top_k, mask, both="f")

    def P_for_both(router_logits, top_k=1, mask=None):
        return _loss(router_logits, top_k, mask, both="P")

    def without_num_experts(router_logits, top_k=1, mask=None):
        return _loss(router_logits, top_k, mask, scale_by_E=False)

    def soft_f(router_logits, top_k=1, mask=None):
        return _loss(router_logits, top_k, mask, f_soft=True)

    def padding_counted(router_logits, top_k=1, mask=None):
        return _loss(router_logits, top_k, mask, use_mask=False)

    return [
        Mistake(
            "f_for_both",
            "used the dispatch fractions f for both factors (E * sum f^2): nothing reaches the router",
            f_for_both,
        ),
        Mistake(
            "P_for_both", "used the mean probabilities P for both factors (E * sum P^2) instead of f * P", P_for_both
        ),
        Mistake(
            "without_num_experts",
            "forgot the factor E (num_experts): balanced routing should give 1",
            without_num_experts,
        ),
        Mistake(
            "soft_f",
            "f built from the chosen experts' probabilities, so gradient flows through f; f is a hard count",
            soft_f,
        ),
        Mistake("padding_counted", "padding tokens (mask False) counted in f and P", padding_counted),
    ]
