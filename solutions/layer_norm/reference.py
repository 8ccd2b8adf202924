"""Layer normalization (Ba, Kiros and Hinton 2016, "Layer Normalization").

Task
    Normalize each vector along the last dimension to zero mean and unit variance, then scale by
    `weight` and shift by `bias`, exactly as torch.nn.functional.layer_norm(x, (D,), weight, bias, eps).

Shapes
    x: (..., D); weight, bias: (D,)  ->  (..., D), same dtype as x.

Convention
    mean = x.mean(-1); var = ((x - mean)^2).mean(-1)   (biased: divide by D, not D - 1)
    y = (x - mean) / sqrt(var + eps) * weight + bias   (eps inside the square root)
    Rows may carry a large common offset (x ~ 1000 + noise): compute the variance from the
    centred values, not as E[x^2] - E[x]^2. Like torch, compute float16/bfloat16 inputs in
    float32 and return the input dtype (x^2 overflows float16 for |x| > 256).

Forbidden
    torch.nn.functional.layer_norm, torch.nn.LayerNorm, torch.layer_norm, torch.native_layer_norm.

Example
    >>> x = torch.tensor([[1., 2., 3.], [2., 4., 6.]])
    >>> layer_norm(x, torch.tensor([1., 1., 2.]), torch.tensor([0., 0., 1.]))
    tensor([[-1.2247,  0.0000,  3.4495],
            [-1.2247,  0.0000,  3.4495]])
"""

import torch


def layer_norm(x, weight, bias, eps=1e-5):
    # llmprep: solution begin
    h = x.to(torch.promote_types(x.dtype, torch.float32))  # half inputs computed in float32
    mean = h.mean(dim=-1, keepdim=True)  # (..., 1)
    hc = h - mean  # (..., D) centred
    var = (hc * hc).mean(dim=-1, keepdim=True)  # (..., 1) biased variance
    y = hc * torch.rsqrt(var + eps) * weight + bias  # weight, bias broadcast over (..., D)
    return y.to(x.dtype)
    # llmprep: solution end
