"""RoPE frequencies for a longer context: linear interpolation, NTK-aware scaling and YaRN
(Chen et al. 2023, "Extending Context Window ... via Positional Interpolation"; bloc97's NTK-aware
scaling, 2023; Peng et al. 2023, "YaRN", sections 3.2 to 3.4).

Task
    A model trained with RoPE on original_max_position tokens is stretched by `factor`. Return the
    inverse frequencies that replace base^(-2i/dim), and the attention factor that YaRN multiplies
    cos and sin by. The formulas follow the YaRN paper and Hugging Face transformers' rope
    utilities (rope_type "linear", "yarn", and the static NTK-aware base change).

Shapes
    Returns (inv_freq, attention_factor): inv_freq (dim/2,) in `dtype`; attention_factor a float.

Convention (i = 0 .. dim/2 - 1; compute in float64, cast inv_freq to `dtype` at the end)
    plain      inv_freq[i] = base^(-2i/dim)
    "linear"   plain / factor                       (position interpolation); attention_factor 1
    "ntk"      base' = base * factor^(dim / (dim - 2)), then base'^(-2i/dim); attention_factor 1
               (the lowest frequency is then exactly plain / factor, the highest is unchanged)
    "yarn"     per-dimension blend of extrapolation (plain) and interpolation (plain / factor):
        corr(r) = dim * ln(original_max_position / (2 pi r)) / (2 ln base)
                  the dimension index whose wavelength fits r full turns into the original context
        low  = max(floor(corr(beta_fast)), 0);  high = min(ceil(corr(beta_slow)), dim - 1)
        if low == high: high = high + 0.001
        ramp[i] = clamp((i - low) / (high - low), 0, 1)      (0: fast, 1: slow dimensions)
        inv_freq = plain * (1 - ramp) + (plain / factor) * ramp
        attention_factor = 0.1 * ln(factor) + 1 if factor > 1 else 1.0
    Fast dimensions (many turns in the original context) keep their frequency; slow ones are
    interpolated; the ramp blends the ones in between.

Forbidden
    Nothing (transformers' rope helpers are not available to the grader).

Example
    >>> inv_freq, mscale = scaled_inv_freq(8, base=10000.0, kind="ntk", factor=4.0)
    >>> inv_freq                       # the last one is 0.001 / 4: NTK keeps the ends where they belong
    tensor([1.0000e+00, 6.2996e-02, 3.9685e-03, 2.5000e-04])
    >>> scaled_inv_freq(16, kind="yarn", factor=8.0, original_max_position=64)[1]
    1.2079441541679836
"""

import math

import torch


def scaled_inv_freq(
    dim,
    base=10000.0,
    kind="linear",
    factor=1.0,
    original_max_position=2048,
    beta_fast=32.0,
    beta_slow=1.0,
    dtype=torch.float32,
):
    # llmprep: solution begin
    assert dim % 2 == 0 and kind in ("linear", "ntk", "yarn")
    exponent = torch.arange(0, dim, 2, dtype=torch.float64) / dim  # (dim/2,) = 2i/dim
    plain = base**-exponent
    attention_factor = 1.0
    if kind == "linear":
        inv_freq = plain / factor
    elif kind == "ntk":
        inv_freq = (base * factor ** (dim / (dim - 2))) ** -exponent
    else:

        def corr(turns):  # the (fractional) pair index that makes `turns` full turns in the original context
            return dim * math.log(original_max_position / (2 * math.pi * turns)) / (2 * math.log(base))

        low = max(math.floor(corr(beta_fast)), 0)
        high = min(math.ceil(corr(beta_slow)), dim - 1)
        if low == high:
            high += 0.001
        ramp = ((torch.arange(dim // 2, dtype=torch.float64) - low) / (high - low)).clamp(0, 1)
        inv_freq = plain * (1 - ramp) + (plain / factor) * ramp
        if factor > 1:
            attention_factor = 0.1 * math.log(factor) + 1.0
    return inv_freq.to(dtype), attention_factor
    # llmprep: solution end
