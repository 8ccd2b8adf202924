"""Speculative decoding: the accept/reject step (Leviathan et al., 2023; Chen et al., 2023).

A small draft model proposed K tokens; the large target model scored all of them in one forward
pass. Write `speculative_accept(draft_tokens, draft_probs, target_probs, uniforms)`, which decides
how many draft tokens to keep and the distribution the next token is sampled from, so that the
output follows the target model's distribution exactly.

Shapes:
    draft_tokens  (K,) long: x_1 .. x_K, the draft's proposals
    draft_probs   (K, V): q_i, the draft distribution x_i was sampled from (q_i[x_i] > 0)
    target_probs  (K + 1, V): p_i, the target distribution at each of those K positions, plus one
                  more after the last draft token
    uniforms      (K,): u_i, uniform draws in [0, 1), one per draft token
    returns (n_accepted, next_probs): a Python int in 0..K, and a (V,) distribution

Rule:
    for i = 1 .. K in order: accept x_i when u_i < p_i[x_i] / q_i[x_i]; stop at the first rejection
    if x_j is the first rejected token: next_probs = max(p_j - q_j, 0), normalised to sum 1
    if all K are accepted:             next_probs = p_{K+1}, the extra target distribution

Example:
    >>> x = torch.tensor([0, 1]); q = torch.tensor([[0.5, 0.5], [0.5, 0.5]])
    >>> p = torch.tensor([[0.8, 0.2], [0.9, 0.1], [0.3, 0.7]]); u = torch.tensor([0.4, 0.5])
    >>> speculative_accept(x, q, p, u)    # 0.4 < 0.8/0.5 accepts x_1; 0.5 >= 0.1/0.5 rejects x_2
    (1, tensor([1., 0.]))                 # residual max([0.9, 0.1] - [0.5, 0.5], 0) = [0.4, 0]
"""


def speculative_accept(draft_tokens, draft_probs, target_probs, uniforms):
    # llmprep: solution begin
    K = draft_tokens.shape[0]
    idx = draft_tokens[:, None]  # (K, 1)
    p_x = target_probs[:K].gather(1, idx).squeeze(1)  # (K,) target prob of each draft token
    q_x = draft_probs.gather(1, idx).squeeze(1)  # (K,)
    accepted = uniforms < p_x / q_x  # (K,)
    n = int(accepted.long().cumprod(0).sum())  # accepted tokens before the first rejection
    if n == K:
        return n, target_probs[K]
    residual = (target_probs[n] - draft_probs[n]).clamp(min=0)  # (V,)
    return n, residual / residual.sum()
    # llmprep: solution end
