"""Per-tensor FP8 (E4M3) scaling, current and delayed (Micikevicius et al. 2022, "FP8 Formats for
Deep Learning"; the recipe of NVIDIA Transformer Engine).

Task
    E4M3 keeps 3 mantissa bits and a largest finite value of 448. Before a tensor is cast to it,
    it is divided by a scale that maps its largest magnitude (amax) onto 448; the scale is kept in
    float32 beside the FP8 data and multiplied back when the values are used. Write the quantizer.

Shapes
    x: any shape, float. amax_history: None, or a float32 tensor (N,) of earlier amaxes, oldest
    first. Returns (x_fp8, scale, x_dq, new_history):
        x_fp8        shaped like x, dtype torch.float8_e4m3fn
        scale        0-dim float32
        x_dq         shaped and typed like x: x_fp8 * scale
        new_history  (N,) float32, or None when amax_history is None

Convention (all arithmetic in float32)
    amax_now = max |x|
    current scaling (amax_history is None):  amax = amax_now
    delayed scaling: amax = max(amax_history), the history only, not amax_now (the scale is
        known before the tensor exists); new_history = history without its oldest entry, then
        amax_now appended at the end.
    scale = max(amax, 1e-12) / 448            (the floor keeps an all-zero tensor finite)
    x_fp8 = clamp(x / scale, -448, 448).to(torch.float8_e4m3fn)
    x_dq  = (x_fp8.to(float32) * scale).to(x.dtype)
    Divide by the scale (not multiply by 1 / scale): bf16 inputs often land exactly on an E4M3
    rounding midpoint, where the two differ by one float32 ulp and round to different neighbours.
    Clamp before the cast: under delayed scaling |x| / scale can exceed 448, and older PyTorch
    releases and many kernels turn an out-of-range value into NaN instead of saturating.

Forbidden
    Nothing.

Example
    >>> x_fp8, scale, x_dq, _ = fp8_quantize(torch.tensor([1.0, -3.0, 0.1]))
    >>> x_fp8.float(), scale                       # 1 / scale = 149.3 rounds to 144 in E4M3
    (tensor([ 144., -448.,   15.]), tensor(0.0067))
    >>> x_dq
    tensor([ 0.9643, -3.0000,  0.1004])
"""

import torch

E4M3_MAX = 448.0


def fp8_quantize(x, amax_history=None):
    # llmprep: solution begin
    amax_now = x.detach().abs().max().float()  # () float32
    if amax_history is None:
        amax, new_history = amax_now, None
    else:
        amax = amax_history.max()  # scale from the past only
        new_history = torch.cat((amax_history[1:], amax_now.reshape(1)))  # (N,) roll in the new amax
    scale = amax.clamp(min=1e-12) / E4M3_MAX  # () float32
    x_fp8 = (x.float() / scale).clamp(-E4M3_MAX, E4M3_MAX).to(torch.float8_e4m3fn)
    x_dq = (x_fp8.float() * scale).to(x.dtype)
    return x_fp8, scale, x_dq, new_history
    # llmprep: solution end
