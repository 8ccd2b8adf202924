import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    ex = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0]], dtype=ctx.dtype, device=ctx.device)
    ties = torch.tensor(
        [[2.0, 2.0, 0.0, -1.0], [1.0, 3.0, 3.0, 0.0], [4.0, -2.0, 4.0, 1.0]], dtype=ctx.dtype, device=ctx.device
    )
    # distinct logits near 1000 (multiples of 0.5, exact in every dtype): exp(1000) overflows
    large = 1000 + 0.5 * ctx.rand(6, 8).argsort(dim=-1).to(ctx.dtype)
    return [
        Case("example", (ex, 2), kind="example"),
        Case("single token", (ctx.randn(1, 4), 2), note="N = 1"),
        Case("switch, top-1", (ctx.randn(9, 5), 1), note="top_k = 1: gates are one-hot"),
        Case("odd sizes", (ctx.randn(13, 7), 3), note="N = 13, E = 7, top_k = 3"),
        Case("batch dims", (ctx.randn(2, 6, 8), 2), note="logits (B, T, E): every (b, t) is a token"),
        Case("every expert", (ctx.randn(5, 4), 4), note="top_k = E: gates equal the softmax"),
        Case("many experts", (ctx.randn(3, 16, 64), 8)),
        Case("large logits", (large, 2), kind="edge", note="logits ~ 1000: exp overflows without subtracting the max"),
        Case("ties inside the top-k", (ties, 2), kind="edge", note="equal logits among the chosen experts"),
    ]


def _route(logits, top_k, renormalise=True, scale_by_E=True, f_per_token=False, P_from_gates=False):
    E = logits.shape[-1]
    probs = logits.softmax(-1)
    vals, idx = logits.topk(top_k, dim=-1)
    w = vals.softmax(-1) if renormalise else probs.gather(-1, idx)
    gates = torch.zeros_like(logits).scatter(-1, idx, w)
    routed = torch.zeros_like(logits).scatter(-1, idx, 1.0).reshape(-1, E)
    f = routed.mean(0) if f_per_token else routed.mean(0) / top_k
    P = (gates if P_from_gates else probs).reshape(-1, E).mean(0)
    return gates, (E if scale_by_E else 1) * (f * P).sum()


def mistakes(ref):
    def not_renormalised(logits, top_k=2):
        return _route(logits, top_k, renormalise=False)

    def aux_without_E(logits, top_k=2):
        return _route(logits, top_k, scale_by_E=False)

    def f_not_divided_by_k(logits, top_k=2):
        return _route(logits, top_k, f_per_token=True)

    def P_from_gates(logits, top_k=2):
        return _route(logits, top_k, P_from_gates=True)

    return [
        Mistake(
            "not_renormalised",
            "gate weights are the full-softmax probabilities of the chosen experts, not a softmax over the top_k",
            not_renormalised,
        ),
        Mistake("aux_without_E", "load-balancing loss missing the factor E (num_experts)", aux_without_E),
        Mistake(
            "f_not_divided_by_k",
            "f_e counts routed pairs per token (divided by N, not N * top_k), so it sums to top_k",
            f_not_divided_by_k,
        ),
        Mistake("P_from_gates", "P_e averaged the sparse top-k gates instead of the full softmax", P_from_gates),
    ]
