"""The references of the drills added for issue 10 agree with PyTorch's own implementations
(torch.optim.AdamW, LambdaLR, F.cross_entropy with label_smoothing, softmax) or with an
independent statement of the same rule (ALiBi's recursive slopes, brute-force search, Monte Carlo)."""

import itertools
import math

import pytest
import torch
import torch.nn.functional as F

from tests.drills.agreement import DTYPES, TOL, case_ctx, cases_of, reference


def randn(gen, *shape, dtype=torch.float64, scale=1.0):
    return (torch.randn(shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


# ---------------------------------------------------------------- adamw_step


HYPERPARAMETERS = [
    {},
    {"lr": 3e-2, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1},
    {"lr": 1e-2, "weight_decay": 0.0},
]


@pytest.mark.parametrize("foreach", [False, True], ids=["for_loop", "foreach"])
@pytest.mark.parametrize("hyper", HYPERPARAMETERS, ids=["defaults", "custom", "no_decay"])
def test_adamw_step_matches_torch_adamw_over_several_steps(gen, hyper, foreach):
    step_fn = reference("adamw_step").adamw_step
    shapes = [(), (7,), (3, 4, 5)]
    params = [torch.nn.Parameter(randn(gen, *s)) for s in shapes]
    optimizer = torch.optim.AdamW(params, foreach=foreach, **hyper)
    mine = [(p.detach().clone(), torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    for step in range(1, 21):
        grads = [randn(gen, *s, scale=10.0 ** -(step % 4)) for s in shapes]  # gradients from 1 down to 1e-3
        for p, g in zip(params, grads):
            p.grad = g.clone()
        optimizer.step()
        mine = [step_fn(p, g, m, v, step, **hyper) for (p, m, v), g in zip(mine, grads)]
        for p, (p_mine, m_mine, v_mine) in zip(params, mine):
            state = optimizer.state[p]
            # the reference orders its arithmetic as torch does: bit for bit in float64
            assert torch.equal(p_mine, p.detach()), step
            assert torch.equal(m_mine, state["exp_avg"]), step
            assert torch.equal(v_mine, state["exp_avg_sq"]), step


def test_adamw_step_matches_torch_adamw_in_float32(gen):
    step_fn = reference("adamw_step").adamw_step
    param = torch.nn.Parameter(randn(gen, 64, dtype=torch.float32))
    optimizer = torch.optim.AdamW([param], lr=1e-2, weight_decay=0.05, foreach=False)
    p, m, v = param.detach().clone(), torch.zeros(64), torch.zeros(64)
    for step in range(1, 6):
        g = randn(gen, 64, dtype=torch.float32)
        param.grad = g.clone()
        optimizer.step()
        p, m, v = step_fn(p, g, m, v, step, lr=1e-2, weight_decay=0.05)
        torch.testing.assert_close(p, param.detach(), rtol=1e-6, atol=1e-7)
        torch.testing.assert_close(v, optimizer.state[param]["exp_avg_sq"], rtol=1e-6, atol=1e-9)


def test_adamw_step_leaves_its_inputs_alone(gen):
    p, g, m, v = (randn(gen, 5) for _ in range(4))
    v = v.abs()
    before = [t.clone() for t in (p, g, m, v)]
    reference("adamw_step").adamw_step(p, g, m, v, 3)
    assert all(torch.equal(a, b) for a, b in zip((p, g, m, v), before))


# ---------------------------------------------------------------- cosine_warmup


@pytest.mark.parametrize(
    "max_lr,min_lr,warmup,total",
    [(3e-4, 3e-5, 10, 60), (1.0, 0.0, 0, 25), (6e-4, 6e-5, 1, 7)],
    ids=["gpt_like", "no_warmup_to_zero", "one_warmup_step"],
)
def test_cosine_warmup_matches_lambda_lr_built_from_it(max_lr, min_lr, warmup, total):
    lr_at = reference("cosine_warmup").cosine_warmup_lr
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=max_lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_at(s, max_lr, min_lr, warmup, total) / max_lr)
    for step in range(total + 30):
        want = lr_at(step, max_lr, min_lr, warmup, total)
        assert isinstance(want, float)
        assert optimizer.param_groups[0]["lr"] == pytest.approx(want, rel=1e-12, abs=1e-18), step
        optimizer.step()
        schedule.step()


def test_cosine_warmup_shape():
    lr_at = reference("cosine_warmup").cosine_warmup_lr
    lrs = [lr_at(s, 1.0, 0.1, 5, 20) for s in range(40)]
    assert lrs[0] == pytest.approx(0.2) and lrs[4] == lrs[5] == 1.0
    assert all(a < b for a, b in zip(lrs[:5], lrs[1:5]))  # warmup rises
    assert all(a > b for a, b in zip(lrs[5:20], lrs[6:21]))  # the decay falls, to exactly min_lr
    assert lrs[20:] == [pytest.approx(0.1)] * 20


# ---------------------------------------------------------------- label_smoothing


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("ignore_index", [-100, 2], ids=["ignore-100", "ignore2"])
def test_label_smoothing_matches_F_cross_entropy(gen, dtype, eps, ignore_index):
    loss_fn = reference("label_smoothing").label_smoothing_cross_entropy
    B, T, K = 3, 9, 7
    logits = randn(gen, B, T, K, dtype=dtype, scale=3.0).requires_grad_()
    targets = torch.randint(0, K, (B, T), generator=gen)
    targets = targets.masked_fill(torch.rand(B, T, generator=gen) < 0.3, ignore_index)
    targets[0, 0] = 1  # at least one counted position
    logits2 = logits.detach().clone().requires_grad_()
    got = loss_fn(logits, targets, eps=eps, ignore_index=ignore_index)
    want = F.cross_entropy(logits2.reshape(-1, K), targets.reshape(-1), ignore_index=ignore_index, label_smoothing=eps)
    torch.testing.assert_close(got, want, **TOL[dtype])
    (g1,), (g2,) = torch.autograd.grad(got, logits), torch.autograd.grad(want, logits2)
    torch.testing.assert_close(g1, g2, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_label_smoothing_matches_F_cross_entropy_at_1e4(gen, dtype):
    logits = randn(gen, 6, 9, dtype=dtype, scale=1e4)
    targets = torch.randint(0, 9, (6,), generator=gen)
    got = reference("label_smoothing").label_smoothing_cross_entropy(logits, targets, eps=0.1)
    want = F.cross_entropy(logits, targets, label_smoothing=0.1)
    assert got.isfinite()
    torch.testing.assert_close(got, want, rtol=1e-5 if dtype == torch.float32 else 1e-10, atol=0.0)


# ---------------------------------------------------------------- alibi_bias


def _paper_slopes(n):
    """ALiBi's reference rule, stated recursively: the geometric sequence for a power of two, else
    the sequence of the power of two below, then every other slope of twice that many heads."""
    if math.log2(n).is_integer():
        first = 2.0 ** (-(2.0 ** -(math.log2(n) - 3)))
        return [first ** (i + 1) for i in range(n)]
    below = 2 ** math.floor(math.log2(n))
    return _paper_slopes(below) + _paper_slopes(2 * below)[0::2][: n - below]


@pytest.mark.parametrize("n_heads", range(1, 41))
def test_alibi_slopes_match_the_recursive_rule(n_heads):
    slopes, _ = reference("alibi_bias").alibi_bias(n_heads, 2, dtype=torch.float64)
    torch.testing.assert_close(slopes, torch.tensor(_paper_slopes(n_heads), dtype=torch.float64), rtol=1e-14, atol=0)


def test_alibi_bias_is_causal_and_depends_only_on_the_distance():
    slopes, bias = reference("alibi_bias").alibi_bias(6, 9, dtype=torch.float64)
    i, j = torch.meshgrid(torch.arange(9), torch.arange(9), indexing="ij")
    assert torch.isneginf(bias[:, j > i]).all()
    torch.testing.assert_close(bias[:, j <= i], (-slopes[:, None] * (i - j)[j <= i]).double())
    scores = torch.zeros(6, 9, 9, dtype=torch.float64) + bias
    assert torch.softmax(scores, -1)[:, 0, 0].eq(1).all()  # the first query sees only itself


# ---------------------------------------------------------------- temperature_sampling


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("T", [0.3, 1.0, 2.5])
def test_temperature_probs_match_softmax_of_scaled_logits(gen, dtype, T):
    logits = randn(gen, 4, 11, dtype=dtype, scale=2.0)
    u = torch.rand(4, 11, generator=gen, dtype=torch.float64).clamp(1e-6, 1 - 1e-6).to(dtype)
    probs, tokens = reference("temperature_sampling").temperature_sample(logits, T, u)
    torch.testing.assert_close(probs, torch.softmax(logits / T, dim=-1), **TOL[dtype])
    assert tokens.dtype == torch.long and tokens.shape == (4,)


def test_gumbel_max_tokens_follow_the_tempered_distribution(gen):
    sample = reference("temperature_sampling").temperature_sample
    logits = torch.tensor([1.0, 0.0, -1.0, 2.0, 0.5], dtype=torch.float64)
    N = 40000
    u = torch.rand(N, 5, generator=gen, dtype=torch.float64).clamp(1e-12, 1 - 1e-12)
    for T in (0.5, 2.0):
        probs, tokens = sample(logits.expand(N, 5), T, u)
        freq = torch.bincount(tokens, minlength=5).double() / N
        torch.testing.assert_close(freq, probs[0], rtol=0, atol=0.01)  # ~5 standard errors


def test_temperature_zero_is_greedy_with_the_first_maximum():
    logits = torch.tensor([[0.5, 2.0, 2.0, -1.0]])
    probs, tokens = reference("temperature_sampling").temperature_sample(logits, 0.0, torch.full((1, 4), 0.5))
    assert tokens.tolist() == [1] and probs.tolist() == [[0.0, 1.0, 0.0, 0.0]]


# ---------------------------------------------------------------- grpo_advantages


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_grpo_advantages_match_the_row_by_row_formula(gen, dtype):
    rewards = randn(gen, 5, 8, dtype=dtype)
    rewards[2] = 1.0
    got = reference("grpo_advantages").grpo_advantages(rewards, eps=1e-4)
    for row, adv in zip(rewards, got):
        want = (row - row.mean()) / (torch.std(row, correction=0) + 1e-4)
        torch.testing.assert_close(adv, want, **TOL[dtype])
    assert torch.equal(got[2], torch.zeros(8, dtype=dtype))


# ---------------------------------------------------------------- kl_estimators


def test_k1_and_k3_are_unbiased_and_k3_is_never_negative(gen):
    q = torch.softmax(randn(gen, 6), -1)
    p = torch.softmax(randn(gen, 6), -1)
    exact = float((q * (q.log() - p.log())).sum())
    x = torch.multinomial(q, 200000, replacement=True, generator=gen)
    k1, k2, k3 = reference("kl_estimators").kl_estimators(q.log()[x], p.log()[x])
    assert float(k1.mean()) == pytest.approx(exact, abs=0.02)
    assert float(k3.mean()) == pytest.approx(exact, abs=0.02)
    assert (k3 >= 0).all() and (k2 >= 0).all()
    assert float(k3.std()) < float(k1.std())  # the point of k3: lower variance than k1


# ---------------------------------------------------------------- beam_search


def _all_finished_or_full(log_probs, bos, eos, alpha):
    """Every sequence the search can end with, scored by brute force: the ones that stop at eos and
    the ones of full length T."""
    T, V, _ = log_probs.shape
    out = []
    for L in range(1, T + 1):
        for seq in itertools.product(range(V), repeat=L):
            if eos in seq[:-1] or (L < T and seq[-1] != eos):
                continue
            total = sum(float(log_probs[t, a, b]) for t, (a, b) in enumerate(zip((bos,) + seq, seq)))
            out.append((total / L**alpha, list(seq)))
    return sorted(out, reverse=True)


@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_beam_search_with_a_beam_wider_than_all_candidates_is_exhaustive(gen, alpha):
    T, V, bos, eos = 3, 4, 0, 3
    log_probs = torch.log_softmax(randn(gen, T, V, V, scale=1.5), dim=-1)
    tokens, scores = reference("beam_search").beam_search(log_probs, bos, eos, V**T, alpha)
    want = _all_finished_or_full(log_probs, bos, eos, alpha)
    assert tokens.shape == (len(want), T)
    for (score, seq), row, got in zip(want, tokens.tolist(), scores.tolist()):
        assert row == seq + [-1] * (T - len(seq))
        assert got == pytest.approx(score, rel=1e-12)


def test_beam_search_of_width_one_is_greedy(gen):
    T, V, bos, eos = 6, 5, 0, 4
    log_probs = torch.log_softmax(randn(gen, T, V, V), dim=-1)
    tokens, _ = reference("beam_search").beam_search(log_probs, bos, eos, 1)
    last, greedy = bos, []
    for t in range(T):
        last = int(log_probs[t, last].argmax())
        greedy.append(last)
        if last == eos:
            break
    assert tokens.tolist() == [greedy + [-1] * (T - len(greedy))]


# ---------------------------------------------------------------- other valid solutions pass the cases


def _alibi_in_dtype(n_heads, seq_len, dtype=torch.float32, device=None):
    P = 1 << (n_heads.bit_length() - 1)
    odd = torch.arange(1, max(1, 2 * (n_heads - P)), 2, dtype=dtype)  # empty when n_heads is a power of two
    k = torch.cat([torch.arange(1, P + 1, dtype=dtype) * (8.0 / P), odd * (4.0 / P)])
    slopes = torch.pow(2.0, -k)
    pos = torch.arange(seq_len, dtype=dtype, device=device)
    offset = pos[None, :] - pos[:, None]
    return slopes, (slopes[:, None, None] * offset).masked_fill(offset > 0, float("-inf"))


def _temperature_via_logsumexp(logits, temperature, uniforms):
    if temperature == 0:
        tokens = logits.argmax(-1)
        return F.one_hot(tokens, logits.shape[-1]).to(logits.dtype), tokens
    z = logits / temperature
    noise = -torch.log(-torch.log(uniforms))
    return torch.exp(z - torch.logsumexp(z, -1, keepdim=True)), (logits + temperature * noise).argmax(-1)


def _grpo_by_hand(rewards, eps=1e-6):
    centred = rewards - rewards.mean(-1, keepdim=True)
    return centred / (centred.pow(2).mean(-1, keepdim=True).sqrt() + eps)


def _kl_without_expm1(log_q, log_p):
    log_r = log_p - log_q
    return -log_r, log_r * log_r / 2, log_r.exp() - 1 - log_r


def _smoothing_as_a_target_distribution(logits, targets, eps=0.1, ignore_index=-100):
    K = logits.shape[-1]
    counted = targets != ignore_index
    q = torch.full_like(logits, eps / K).scatter(
        -1, targets.clamp(min=0).masked_fill(~counted, 0)[..., None], 1 - eps + eps / K
    )
    per_position = -(q * (logits - torch.logsumexp(logits, -1, keepdim=True))).sum(-1)
    return per_position[counted].sum() / counted.sum()


def _adamw_textbook(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    beta1, beta2 = betas
    m = beta1 * exp_avg + (1 - beta1) * grad
    v = beta2 * exp_avg_sq + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)
    return param - lr * weight_decay * param - lr * m_hat / (v_hat.sqrt() + eps), m, v


def _cosine_other_order(step, max_lr, min_lr, warmup_steps, total_steps):
    if step < warmup_steps:
        return (step + 1) * (max_lr / warmup_steps)
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return max_lr - (max_lr - min_lr) * (1 - math.cos(math.pi * progress)) / 2


def _beam_search_vectorised(log_probs, bos, eos, beam_size, alpha=0.0):
    """Beams as tensors; candidates ranked with one topk over (finished beams + beams x V)."""
    T, V, _ = log_probs.shape
    seqs = torch.full((1, T), -1, dtype=torch.long)
    totals, lengths, done = log_probs.new_zeros(1), torch.zeros(1, dtype=torch.long), torch.zeros(1, dtype=torch.bool)
    for t in range(T):
        if done.all():
            break
        alive = ~done
        last = seqs[alive, t - 1] if t > 0 else torch.full((int(alive.sum()),), bos)
        ext_totals = (totals[alive, None] + log_probs[t, last]).reshape(-1)  # (n_alive * V,)
        ext_seqs = seqs[alive].repeat_interleave(V, 0)
        ext_seqs[:, t] = torch.arange(V).repeat(int(alive.sum()))
        all_totals = torch.cat([totals[done], ext_totals])
        all_seqs = torch.cat([seqs[done], ext_seqs])
        all_lengths = torch.cat([lengths[done], torch.full((ext_totals.numel(),), t + 1)])
        rank = all_totals / all_lengths.to(log_probs.dtype).pow(alpha)
        keep = rank.topk(min(beam_size, rank.numel())).indices
        seqs, totals, lengths = all_seqs[keep], all_totals[keep], all_lengths[keep]
        done = seqs.gather(1, (lengths - 1)[:, None]).squeeze(1) == eos
    return seqs, totals / lengths.to(log_probs.dtype).pow(alpha)


ALTERNATIVES = {
    "alibi_bias": _alibi_in_dtype,
    "temperature_sampling": _temperature_via_logsumexp,
    "grpo_advantages": _grpo_by_hand,
    "kl_estimators": _kl_without_expm1,
    "label_smoothing": _smoothing_as_a_target_distribution,
    "adamw_step": _adamw_textbook,
    "cosine_warmup": _cosine_other_order,
    "beam_search": _beam_search_vectorised,
}


def _yaml(drill_id):
    import yaml

    from llmprep.paths import solutions_dir

    return yaml.safe_load((solutions_dir() / drill_id / "drill.yaml").read_text(encoding="utf-8"))


def _close(got, want, rtol, atol):
    if not isinstance(want, torch.Tensor):
        return got == pytest.approx(want, rel=1e-9, abs=1e-12)
    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if not want.is_floating_point():
        return torch.equal(got, want)
    g, w = got.double(), want.double()
    ok = (g - w).abs() <= atol + rtol * w.abs()
    return bool(torch.where(w.isfinite(), ok, g == w).all())


@pytest.mark.parametrize("drill_id", sorted(ALTERNATIVES))
def test_another_valid_solution_passes_every_case(drill_id):
    cases = cases_of(drill_id)
    meta = _yaml(drill_id)
    entry = getattr(reference(drill_id), meta["entry"])
    dtypes = meta["dtypes"] + meta["cuda_dtypes"] or [None]
    for seed in range(5):
        for name in dtypes:
            rtol, atol = (meta["tolerance"][name]["rtol"], meta["tolerance"][name]["atol"]) if name else (0, 0)
            for case in cases.cases(case_ctx(name, seed)):
                scale = case.tol_scale
                want = entry(*case.args, **case.kwargs)
                got = ALTERNATIVES[drill_id](*case.args, **case.kwargs)
                want = want if isinstance(want, tuple) else (want,)
                got = got if isinstance(got, tuple) else (got,)
                for g, w in zip(got, want):
                    g = g.detach() if isinstance(g, torch.Tensor) else g
                    w = w.detach() if isinstance(w, torch.Tensor) else w
                    assert _close(g, w, rtol * scale, atol * scale), (seed, name, case.name)
                if meta["grad"]:
                    leaves = [a for a in case.args if isinstance(a, torch.Tensor) and a.requires_grad]
                    pairs = [(g, w) for g, w in zip(got, want) if isinstance(w, torch.Tensor) and w.requires_grad]
                    if not leaves or not pairs:
                        continue
                    up = [
                        torch.randn(w.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(
                            w.dtype
                        )
                        for _, w in pairs
                    ]
                    g_got = torch.autograd.grad(sum((g * u).sum() for (g, _), u in zip(pairs, up)), leaves)
                    g_want = torch.autograd.grad(sum((w * u).sum() for (_, w), u in zip(pairs, up)), leaves)
                    for a, b in zip(g_got, g_want):
                        assert _close(a, b, 10 * rtol * scale, 10 * atol * scale), (seed, name, case.name, "grad")
