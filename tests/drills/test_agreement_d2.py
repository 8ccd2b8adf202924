"""The loss, RL and decoding references agree with PyTorch's own functions or a direct formula."""

import pytest
import torch
import torch.nn.functional as F

from tests.drills.agreement import DTYPES, TOL, reference


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e4], ids=["unit", "x30", "x1e4"])
def test_lm_loss_matches_cross_entropy_with_shift(gen, dtype, scale):
    B, T, V = 3, 11, 17
    logits = torch.randn(B, T, V, generator=gen, dtype=dtype) * scale
    labels = torch.randint(0, V, (B, T), generator=gen)
    labels[torch.rand(B, T, generator=gen) < 0.3] = -100
    want = F.cross_entropy(logits[:, :-1].reshape(-1, V), labels[:, 1:].reshape(-1), ignore_index=-100)
    got = reference("lm_loss").causal_lm_loss(logits, labels)
    torch.testing.assert_close(got, want, **TOL[dtype])


def test_lm_loss_is_zero_when_nothing_is_counted():
    logits = torch.randn(2, 5, 7, requires_grad=True)
    labels = torch.full((2, 5), -100)
    labels[:, 0] = 3  # never a target
    loss = reference("lm_loss").causal_lm_loss(logits, labels)
    assert loss.item() == 0.0 and torch.isfinite(loss)
    loss.backward()
    assert torch.equal(logits.grad, torch.zeros_like(logits))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("T", [0.5, 1.0, 2.0, 4.0])
def test_kd_loss_matches_kl_div_log_target(gen, dtype, T):
    s = torch.randn(6, 13, generator=gen, dtype=dtype) * 3
    t = torch.randn(6, 13, generator=gen, dtype=dtype) * 3
    want = F.kl_div(F.log_softmax(s / T, -1), F.log_softmax(t / T, -1), log_target=True, reduction="batchmean") * T**2
    torch.testing.assert_close(reference("kd_loss").distillation_loss(s, t, temperature=T), want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("max_norm", [0.5, 1e3], ids=["clipped", "not-clipped"])
def test_clip_grad_norm_matches_torch(gen, dtype, max_norm):
    shapes = [(4, 5), (5,), (3, 2, 2), (7,)]
    ours = [torch.nn.Parameter(torch.randn(s, generator=gen, dtype=dtype)) for s in shapes]
    theirs = [torch.nn.Parameter(p.detach().clone()) for p in ours]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if i != 1:  # parameter 1 has no gradient and is skipped
            a.grad = torch.randn(a.shape, generator=gen, dtype=dtype) * 2
            b.grad = a.grad.clone()
    got = reference("clip_grad_norm").clip_grad_norm_(ours, max_norm)
    want = torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    torch.testing.assert_close(got, want, **TOL[dtype])
    for a, b in zip(ours, theirs):
        assert (a.grad is None) == (b.grad is None)
        if a.grad is not None:
            torch.testing.assert_close(a.grad, b.grad, **TOL[dtype])


@pytest.mark.parametrize("margin", [-1e4, -1e3, -50.0, 0.0, 50.0, 1e3, 1e4])
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_logsigmoid_losses_are_stable_at_large_margins(margin, dtype):
    """reward_loss and dpo_loss: -log sigmoid(m) = softplus(-m), finite and accurate for |m| up to 1e4."""
    want = F.softplus(torch.tensor([-margin], dtype=torch.float64)).to(dtype)
    chosen = torch.tensor([margin / 2], dtype=dtype, requires_grad=True)
    rejected = torch.tensor([-margin / 2], dtype=dtype)
    got = reference("reward_loss").pairwise_reward_loss(chosen, rejected)
    assert torch.isfinite(got).all()
    torch.testing.assert_close(got.reshape(1), want, **TOL[dtype])
    got.backward()
    assert torch.isfinite(chosen.grad).all()
    # dpo with beta = 1 and the whole margin on the chosen side
    zero = torch.zeros(1, dtype=dtype)
    losses, _, _ = reference("dpo_loss").dpo_loss(torch.tensor([margin], dtype=dtype), zero, zero, zero, beta=1.0)
    assert torch.isfinite(losses).all()
    torch.testing.assert_close(losses, want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_dpo_matches_the_direct_formula(gen, dtype):
    B, beta = 9, 0.3
    pc, pr = (
        (-torch.rand(B, generator=gen, dtype=dtype) * 50).requires_grad_(),
        (-torch.rand(B, generator=gen, dtype=dtype) * 50).requires_grad_(),
    )
    rc, rr = -torch.rand(B, generator=gen, dtype=dtype) * 50, -torch.rand(B, generator=gen, dtype=dtype) * 50
    losses, cr, rj = reference("dpo_loss").dpo_loss(pc, pr, rc, rr, beta=beta)
    margin = beta * ((pc.double() - rc.double()) - (pr.double() - rr.double()))
    want = -torch.log(1 / (1 + torch.exp(-margin)))
    torch.testing.assert_close(losses, want.to(dtype), **TOL[dtype])
    torch.testing.assert_close(cr, (beta * (pc - rc)).detach())
    torch.testing.assert_close(rj, (beta * (pr - rr)).detach())
    assert not cr.requires_grad and not rj.requires_grad and losses.requires_grad
    # the gradient of the mean loss w.r.t. pc is -beta * sigmoid(-margin) / B
    losses.mean().backward()
    torch.testing.assert_close(pc.grad, (-beta * torch.sigmoid(-margin) / B).to(dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_gae_matches_the_sum_formula(gen, dtype):
    """A_t = sum_l (gamma lam)^l delta_{t+l}, written out directly in float64."""
    T, gamma, lam, last = 9, 0.9, 0.8, 0.7
    r = torch.randn(2, T, generator=gen, dtype=dtype)
    v = torch.randn(2, T, generator=gen, dtype=dtype, requires_grad=True)
    adv, ret = reference("gae").compute_gae(r, v, gamma=gamma, lam=lam, last_value=last)
    r64, v64 = r.double(), v.detach().double()
    nxt = torch.cat([v64[:, 1:], torch.full((2, 1), last, dtype=torch.float64)], dim=1)
    delta = r64 + gamma * nxt - v64
    want = torch.stack([sum((gamma * lam) ** (l - t) * delta[:, l] for l in range(t, T)) for t in range(T)], dim=1)
    torch.testing.assert_close(adv, want.to(dtype), **TOL[dtype])
    torch.testing.assert_close(ret, (want + v64).to(dtype), **TOL[dtype])
    assert not adv.requires_grad and not ret.requires_grad


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_ppo_matches_the_direct_formula_with_mask(gen, dtype):
    lp = torch.randn(3, 8, generator=gen, dtype=dtype)
    old = lp + torch.randn(3, 8, generator=gen, dtype=dtype) * 0.5
    adv = torch.randn(3, 8, generator=gen, dtype=dtype)
    mask = torch.rand(3, 8, generator=gen) < 0.6
    mask[:, 0] = True
    got = reference("ppo_loss").ppo_clip_loss(lp, old, adv, clip_eps=0.2, mask=mask)
    ratio = (lp.double() - old.double()).exp()
    a = adv.double()
    obj = torch.minimum(ratio * a, ratio.clamp(0.8, 1.2) * a)
    torch.testing.assert_close(got, (-obj[mask].mean()).to(dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_clip_loss_matches_the_explicit_formula(gen, dtype):
    img, txt = torch.randn(6, 5, generator=gen, dtype=dtype), torch.randn(6, 5, generator=gen, dtype=dtype)
    got = reference("clip_loss").clip_contrastive_loss(img, txt, temperature=0.1)
    i64, t64 = img.double(), txt.double()
    sim = (i64 / i64.norm(dim=1, keepdim=True)) @ (t64 / t64.norm(dim=1, keepdim=True)).T / 0.1
    i2t = -(sim.diag() - sim.logsumexp(dim=1)).mean()
    t2i = -(sim.diag() - sim.logsumexp(dim=0)).mean()
    torch.testing.assert_close(got, ((i2t + t2i) / 2).to(dtype), **TOL[dtype])


def _hf_top_k(scores, top_k):
    """transformers' TopKLogitsWarper, restated."""
    kth = torch.topk(scores, min(top_k, scores.size(-1)))[0][..., -1, None]
    return scores.masked_fill(scores < kth, float("-inf"))


def _hf_top_p(scores, top_p):
    """transformers' TopPLogitsWarper (min_tokens_to_keep=1), restated."""
    sorted_logits, sorted_indices = torch.sort(scores, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove_sorted = cumulative <= (1 - top_p)
    remove_sorted[..., -1:] = False
    remove = remove_sorted.scatter(-1, sorted_indices, remove_sorted)
    return scores.masked_fill(remove, float("-inf"))


@pytest.mark.parametrize("top_k,top_p", [(0, 0.7), (5, 1.0), (8, 0.9), (3, 0.5)])
def test_top_k_top_p_matches_the_hf_warpers_without_ties(gen, top_k, top_p):
    logits = torch.randn(16, 40, generator=gen, dtype=torch.float64) * 2
    want = logits
    if top_k:
        want = _hf_top_k(want, top_k)
    if top_p < 1.0:
        want = _hf_top_p(want, top_p)
    got = reference("top_k_top_p").top_k_top_p_filter(logits, top_k=top_k, top_p=top_p)
    assert torch.equal(got, want)


def test_repetition_penalty_matches_gather_scatter(gen):
    logits = torch.randn(4, 30, generator=gen) * 3
    ids = torch.randint(0, 30, (4, 12), generator=gen)
    seen = torch.gather(logits, 1, ids)
    want = logits.scatter(1, ids, torch.where(seen < 0, seen * 1.3, seen / 1.3))
    got = reference("repetition_penalty").apply_repetition_penalty(logits, ids, penalty=1.3)
    torch.testing.assert_close(got, want, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_int8_dequantization_error_is_at_most_half_a_step(gen, dtype):
    w = torch.randn(12, 33, generator=gen, dtype=dtype) * torch.exp(torch.randn(12, 1, generator=gen, dtype=dtype))
    q, scale = reference("int8_quant").quantize_int8(w)
    assert q.dtype == torch.int8 and q.abs().max() <= 127 and (q.abs().amax(dim=1) == 127).all()
    err = (q.to(dtype) * scale[:, None] - w).abs()
    assert (err <= scale[:, None] / 2 * (1 + 1e-6)).all()


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_rag_retrieval_matches_topk_of_cosine_similarity(gen, dtype):
    query, docs = torch.randn(3, 8, generator=gen, dtype=dtype), torch.randn(25, 8, generator=gen, dtype=dtype)
    idx, scores = reference("rag_retrieval").retrieve_top_k(query, docs, 6)
    cos = F.cosine_similarity(query[:, None, :], docs[None, :, :], dim=-1)
    want_scores, want_idx = cos.topk(6, dim=-1)
    assert torch.equal(idx, want_idx)
    torch.testing.assert_close(scores, want_scores, **TOL[dtype])


def test_lcs_matches_a_brute_force_on_short_strings(gen):
    from itertools import combinations

    lcs = reference("lcs").longest_common_subsequence
    rng = torch.Generator().manual_seed(1)
    for _ in range(30):
        a = "".join(
            "abc"[int(i)] for i in torch.randint(0, 3, (int(torch.randint(0, 7, (1,), generator=rng)),), generator=rng)
        )
        b = "".join(
            "abc"[int(i)] for i in torch.randint(0, 3, (int(torch.randint(0, 7, (1,), generator=rng)),), generator=rng)
        )
        subs = {"".join(c) for n in range(len(a) + 1) for c in combinations(a, n)}
        best = max(len(s) for s in subs if _is_subsequence(s, b))
        assert lcs(a, b) == best, (a, b)


def _is_subsequence(s, t):
    it = iter(t)
    return all(ch in it for ch in s)


def test_param_count_matches_a_built_model():
    """Build the GPT-2-style model the docstring describes and count its parameters."""
    from torch import nn

    count = reference("param_count").count_parameters
    for V, d, L, H, ff, P, tied in [(50, 8, 2, 2, 20, 16, True), (37, 6, 3, 3, 10, 17, False)]:
        blocks = [
            nn.ModuleList(
                [
                    nn.LayerNorm(d),
                    nn.Linear(d, 3 * d),
                    nn.Linear(d, d),
                    nn.LayerNorm(d),
                    nn.Linear(d, ff),
                    nn.Linear(ff, d),
                ]
            )
            for _ in range(L)
        ]
        model = nn.ModuleDict(
            {
                "wte": nn.Embedding(V, d),
                "wpe": nn.Embedding(P, d),
                "h": nn.ModuleList(blocks),
                "ln_f": nn.LayerNorm(d),
                "lm_head": nn.Linear(d, V, bias=False),
            }
        )
        if tied:
            model["lm_head"].weight = model["wte"].weight
        built = sum(p.numel() for p in model.parameters())  # shared tensors are counted once
        assert count(V, d, L, H, ff, P, tied_embeddings=tied) == built


def test_chinchilla_spends_the_budget_at_the_ratio():
    n, d = reference("chinchilla").compute_optimal(5.76e23, tokens_per_param=20.0)
    assert abs(6 * n * d / 5.76e23 - 1) < 1e-12 and abs(d / n - 20.0) < 1e-9
    assert 6.5e10 < n < 7.5e10  # Chinchilla: 70B parameters


def test_speculative_decoding_preserves_the_target_distribution(gen):
    """Over u ~ U[0, 1) and x ~ q, the first emitted token is distributed exactly as p."""
    accept = reference("speculative_decoding").speculative_accept
    V, grid = 5, 2000
    q = torch.softmax(torch.randn(1, V, generator=gen, dtype=torch.float64), -1)
    p = torch.softmax(torch.randn(2, V, generator=gen, dtype=torch.float64), -1)
    emitted = torch.zeros(V, dtype=torch.float64)
    for x in range(V):
        for u in (torch.arange(grid, dtype=torch.float64) + 0.5) / grid:
            n, nxt = accept(torch.tensor([x]), q, p, u.reshape(1))
            emitted += q[0, x] / grid * (torch.nn.functional.one_hot(torch.tensor(x), V).double() if n == 1 else nxt)
    torch.testing.assert_close(emitted, p[0], rtol=0, atol=2e-3)


def test_sft_labels_feed_lm_loss(gen):
    """Prompt and padding masked, lm_loss equals cross-entropy over the response targets only."""
    ids = torch.tensor([[5, 6, 7, 8, 0], [0, 5, 6, 7, 8]])
    mask = torch.tensor([[1, 1, 1, 1, 0], [0, 1, 1, 1, 1]])
    labels = reference("sft_labels").build_sft_labels(ids, torch.tensor([2, 2]), mask)
    logits = torch.randn(2, 5, 11, generator=gen, dtype=torch.float64)
    loss = reference("lm_loss").causal_lm_loss(logits, labels)
    # targets: row 0 tokens 7, 8 predicted at positions 1, 2; row 1 tokens 7, 8 at positions 2, 3
    picked = torch.stack([logits[0, 1], logits[0, 2], logits[1, 2], logits[1, 3]])
    want = F.cross_entropy(picked, torch.tensor([7, 8, 7, 8]))
    torch.testing.assert_close(loss, want)


@pytest.mark.parametrize(
    "tracker,bad", [(0, False), (1998, False), (1999, False), (2000, False), (1999, True), (5, True)]
)
def test_loss_scaling_matches_torch_amp(gen, tracker, bad):
    grads = [torch.randn(3, 4, generator=gen) * 512, torch.randn(5, generator=gen) * 512]
    if bad:
        grads[1][2] = float("inf")
    unscaled, found_inf, scale, new_tracker = reference("loss_scaling").scaler_step(grads, 1024.0, tracker)
    # torch's own kernels, as GradScaler runs them
    copies = [g.clone() for g in grads]
    found = torch.zeros(1)
    torch._amp_foreach_non_finite_check_and_unscale_(copies, found, torch.tensor([1.0 / 1024.0]))
    s, t = torch.tensor([1024.0]), torch.tensor([tracker], dtype=torch.int32)
    torch._amp_update_scale_(s, t, found, 2.0, 0.5, 2000)
    assert found_inf == bool(found.item()) and scale == s.item() and new_tracker == t.item()
    for ours, theirs in zip(unscaled, copies):
        torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=0, equal_nan=True)


def test_magnitude_pruning_matches_torch_prune_without_ties(gen):
    from torch.nn.utils import prune

    for shape, amount in [((8, 16), 0.3), ((4, 3, 3, 3), 0.75), ((10,), 0.5)]:
        layer = torch.nn.Linear(1, 1)
        layer.weight = torch.nn.Parameter(torch.randn(shape, generator=gen))
        w = layer.weight.detach().clone()
        prune.l1_unstructured(layer, "weight", amount=int(amount * w.numel()))
        got = reference("magnitude_pruning").magnitude_prune(w, amount)
        assert torch.equal(got, layer.weight.detach())


def test_grad_accumulation_reproduces_the_full_batch_gradient(gen):
    """Summing the backward passes of the per-micro-batch losses gives the full-batch gradient."""
    V = 7
    logits = torch.randn(6, 5, V, generator=gen, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(0, V, (6, 5), generator=gen)
    mask = torch.rand(6, 5, generator=gen) < 0.6
    mask[4:] = False
    mask[4, 0] = True  # the last micro-batch counts one token only
    per_token = F.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), reduction="none").reshape(6, 5)
    splits = [(0, 1), (1, 4), (4, 6)]
    losses = reference("grad_accumulation").accumulation_losses(
        [per_token[a:b] for a, b in splits], [mask[a:b] for a, b in splits]
    )
    accumulated = sum(torch.autograd.grad(loss, logits, retain_graph=True)[0] for loss in losses)
    full = F.cross_entropy(logits.reshape(-1, V)[mask.reshape(-1)], labels.reshape(-1)[mask.reshape(-1)])
    torch.testing.assert_close(accumulated, torch.autograd.grad(full, logits)[0])


def test_last_token_pool_matches_a_loop(gen):
    hidden = torch.randn(4, 6, 3, generator=gen)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1]])
    got = reference("last_token_pool").last_token_pool(hidden, mask)
    want = torch.stack([hidden[b, max(t for t in range(6) if mask[b, t])] for b in range(4)])
    assert torch.equal(got, want)
