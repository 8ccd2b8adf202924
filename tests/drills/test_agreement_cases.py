"""The drills' cases give true verdicts: valid alternatives pass them (with the tolerances and
tol_scale they declare), and the properties grader v2 checks (max_intermediate, frozen
parameters) hold for the references and fail for the mistakes they target."""

import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from llmprep.paths import solutions_dir
from tests.drills.agreement import case_ctx, cases_of, reference

SEEDS = range(20)
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def within(got, want, rtol, atol, scale=1.0):
    """The grader's rule: |got - want| <= (atol + rtol |want|) * tol_scale, -inf/NaN where expected."""
    got, want = got.double(), want.double()
    finite = want.isfinite()
    ok = (got - want).abs() <= (atol + rtol * want.abs()) * scale
    return bool(torch.where(finite, ok, (got == want) | (got.isnan() & want.isnan())).all())


# ---------------------------------------------------------------- softmax: exp(x - logsumexp(x))


def _lse_softmax(x, dim=-1):
    return torch.exp(x - torch.logsumexp(x, dim=dim, keepdim=True))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_softmax_accepts_exp_of_x_minus_logsumexp_with_the_cases_tol_scale(dtype):
    rtol, atol = {"float32": (1e-5, 1e-7), "float64": (1e-10, 1e-12)}[dtype]  # drill.yaml
    cases, ref, needed = cases_of("softmax"), reference("softmax"), []
    for seed in SEEDS:
        for case in cases.cases(case_ctx(DTYPES[dtype], seed)):
            x = case.args[0].clone().requires_grad_()
            want, got = ref.softmax(x, **case.kwargs), _lse_softmax(x, **case.kwargs)
            upstream = torch.randn(want.shape, generator=torch.Generator().manual_seed(seed), dtype=want.dtype)
            (g_want,) = torch.autograd.grad((want * upstream).sum(), x)
            (g_got,) = torch.autograd.grad((got * upstream).sum(), x)
            assert within(got, want, rtol, atol, case.tol_scale), (seed, case.name)
            assert within(g_got, g_want, 10 * rtol, 10 * atol, case.tol_scale), (seed, case.name, "grad")
            if not within(got, want, rtol, atol):
                needed.append(case.name)
    if dtype == "float32":  # without the scale the float32 verdict would be false
        assert "example" in needed and "very negative rows" in needed


def test_softmax_tol_scale_still_rejects_the_mistakes():
    cases, ref = cases_of("softmax"), reference("softmax")
    for seed in range(5):
        for mistake in cases.mistakes(ref):
            rejected = False
            for case in cases.cases(case_ctx(torch.float32, seed)):
                want = ref.softmax(*case.args, **case.kwargs)
                rejected |= not within(mistake.impl(*case.args, **case.kwargs), want, 1e-5, 1e-7, case.tol_scale)
            assert rejected, (seed, mistake.key)


# ---------------------------------------------------------------- flash_attention: memory and the running max


class _Largest(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.largest = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


def _largest(fn, case):
    args = [a.as_subclass(torch.Tensor) if isinstance(a, torch.Tensor) else a for a in case.args]
    with _Largest() as mode:
        fn(*args, **case.kwargs)
    return mode.largest


@pytest.mark.parametrize("seed", range(3))
def test_flash_attention_reference_fits_max_intermediate_and_score_rows_do_not(seed):
    cases, ref = cases_of("flash_attention"), reference("flash_attention")
    mistakes = {m.key: m.impl for m in cases.mistakes(ref)}
    for dtype in DTYPES.values():
        plan = cases.cases(case_ctx(dtype, seed))
        assert all(case.max_intermediate for case in plan)
        for case in plan:
            assert _largest(ref.flash_attention, case) <= case.max_intermediate, case.name
        for key in ("full_score_matrix", "query_tiles_all_keys"):
            assert any(_largest(mistakes[key], case) > case.max_intermediate for case in plan), key
        # the two memory mistakes differ: one case allows a row of scores but not the full matrix
        apart = [
            c
            for c in plan
            if _largest(mistakes["full_score_matrix"], c) > c.max_intermediate
            and _largest(mistakes["query_tiles_all_keys"], c) <= c.max_intermediate
        ]
        assert apart


@pytest.mark.parametrize("seed", range(5))
def test_flash_attention_running_max_from_zero_fails_on_every_seed(seed):
    cases, ref = cases_of("flash_attention"), reference("flash_attention")
    from_zero = {m.key: m.impl for m in cases.mistakes(ref)}["max_starts_at_zero"]
    for dtype in DTYPES.values():
        negative = [c for c in cases.cases(case_ctx(dtype, seed)) if c.name.startswith("all scores negative")]
        assert negative
        for case in negative:
            args = [a.as_subclass(torch.Tensor) for a in case.args]
            assert ref.flash_attention(*args, **case.kwargs).isfinite().all()
            assert from_zero(*args, **case.kwargs).isnan().any(), (dtype, case.name)


# ---------------------------------------------------------------- int8, kv_cache, lora


@pytest.mark.parametrize("seed", range(5))
def test_int8_inexact_scales_separate_division_from_times_127_over_max(seed):
    cases, ref = cases_of("int8_quant"), reference("int8_quant")
    times = {m.key: m.impl for m in cases.mistakes(ref)}["times_127_over_max"]
    for dtype in DTYPES.values():
        (case,) = [c for c in cases.cases(case_ctx(dtype, seed)) if c.name == "halves_inexact_scales"]
        (w,) = case.args
        q, scale = ref.quantize_int8(w)
        assert not torch.equal(scale, 2.0 ** torch.round(torch.log2(scale)))  # the scales are not powers of two
        assert not torch.equal(times(w)[0], q)


def test_kv_cache_does_not_ask_for_gradients_through_the_caches():
    cases = cases_of("kv_cache")
    ref = reference("kv_cache")
    for case in cases.cases(case_ctx(torch.float32, 0)):
        q, k, v, *caches = case.args
        assert q.requires_grad and k.requires_grad and v.requires_grad, case.name
        assert not any(c.requires_grad for c in caches), case.name
        out, k_cache, v_cache = cases.observe(ref.attend_with_kv_cache(*case.args), case.args, case.kwargs)
        assert out.requires_grad and not k_cache.requires_grad and not v_cache.requires_grad


def test_lora_reference_freezes_the_pretrained_layer():
    layer = reference("lora").LoRALinear(6, 4, rank=2, alpha=4)
    trainable = {n for n, p in layer.named_parameters() if p.requires_grad}
    assert trainable == {"lora_A", "lora_B"}
    cases = cases_of("lora")
    wrong = {m.key: m.impl for m in cases.mistakes(reference("lora"))}["base_trainable"](6, 4, 2, 4)
    assert {n for n, p in wrong.named_parameters() if p.requires_grad} == {"weight", "bias", "lora_A", "lora_B"}


# ---------------------------------------------------------------- half precision on the CPU


def _tolerance(drill_id, dtype):
    import yaml

    table = yaml.safe_load((solutions_dir() / drill_id / "drill.yaml").read_text(encoding="utf-8"))["tolerance"]
    return table[dtype]["rtol"], table[dtype]["atol"]


def _rope_in_half(x, positions=None, base=10000.0):
    """The realistic mistake: angles, cos and sin in x's own dtype."""
    T, D = x.shape[-2], x.shape[-1]
    positions = torch.arange(T) if positions is None else positions
    inv_freq = base ** (-torch.arange(0, D, 2, dtype=x.dtype) / D)
    emb = torch.cat([positions.to(x.dtype)[:, None] * inv_freq[None, :]] * 2, dim=-1)
    return x * emb.cos() + torch.cat((-x[..., D // 2 :], x[..., : D // 2]), dim=-1) * emb.sin()


def _layer_norm_in_half(x, weight, bias, eps=1e-5):
    """The realistic mistake: no float32 upcast."""
    hc = x - x.mean(-1, keepdim=True)
    return hc * torch.rsqrt((hc * hc).mean(-1, keepdim=True) + eps) * weight + bias


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize(
    "drill_id,entry,wrong",
    [("rope", "apply_rope", _rope_in_half), ("layer_norm", "layer_norm", _layer_norm_in_half)],
    ids=["rope", "layer_norm"],
)
def test_half_precision_mistakes_fail_the_cpu_half_cases_on_every_seed(drill_id, entry, wrong, dtype):
    rtol, atol = _tolerance(drill_id, dtype)
    cases, right = cases_of(drill_id), getattr(reference(drill_id), entry)
    for seed in range(5):
        plan = cases.cases(case_ctx(getattr(torch, dtype), seed))
        assert all(within(right(*c.args, **c.kwargs), right(*c.args, **c.kwargs), rtol, atol) for c in plan)
        failed = [
            c.name for c in plan if not within(wrong(*c.args, **c.kwargs), right(*c.args, **c.kwargs), rtol, atol)
        ]
        assert failed, (seed, "the half-precision mistake passes every case")
