"""Load-balancing auxiliary loss for a mixture-of-experts router (Lepikhin et al. 2020, "GShard";
Fedus, Zoph and Shazeer 2021, "Switch Transformers", equation 4).

Task
    Without a penalty a router soon sends most tokens to a few experts. Compute the auxiliary loss
    that is added (times a small coefficient) to the training loss to keep the load even.

Shapes
    router_logits: (..., E) float; every leading position is one token.
    mask: None, or a bool tensor shaped like router_logits[..., 0]; False marks padding, which is
        left out of everything.
    Returns a 0-dim tensor in the dtype of router_logits.

Convention (N = number of kept tokens)
    chosen_n = the top_k experts of token n by logit (logits.topk; ties are not tested)
    f_i = (number of kept tokens n with i in chosen_n) / (N * top_k)
          the share of the N * top_k routing assignments that went to expert i; sum_i f_i = 1.
          A count: no gradient flows through it.
    P_i = mean over kept tokens of softmax(router_logits_n)[i], the full softmax over E experts.
    loss = E * sum_i f_i * P_i
    Perfectly even routing gives 1 for any top_k. (Hugging Face's Mixtral helper divides by N
    instead of N * top_k, so its value is top_k times this one.)

Forbidden
    Nothing.

Example
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])   # experts 0, 1, 0
    >>> load_balancing_loss(logits)                # 2 * (2/3 * 0.7008 + 1/3 * 0.2992)
    tensor(1.1338)
"""

import torch


def load_balancing_loss(router_logits, top_k=1, mask=None):
    # llmprep: solution begin
    E = router_logits.shape[-1]
    logits = router_logits.reshape(-1, E)  # (N_all, E)
    if mask is not None:
        logits = logits[mask.reshape(-1)]  # (N, E) kept tokens only
    probs = logits.softmax(dim=-1)  # (N, E)
    chosen = logits.topk(top_k, dim=-1).indices  # (N, k)
    routed = torch.zeros_like(probs).scatter(-1, chosen, 1.0)  # (N, E) 0/1, no gradient
    f = routed.sum(dim=0) / (logits.shape[0] * top_k)  # (E,)
    P = probs.mean(dim=0)  # (E,)
    return E * (f * P).sum()
    # llmprep: solution end
