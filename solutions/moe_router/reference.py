"""Top-k mixture-of-experts router with the Switch Transformer load-balancing loss
(Shazeer et al. 2017; Fedus, Zoph and Shazeer 2021, "Switch Transformers", section 2.2).

Task
    Given router logits for N tokens over E experts, pick each token's top_k experts, weight them
    by a softmax over the chosen logits only, and compute the auxiliary loss that pushes the router
    to spread tokens evenly over the experts.

Shapes
    logits: (..., E), every leading dimension is a token  ->  (gates (..., E), aux_loss ()).

Convention
    gates: for each token, take the top_k largest logits (logits.topk; ties at the top_k boundary
        are not tested), softmax over those k logits, written at those experts' columns; every
        other column is exactly 0 (each row sums to 1; top_k = E is the plain softmax).
    aux_loss = E * sum_e f_e * P_e, over all N tokens, where
        f_e = (number of (token, choice) pairs routed to expert e) / (N * top_k)   (sums to 1;
              a count, it carries no gradient)
        P_e = mean over tokens of softmax(logits)[e], the full softmax over all E experts.
    Perfectly even routing gives aux_loss = 1. Logits may be ~1e3: keep the softmax stable.

Forbidden
    Nothing.

Example
    >>> gates, aux_loss = moe_router(torch.tensor([[2., 1., 0.], [0., 3., 1.]]), top_k=2)
    >>> gates
    tensor([[0.7311, 0.2689, 0.0000],
            [0.0000, 0.8808, 0.1192]])
    >>> aux_loss                 # 3 * sum(f * P), f = [1/4, 2/4, 1/4], P = [0.3536, 0.5443, 0.1021]
    tensor(1.1582)
"""

import torch


def moe_router(logits, top_k=2):
    # llmprep: solution begin
    E = logits.shape[-1]
    probs = logits.softmax(dim=-1)  # (..., E) over all experts
    top_logits, top_idx = logits.topk(top_k, dim=-1)  # (..., k)
    gates = torch.zeros_like(logits).scatter(-1, top_idx, top_logits.softmax(dim=-1))  # (..., E)
    routed = torch.zeros_like(logits).scatter(-1, top_idx, 1.0)  # (..., E) 1 where chosen, no grad
    f = routed.reshape(-1, E).mean(dim=0) / top_k  # (E,) share of routed pairs
    P = probs.reshape(-1, E).mean(dim=0)  # (E,) mean router probability
    return gates, E * (f * P).sum()
    # llmprep: solution end
