import math

import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    d = {"dtype": ctx.dtype}
    factor = 2.0 + float(ctx.rand(1, dtype=torch.float64)) * 14.0  # some stretch in [2, 16)
    return [
        Case("example", (8,), {"base": 10000.0, "kind": "ntk", "factor": 4.0, **d}, kind="example"),
        Case("linear x4", (64,), {"kind": "linear", "factor": 4.0, **d}, note="position interpolation"),
        Case("linear, odd factor", (10,), {"kind": "linear", "factor": factor, **d}, note=f"factor = {factor:.3f}"),
        Case("ntk x8", (128,), {"kind": "ntk", "factor": 8.0, **d}, note="dim 128: d/(d-2) = 1.016"),
        Case("ntk, small dim", (6,), {"base": 500.0, "kind": "ntk", "factor": factor, **d}, note="dim 6, base 500"),
        Case(
            "yarn, llama-like",
            (128,),
            {"kind": "yarn", "factor": 4.0, "original_max_position": 4096, **d},
            note="dim 128, 4096 -> 16384 tokens",
        ),
        Case(
            "yarn, llama3 base",
            (64,),
            {"base": 500000.0, "kind": "yarn", "factor": factor, "original_max_position": 8192, **d},
            note="base 5e5",
        ),
        Case(
            "yarn, own betas",
            (32,),
            {"kind": "yarn", "factor": 16.0, "original_max_position": 2048, "beta_fast": 16.0, "beta_slow": 2.0, **d},
            note="beta_fast 16, beta_slow 2",
        ),
        Case(
            "yarn, short context",
            (16,),
            {"kind": "yarn", "factor": 8.0, "original_max_position": 64, **d},
            kind="edge",
            note="low is clamped at 0",
        ),
        Case(
            "yarn, low == high",
            (8,),
            {"kind": "yarn", "factor": 2.0, "original_max_position": 1, "beta_fast": 1.0, "beta_slow": 1.0, **d},
            kind="edge",
            note="both bounds clamp to 0: high becomes 0.001",
        ),
        Case(
            "yarn, factor 1",
            (32,),
            {"kind": "yarn", "factor": 1.0, **d},
            kind="edge",
            note="no stretch: plain RoPE and attention factor 1",
        ),
    ]


def _plain(dim, base):
    return base ** -(torch.arange(0, dim, 2, dtype=torch.float64) / dim)


def _freqs(
    dim,
    base,
    kind,
    factor,
    original_max_position,
    beta_fast,
    beta_slow,
    dtype,
    *,
    ntk_power=None,
    ntk_linear=False,
    linear_times=False,
    reversed_ramp=False,
    truncate=True,
):
    plain = _plain(dim, base)
    att = 1.0
    if kind == "linear":
        inv = plain * factor if linear_times else plain / factor
    elif kind == "ntk":
        power = dim / (dim - 2) if ntk_power is None else ntk_power(dim)
        inv = plain / factor if ntk_linear else _plain(dim, base * factor**power)
    else:
        corr = lambda r: dim * math.log(original_max_position / (2 * math.pi * r)) / (2 * math.log(base))  # noqa: E731
        low, high = corr(beta_fast), corr(beta_slow)
        if truncate:
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, dim - 1)
        if low == high:
            high += 0.001
        ramp = ((torch.arange(dim // 2, dtype=torch.float64) - low) / (high - low)).clamp(0, 1)
        if reversed_ramp:
            ramp = 1 - ramp
        inv = plain * (1 - ramp) + plain / factor * ramp
        att = 0.1 * math.log(factor) + 1.0 if factor > 1 else 1.0
    return inv.to(dtype), att


def _mistake(**how):
    def impl(
        dim,
        base=10000.0,
        kind="linear",
        factor=1.0,
        original_max_position=2048,
        beta_fast=32.0,
        beta_slow=1.0,
        dtype=torch.float32,
    ):
        return _freqs(dim, base, kind, factor, original_max_position, beta_fast, beta_slow, dtype, **how)

    return impl


def mistakes(ref):
    return [
        Mistake(
            "ntk_exponent_d_minus_1",
            "NTK base scaled by factor^(d/(d-1)); the exponent is d/(d-2), so that "
            "the lowest frequency lands exactly on plain / factor",
            _mistake(ntk_power=lambda d: d / (d - 1)),
        ),
        Mistake(
            "ntk_as_interpolation",
            "NTK implemented as position interpolation (every frequency / factor) instead of a larger base",
            _mistake(ntk_linear=True),
        ),
        Mistake(
            "linear_multiplied",
            "linear scaling multiplied the frequencies by the factor; interpolation divides",
            _mistake(linear_times=True),
        ),
        Mistake(
            "yarn_ramp_reversed",
            "YaRN ramp reversed: fast dimensions interpolated, slow ones kept",
            _mistake(reversed_ramp=True),
        ),
        Mistake(
            "yarn_bounds_not_rounded",
            "YaRN low/high bounds used unrounded; low is floored and high is ceiled",
            _mistake(truncate=False),
        ),
    ]
