"""The position, normalization, FFN and attention-variant references agree with PyTorch's own
functions (F.layer_norm, F.rms_norm, F.gelu, F.scaled_dot_product_attention) or a direct formula."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

from tests.drills.agreement import DTYPES, TOL, reference


def randn(gen, *shape, dtype=torch.float32, scale=1.0):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).to(dtype)


def sdpa(q, k, v, mask=None, causal=False):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)


# ---------------------------------------------------------------- positions


@pytest.mark.parametrize("seq_len,d_model", [(1, 2), (7, 6), (64, 32), (300, 130)], ids=str)
def test_sinusoidal_pe_matches_the_formula(seq_len, d_model):
    got = reference("sinusoidal_pe").sinusoidal_positional_encoding(seq_len, d_model)
    want = torch.empty(seq_len, d_model, dtype=torch.float64)
    for p in range(seq_len):
        for i in range(d_model // 2):
            angle = p / 10000 ** (2 * i / d_model)
            want[p, 2 * i], want[p, 2 * i + 1] = math.sin(angle), math.cos(angle)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got.double(), want, rtol=0, atol=1e-4)


def _rope_direct(x, positions, base):
    """LLaMA's rotate-half written out, in float64."""
    D = x.shape[-1]
    inv_freq = 1.0 / base ** (torch.arange(0, D, 2, dtype=torch.float64) / D)
    freqs = torch.outer(positions.double(), inv_freq)
    cos, sin = torch.cat((freqs, freqs), -1).cos(), torch.cat((freqs, freqs), -1).sin()
    x1, x2 = x.double().chunk(2, dim=-1)
    return x.double() * cos + torch.cat((-x2, x1), dim=-1) * sin


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("base", [10000.0, 500000.0], ids=["base1e4", "base5e5"])
def test_rope_matches_rotate_half_formula(gen, dtype, base):
    x = randn(gen, 2, 3, 9, 16, dtype=dtype)
    positions = torch.randint(0, 500, (9,), generator=gen)
    rope = reference("rope").apply_rope
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == torch.float32 else TOL[dtype]
    torch.testing.assert_close(rope(x, positions, base).double(), _rope_direct(x, positions, base), **tol)
    default = rope(x, base=base)
    assert default.dtype == dtype
    torch.testing.assert_close(default.double(), _rope_direct(x, torch.arange(9), base), **tol)


def test_rope_scores_depend_only_on_the_distance(gen):
    rope = reference("rope").apply_rope
    q, k = randn(gen, 1, 32, dtype=torch.float64), randn(gen, 1, 32, dtype=torch.float64)
    score = lambda m, n: (rope(q, torch.tensor([m])) * rope(k, torch.tensor([n]))).sum()
    torch.testing.assert_close(score(5, 2), score(103, 100))
    torch.testing.assert_close(score(0, 0), (q * k).sum())


# ---------------------------------------------------------------- normalization


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(
    "shape,scale,offset",
    [((4, 1), 1, 0), ((3, 5, 33), 1, 0), ((6, 64), 10, 1000), ((2, 40), 1e-3, 0)],
    ids=["D1", "batch", "offset", "tiny"],
)
def test_layer_norm_matches_F_layer_norm(gen, dtype, shape, scale, offset):
    x = (randn(gen, *shape, dtype=dtype, scale=scale) + offset).requires_grad_()
    w = randn(gen, shape[-1], dtype=dtype).requires_grad_()
    b = randn(gen, shape[-1], dtype=dtype).requires_grad_()
    x2, w2, b2 = (t.detach().clone().requires_grad_() for t in (x, w, b))
    got = reference("layer_norm").layer_norm(x, w, b)
    want = F.layer_norm(x2, (shape[-1],), w2, b2, 1e-5)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == torch.float32 else TOL[dtype]
    torch.testing.assert_close(got, want, **tol)
    up = randn(gen, *shape, dtype=dtype)
    torch.testing.assert_close(
        torch.autograd.grad((got * up).sum(), (x, w, b)),
        torch.autograd.grad((want * up).sum(), (x2, w2, b2)),
        rtol=10 * tol["rtol"],
        atol=10 * tol["atol"],
    )


@pytest.mark.parametrize("dtype", DTYPES + [torch.float16], ids=str)
@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e3], ids=["tiny", "unit", "x1e3"])
def test_rmsnorm_matches_F_rms_norm(gen, dtype, scale):
    module = reference("rmsnorm").RMSNorm(48, eps=1e-6)
    with torch.no_grad():
        module.weight.copy_(1 + randn(gen, 48))
    module = module.to(dtype)
    x = randn(gen, 2, 5, 48, dtype=dtype, scale=scale)
    work = torch.float32 if dtype == torch.float16 else dtype
    want = F.rms_norm(x.to(work), (48,), None, 1e-6).to(dtype) * module.weight
    tol = dict(rtol=2e-3, atol=2e-3) if dtype == torch.float16 else TOL[dtype]
    got = module(x)
    assert got.dtype == dtype and torch.isfinite(got).all()
    torch.testing.assert_close(got, want, **tol)


# ---------------------------------------------------------------- feed-forward


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_swiglu_matches_silu_formula(gen, dtype):
    module = reference("swiglu").SwiGLU(24, 40).to(dtype)
    x = randn(gen, 2, 7, 24, dtype=dtype)
    want = F.linear(
        F.silu(F.linear(x, module.gate_proj.weight)) * F.linear(x, module.up_proj.weight), module.down_proj.weight
    )
    torch.testing.assert_close(module(x), want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("scale", [1.0, 4.0, 1e4], ids=["unit", "x4", "x1e4"])
def test_gelu_matches_F_gelu(gen, dtype, approximate, scale):
    x = randn(gen, 3, 257, dtype=dtype, scale=scale).requires_grad_()
    x2 = x.detach().clone().requires_grad_()
    got = reference("gelu").gelu(x, approximate=approximate)
    want = F.gelu(x2, approximate=approximate)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == torch.float32 else dict(rtol=1e-12, atol=1e-13)
    torch.testing.assert_close(got, want, **tol)
    up = randn(gen, 3, 257, dtype=dtype)
    (g1,), (g2,) = torch.autograd.grad((got * up).sum(), x), torch.autograd.grad((want * up).sum(), x2)
    torch.testing.assert_close(g1, g2, rtol=10 * tol["rtol"], atol=10 * tol["atol"])


# ---------------------------------------------------------------- attention variants


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("Hq,Hkv", [(4, 2), (6, 3), (8, 1), (4, 4)], ids=str)
@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_gqa_matches_sdpa(gen, dtype, Hq, Hkv, causal):
    q = randn(gen, 2, Hq, 7, 8, dtype=dtype)
    k, v = randn(gen, 2, Hkv, 7, 8, dtype=dtype), randn(gen, 2, Hkv, 7, 8, dtype=dtype)
    g = Hq // Hkv
    want = sdpa(q, k.repeat_interleave(g, 1), v.repeat_interleave(g, 1), causal=causal)
    torch.testing.assert_close(reference("gqa").grouped_query_attention(q, k, v, causal=causal), want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("window", [1, 2, 5, 100], ids=str)
def test_sliding_window_matches_sdpa_with_band_mask(gen, dtype, window):
    T = 13
    q, k, v = (randn(gen, 2, 3, T, 8, dtype=dtype) for _ in range(3))
    i = torch.arange(T)
    band = (i[None, :] <= i[:, None]) & (i[None, :] > i[:, None] - window)
    got = reference("sliding_window_attention").sliding_window_attention(q, k, v, window)
    torch.testing.assert_close(got, sdpa(q, k, v, mask=band), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("block_size", [1, 3, 16, 64], ids=str)
@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_flash_attention_matches_sdpa(gen, dtype, block_size, causal):
    Tk = 37
    Tq = Tk if causal else 21
    q = randn(gen, 2, 3, Tq, 16, dtype=dtype, scale=3.0)
    k = randn(gen, 2, 3, Tk, 16, dtype=dtype, scale=3.0)
    v = randn(gen, 2, 3, Tk, 12, dtype=dtype)
    got = reference("flash_attention").flash_attention(q, k, v, block_size=block_size, causal=causal)
    torch.testing.assert_close(got, sdpa(q, k, v, causal=causal), **TOL[dtype])


class _Shapes(TorchDispatchMode):
    """Records the shape of every tensor an op produces."""

    def __init__(self):
        super().__init__()
        self.shapes = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else [out]:
            if isinstance(t, torch.Tensor):
                self.shapes.append(tuple(t.shape))
        return out


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_flash_attention_never_builds_the_full_score_matrix(gen, causal):
    T, block = 96, 16
    q, k, v = (randn(gen, 1, 2, T, 8) for _ in range(3))
    with _Shapes() as seen:
        reference("flash_attention").flash_attention(q, k, v, block_size=block, causal=causal)
    assert seen.shapes, "the dispatch mode saw no ops"
    assert all(not (len(s) >= 2 and s[-2] > block and s[-1] > block) for s in seen.shapes), (
        "a tensor with both trailing dims above block_size was built"
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("chunks", [[1] * 9, [4, 1, 1, 3], [9]], ids=["token-by-token", "chunked", "prefill"])
def test_kv_cache_decoding_equals_full_causal_attention(gen, dtype, chunks):
    q, k, v = (randn(gen, 2, 3, 9, 8, dtype=dtype) for _ in range(3))
    step = reference("kv_cache").attend_with_kv_cache
    outs, k_cache, v_cache, start = [], None, None, 0
    for n in chunks:
        sl = slice(start, start + n)
        out, k_cache, v_cache = step(q[..., sl, :], k[..., sl, :], v[..., sl, :], k_cache, v_cache)
        outs.append(out)
        start += n
    torch.testing.assert_close(torch.cat(outs, -2), sdpa(q, k, v, causal=True), **TOL[dtype])
    torch.testing.assert_close(k_cache, k, rtol=0, atol=0)
    torch.testing.assert_close(v_cache, v, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_transformer_block_matches_a_composition_of_torch_functions(gen, dtype):
    block = reference("transformer_block").TransformerBlock(16, 4, 40).to(dtype)
    with torch.no_grad():  # LayerNorm weights are ones/zeros when fresh: make them count
        for ln in (block.ln_1, block.ln_2):
            ln.weight.copy_(1 + randn(gen, 16, dtype=dtype))
            ln.bias.copy_(randn(gen, 16, dtype=dtype))
    x = randn(gen, 2, 11, 16, dtype=dtype)
    B, T, C = x.shape
    h = F.layer_norm(x, (C,), block.ln_1.weight, block.ln_1.bias)
    q, k, v = (t.view(B, T, 4, 4).transpose(1, 2) for t in block.c_attn(h).split(C, -1))
    x_mid = x + block.c_proj(sdpa(q, k, v, causal=True).transpose(1, 2).reshape(B, T, C))
    want = x_mid + block.fc_out(F.gelu(block.fc(F.layer_norm(x_mid, (C,), block.ln_2.weight, block.ln_2.bias))))
    torch.testing.assert_close(block(x), want, **TOL[dtype])


# ---------------------------------------------------------------- LoRA and MoE


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_lora_equals_linear_with_merged_weight_and_trains_only_the_adapters(gen, dtype):
    layer = reference("lora").LoRALinear(12, 7, rank=4, alpha=8).to(dtype)
    with torch.no_grad():  # B is zero when fresh: make the update visible
        layer.lora_B.copy_(randn(gen, 7, 4, dtype=dtype))
    x = randn(gen, 3, 5, 12, dtype=dtype)
    merged = layer.weight + (8 / 4) * layer.lora_B @ layer.lora_A
    out = layer(x)
    torch.testing.assert_close(out, F.linear(x, merged, layer.bias), **TOL[dtype])
    out.sum().backward()
    assert layer.weight.grad is None and layer.bias.grad is None
    assert layer.lora_A.grad is not None and layer.lora_B.grad is not None


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("top_k", [1, 2, 3], ids=str)
def test_moe_router_matches_one_hot_bookkeeping(gen, dtype, top_k):
    logits = randn(gen, 4, 5, 6, dtype=dtype, scale=2.0)
    gates, aux = reference("moe_router").moe_router(logits, top_k=top_k)
    flat = logits.reshape(-1, 6)
    probs = F.softmax(flat, dim=-1)
    top_p, top_i = probs.topk(top_k, dim=-1)
    want_gates = torch.zeros_like(flat).scatter(1, top_i, top_p / top_p.sum(-1, keepdim=True))
    chosen = F.one_hot(top_i, 6).to(dtype).sum(1)  # (N, E)
    want_aux = 6 * (chosen.mean(0) / top_k * probs.mean(0)).sum()
    torch.testing.assert_close(gates.reshape(-1, 6), want_gates, **TOL[dtype])
    torch.testing.assert_close(aux, want_aux, **TOL[dtype])


def test_moe_router_balanced_routing_gives_aux_one():
    logits = torch.eye(4, dtype=torch.float64) * 5  # token e prefers expert e; mean probability 1/4 each
    _, aux = reference("moe_router").moe_router(logits, top_k=1)
    torch.testing.assert_close(aux, torch.tensor(1.0, dtype=torch.float64))
    gates, _ = reference("moe_router").moe_router(logits, top_k=4)
    torch.testing.assert_close(gates, F.softmax(logits, -1))
