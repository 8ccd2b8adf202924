"""The references of bpe_merges, mla_attention, paged_kv_cache, continuous_batching_step,
fp8_scaling, z_loss, rope_scaling and moe_aux_loss agree with an independent derivation: PyTorch's
own functions where they exist, otherwise the published formulas rewritten element by element."""

import math
import random
import re

import pytest
import torch
import torch.nn.functional as F

from tests.drills.agreement import DTYPES, TOL, reference

# ---------------------------------------------------------------- rope_scaling
# YaRN (Peng et al. 2023, section 3.2-3.4) and transformers' _compute_yarn_parameters, written
# again per pair index with the math module only: wavelength, turns over the original context,
# and the ramp between the two correction dimensions.


def _yarn_by_hand(dim, base, factor, L, beta_fast, beta_slow):
    def correction_dim(turns):
        # the pair index i at which L / wavelength_i = turns, wavelength_i = 2 pi base^(2i/dim)
        return dim * math.log(L / (turns * 2 * math.pi)) / (2 * math.log(base))

    low = max(math.floor(correction_dim(beta_fast)), 0)
    high = min(math.ceil(correction_dim(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    out = []
    for i in range(dim // 2):
        theta = 1.0 / base ** (2 * i / dim)
        extrapolate = 1.0 - min(max((i - low) / (high - low), 0.0), 1.0)
        out.append(theta / factor * (1 - extrapolate) + theta * extrapolate)
    mscale = 0.1 * math.log(factor) + 1.0 if factor > 1 else 1.0
    return out, mscale


YARN = [
    (128, 10000.0, 4.0, 4096, 32, 1),
    (64, 500000.0, 8.0, 8192, 32, 1),
    (32, 10000.0, 16.0, 2048, 16, 2),
    (16, 10000.0, 8.0, 64, 32, 1),
    (8, 10000.0, 2.0, 1, 1, 1),
    (96, 1000000.0, 32.0, 32768, 32, 1),
]


@pytest.mark.parametrize(
    "dim,base,factor,L,beta_fast,beta_slow", YARN, ids=[f"d{c[0]}-s{c[2]:g}-L{c[3]}" for c in YARN]
)
def test_rope_scaling_yarn_matches_the_formulas(dim, base, factor, L, beta_fast, beta_slow):
    want, want_mscale = _yarn_by_hand(dim, base, factor, L, beta_fast, beta_slow)
    got, mscale = reference("rope_scaling").scaled_inv_freq(
        dim, base, "yarn", factor, L, beta_fast, beta_slow, dtype=torch.float64
    )
    torch.testing.assert_close(got, torch.tensor(want, dtype=torch.float64), rtol=1e-12, atol=0)
    assert mscale == pytest.approx(want_mscale, rel=1e-15)


def test_rope_scaling_yarn_fast_pairs_keep_and_slow_pairs_interpolate():
    dim, base, factor, L = 128, 10000.0, 4.0, 4096
    got, _ = reference("rope_scaling").scaled_inv_freq(dim, base, "yarn", factor, L, dtype=torch.float64)
    plain = base ** -(torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    turns = L * plain / (2 * math.pi)  # full turns of each pair over the original context
    fast, slow = turns > 32, turns < 1
    assert fast.any() and slow.any()
    torch.testing.assert_close(got[fast], plain[fast], rtol=1e-12, atol=0)
    torch.testing.assert_close(got[slow], plain[slow] / factor, rtol=1e-12, atol=0)


@pytest.mark.parametrize("dim", [4, 6, 64, 128])
@pytest.mark.parametrize("factor", [2.0, 8.0, 37.5])
def test_rope_scaling_ntk_is_a_base_change_that_pins_both_ends(dim, factor):
    base = 10000.0
    got, mscale = reference("rope_scaling").scaled_inv_freq(dim, base, "ntk", factor, dtype=torch.float64)
    new_base = base * factor ** (dim / (dim - 2))
    want = [new_base ** (-2 * i / dim) for i in range(dim // 2)]
    torch.testing.assert_close(got, torch.tensor(want, dtype=torch.float64), rtol=1e-12, atol=0)
    assert got[0] == 1.0 and mscale == 1.0
    assert got[-1].item() == pytest.approx(base ** (-(dim - 2) / dim) / factor, rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_rope_scaling_linear_and_float32_cast(dtype):
    got, mscale = reference("rope_scaling").scaled_inv_freq(64, 10000.0, "linear", 4.0, dtype=dtype)
    # transformers' default rope: 1 / base ** (arange(0, dim, 2).float() / dim), then / factor
    want = 1.0 / (10000.0 ** (torch.arange(0, 64, 2, dtype=torch.int64).to(dtype) / 64)) / 4.0
    assert got.dtype == dtype and mscale == 1.0
    torch.testing.assert_close(got, want, rtol=1e-6 if dtype == torch.float32 else 1e-12, atol=0)


def test_rope_scaling_factor_one_is_plain_rope():
    plain = 10000.0 ** -(torch.arange(0, 32, 2, dtype=torch.float64) / 32)
    for kind in ("linear", "ntk", "yarn"):
        got, mscale = reference("rope_scaling").scaled_inv_freq(32, kind=kind, factor=1.0, dtype=torch.float64)
        torch.testing.assert_close(got, plain, rtol=1e-12, atol=0)
        assert mscale == 1.0


# ---------------------------------------------------------------- mla_attention


def _naive_mla(x, w_dkv, w_uk, w_uv, w_q, w_o, n_heads, cache=None):
    """Per-head keys and values built explicitly, then ordinary causal attention."""
    B, T, _ = x.shape
    H = n_heads
    d_h = w_q.shape[1] // H
    c = x @ w_dkv
    if cache is not None:
        c = torch.cat((cache, c), dim=1)
    S = c.shape[1]
    q = (x @ w_q).view(B, T, H, d_h).transpose(1, 2)
    k = (c @ w_uk).view(B, S, H, d_h).transpose(1, 2)
    v = (c @ w_uv).view(B, S, H, d_h).transpose(1, 2)
    mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
    o = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    return o.transpose(1, 2).reshape(B, T, H * d_h) @ w_o, c


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("P", [0, 1, 9])
def test_mla_absorbed_equals_naive_form(gen, dtype, P):
    B, T, d_model, d_c, H, d_h = 2, 4, 16, 6, 4, 8
    w = lambda i, o: torch.randn(i, o, generator=gen, dtype=dtype) / math.sqrt(i)  # noqa: E731
    x = torch.randn(B, T, d_model, generator=gen, dtype=dtype)
    weights = (w(d_model, d_c), w(d_c, H * d_h), w(d_c, H * d_h), w(d_model, H * d_h), w(H * d_h, d_model))
    cache = torch.randn(B, P, d_c, generator=gen, dtype=dtype) if P else None
    out, new_cache = reference("mla_attention").mla_attention(x, *weights, H, cache)
    want, want_cache = _naive_mla(x, *weights, H, cache)
    torch.testing.assert_close(out, want, **TOL[dtype])
    torch.testing.assert_close(new_cache, want_cache, rtol=0, atol=0)
    assert new_cache.shape == (B, P + T, d_c)


def test_mla_decoding_token_by_token_equals_one_prefill(gen):
    B, T, d_model, d_c, H, d_h = 1, 6, 12, 4, 3, 5
    w = lambda i, o: torch.randn(i, o, generator=gen, dtype=torch.float64)  # noqa: E731
    weights = (w(d_model, d_c), w(d_c, H * d_h), w(d_c, H * d_h), w(d_model, H * d_h), w(H * d_h, d_model))
    x = torch.randn(B, T, d_model, generator=gen, dtype=torch.float64)
    mla = reference("mla_attention").mla_attention
    full, _ = mla(x, *weights, H)
    cache, steps = None, []
    for t in range(T):
        out, cache = mla(x[:, t : t + 1], *weights, H, cache)
        steps.append(out)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, rtol=1e-10, atol=1e-10)


# ---------------------------------------------------------------- z_loss


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3], ids=["unit", "x30", "x1e3"])
def test_z_loss_is_cross_entropy_plus_squared_log_partition(gen, dtype, scale):
    logits = torch.randn(3, 7, 11, generator=gen, dtype=dtype) * scale
    targets = torch.randint(0, 11, (3, 7), generator=gen)
    targets[torch.rand(3, 7, generator=gen) < 0.3] = -100
    counted = targets != -100
    z_coef = 1e-3
    ce = F.cross_entropy(logits.reshape(-1, 11), targets.reshape(-1), ignore_index=-100)
    lse = torch.logsumexp(logits, dim=-1)[counted]
    want = ce + z_coef * (lse**2).mean()
    got = reference("z_loss").z_loss_cross_entropy(logits, targets, z_coef=z_coef)
    torch.testing.assert_close(got, want, **TOL[dtype])


def test_z_loss_gradient_matches_autograd_of_the_formula(gen):
    logits = torch.randn(5, 9, generator=gen, dtype=torch.float64, requires_grad=True)
    targets = torch.tensor([1, -100, 4, 8, 0])
    ref = reference("z_loss").z_loss_cross_entropy(logits, targets, z_coef=0.1)
    (g_ref,) = torch.autograd.grad(ref, logits)
    keep = targets != -100
    want = F.cross_entropy(logits[keep], targets[keep]) + 0.1 * (torch.logsumexp(logits[keep], -1) ** 2).mean()
    (g_want,) = torch.autograd.grad(want, logits)
    torch.testing.assert_close(g_ref, g_want, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- moe_aux_loss


def _mixtral_style(logits, top_k):
    """transformers' load_balancing_loss_func (Mixtral), no attention mask: mean over tokens of the
    (N, k, E) one-hot routing mask, times the mean probabilities, times E. It divides by N, not
    N * k, so it is top_k times the drill's value."""
    E = logits.shape[-1]
    probs = logits.softmax(-1)
    _, selected = torch.topk(probs, top_k, dim=-1)
    expert_mask = F.one_hot(selected, E)  # (N, k, E)
    tokens_per_expert = expert_mask.double().mean(dim=0)  # (k, E)
    router_prob_per_expert = probs.mean(dim=0)  # (E,)
    return (tokens_per_expert * router_prob_per_expert.unsqueeze(0)).sum() * E


@pytest.mark.parametrize("top_k", [1, 2, 4])
def test_moe_aux_loss_is_mixtral_helper_over_top_k(gen, top_k):
    logits = torch.randn(40, 8, generator=gen, dtype=torch.float64)
    got = reference("moe_aux_loss").load_balancing_loss(logits, top_k=top_k)
    torch.testing.assert_close(got * top_k, _mixtral_style(logits, top_k), rtol=1e-12, atol=1e-12)


def test_moe_aux_loss_mask_equals_dropping_the_padding(gen):
    logits = torch.randn(3, 6, 5, generator=gen, dtype=torch.float64)
    mask = torch.rand(3, 6, generator=gen) < 0.6
    mask[0, 0] = True
    f = reference("moe_aux_loss").load_balancing_loss
    torch.testing.assert_close(f(logits, 2, mask), f(logits[mask], 2), rtol=1e-12, atol=1e-12)


def test_moe_aux_loss_gradient_flows_only_through_P(gen):
    logits = torch.randn(10, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    loss = reference("moe_aux_loss").load_balancing_loss(logits, top_k=1)
    (grad,) = torch.autograd.grad(loss, logits)
    f = F.one_hot(logits.argmax(-1), 4).double().mean(0)  # constants
    want = torch.autograd.grad(4 * (f * logits.softmax(-1).mean(0)).sum(), logits)[0]
    torch.testing.assert_close(grad, want, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- fp8_scaling


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_fp8_round_trip_error_is_within_half_an_e4m3_step(gen, dtype):
    x = torch.randn(64, 33, generator=gen, dtype=dtype) * 5
    x_fp8, scale, x_dq, history = reference("fp8_scaling").fp8_quantize(x)
    assert x_fp8.dtype == torch.float8_e4m3fn and scale.dtype == torch.float32 and history is None
    assert scale.item() == pytest.approx(x.abs().max().item() / 448, rel=1e-6)
    y = x.double() / scale.double()  # in E4M3 units; the grid step at |y| is 2^(floor(log2 |y|) - 3)
    step = torch.exp2(torch.floor(torch.log2(y.abs().clamp(min=2.0**-6))) - 3)
    assert ((x_dq.double() - x.double()).abs() <= 0.5 * step * scale.double() * (1 + 1e-6) + 1e-12).all()


def test_fp8_delayed_scaling_rolls_the_history():
    x = torch.tensor([[0.5, -8.0], [1.0, 2.0]])
    history = torch.tensor([1.0, 4.0, 2.0])
    x_fp8, scale, x_dq, new = reference("fp8_scaling").fp8_quantize(x, history)
    assert scale.item() == pytest.approx(4.0 / 448)
    torch.testing.assert_close(new, torch.tensor([4.0, 2.0, 8.0]))
    assert x_fp8.float().abs().max().item() == 448.0  # -8 / scale = -896 saturates
    assert x_dq[0, 1].item() == pytest.approx(-4.0)


# ---------------------------------------------------------------- bpe_merges


def _bpe_by_regex(word_counts, num_merges):
    """Sennrich et al.'s original loop: words as space-separated symbols, the chosen pair replaced
    with a regex that only matches whole symbols."""
    vocab = {" ".join(word): n for word, n in word_counts.items()}
    merges = []
    for _ in range(num_merges):
        pairs = {}
        for spelled, n in vocab.items():
            symbols = spelled.split()
            for i in range(len(symbols) - 1):
                pairs[symbols[i], symbols[i + 1]] = pairs.get((symbols[i], symbols[i + 1]), 0) + n
        if not pairs:
            break
        top = max(pairs.values())
        best = min(p for p, n in pairs.items() if n == top)
        pattern = re.compile(r"(?<!\S)" + re.escape(" ".join(best)) + r"(?!\S)")
        vocab = {pattern.sub("".join(best), spelled): n for spelled, n in vocab.items()}
        merges.append(best)
    return merges, {word: spelled.split() for word, spelled in zip(word_counts, vocab)}


@pytest.mark.parametrize("seed", range(8))
def test_bpe_matches_the_regex_formulation(seed):
    rng = random.Random(seed)
    corpus = {}
    while len(corpus) < 25:
        corpus["".join(rng.choice("abcde") for _ in range(rng.randint(1, 9)))] = rng.randint(1, 12)
    got = reference("bpe_merges").learn_bpe(corpus, 30)
    assert got == _bpe_by_regex(corpus, 30)


# ---------------------------------------------------------------- paged_kv_cache


@pytest.mark.parametrize("seed", range(6))
def test_paged_gather_equals_the_appended_tokens(seed):
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    block_size, ops, contiguous, wants = rng.choice([1, 2, 4, 8]), [], {}, []
    for _ in range(40):
        seq = rng.choice("pqrs")
        if seq in contiguous and rng.random() < 0.15:
            ops.append(("free", seq))
            del contiguous[seq]
        elif seq in contiguous and rng.random() < 0.4:
            ops.append(("gather", seq))
            wants.append(contiguous[seq])
        else:
            k = torch.randn(rng.randint(1, 9), 3, generator=gen)
            ops.append(("append", seq, k, -k))
            contiguous[seq] = torch.cat((contiguous[seq], k)) if seq in contiguous else k
    pool = torch.zeros(200, block_size, 3)
    gathered, tables, free, _, _ = reference("paged_kv_cache").paged_kv_cache(pool, pool, list(range(200)), ops)
    assert len(gathered) == len(wants)
    for (k, v), want in zip(gathered, wants):
        assert torch.equal(k, want) and torch.equal(v, -want)
    for seq, table in tables.items():
        assert len(table) == -(-contiguous[seq].shape[0] // block_size)
    used = [b for t in tables.values() for b in t]
    assert sorted(used + free) == list(range(200))


# ---------------------------------------------------------------- continuous_batching_step


@pytest.mark.parametrize("seed", range(10))
def test_scheduler_respects_budgets_and_admits_a_prefix_of_the_queue(seed):
    rng = random.Random(seed)
    bs = rng.choice([4, 8, 16])
    running = [(f"r{i}", rng.randint(1, 50), rng.choice([0, 0, 1, 5])) for i in range(rng.randint(0, 8))]
    waiting = [(f"w{i}", rng.randint(1, 40)) for i in range(rng.randint(0, 10))]
    decode_blocks = sum(1 for _, c, r in running if r > 0 and c % bs == 0)
    free0, max_batch, budget = (
        decode_blocks + rng.randint(0, 10),
        len(running) + rng.randint(0, 4),
        8 + rng.randint(0, 60),
    )
    batch, still, free, tokens = reference("continuous_batching_step").schedule_step(
        running, waiting, max_batch, budget, free0, bs
    )
    decoding = [s for s, _, r in running if r > 0]
    admitted = batch[len(decoding) :]
    assert batch[: len(decoding)] == decoding
    assert admitted + still == [s for s, _ in waiting]  # a prefix joins, in order
    prompt = dict(waiting)
    assert tokens == len(decoding) + sum(prompt[s] for s in admitted) <= max(budget, len(decoding))
    assert len(batch) <= max(max_batch, len(decoding)) and free >= 0
    freed = sum(-(-c // bs) for _, c, r in running if r == 0)
    assert free == free0 + freed - decode_blocks - sum(-(-prompt[s] // bs) for s in admitted)
    if still:  # the head of the queue really did not fit
        head = prompt[still[0]]
        assert len(batch) == max_batch or tokens + head > budget or -(-head // bs) > free
