"""Recompute numeric answers of the decoder-only seed (002) and the extended pretraining-scaling and
long-context questions (w002) from the inputs stated in their prompts."""

import math

GIB = 2**30


def _ppo_clip(i):
    r, a, eps = i["ratio"], i["advantage"], i["epsilon"]
    return min(r * a, min(max(r, 1 - eps), 1 + eps) * a)


def _rope_pairs_longer_than(i):
    d, b, ctx = int(i["head_dim"]), i["base"], i["context"]
    return sum(1 for k in range(d // 2) if 2 * math.pi * b ** (2 * k / d) > ctx)


RECOMPUTE = {
    # decoder-only seed
    "attention/causal-mask-tile-fraction": lambda i: (
        (i["tokens"] // i["tile"]) * (i["tokens"] // i["tile"] + 1) / 2 / (i["tokens"] // i["tile"]) ** 2
    ),
    "pretraining-scaling/perplexity-from-loss": lambda i: math.exp(i["loss"]),
    "mha-mqa-gqa/mha-param-count": lambda i: 4 * i["d_model"] ** 2,
    "ffn-activations/swiglu-ffn-param-count": lambda i: 3 * i["d_model"] * i["hidden"],
    "pretraining-scaling/chinchilla-training-flops": lambda i: 6 * i["params"] * i["tokens"],
    "pretraining-scaling/gpt3-chinchilla-tokens": lambda i: i["params"] * i["tokens_per_param"],
    "pretraining-scaling/exact-match-sharpness": lambda i: i["per_token"] ** i["tokens"],
    "alignment/bradley-terry-loss-value": lambda i: math.log1p(math.exp(-(i["r_chosen"] - i["r_rejected"]))),
    "alignment/ppo-clipped-surrogate-value": _ppo_clip,
    "inference/int4-group-quant-weight-bytes": lambda i: (
        i["params"] * (i["bits"] + i["scale_bits"] / i["group"]) / 8 / 1e9
    ),
    "pretraining-scaling/minhash-lsh-candidate-probability": lambda i: (
        1 - (1 - i["jaccard"] ** i["rows"]) ** i["bands"]
    ),
    # extended: long context
    "long-context/attention-vs-weight-flops-crossover": lambda i: 12 * i["d_model"],
    "long-context/kv-cache-128k-gqa": lambda i: (
        2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] * i["tokens"] / GIB
    ),
    "long-context/ntk-aware-base-scaling": lambda i: (
        i["base"] * (i["target"] / i["trained"]) ** (i["head_dim"] / (i["head_dim"] - 2))
    ),
    "long-context/rope-pairs-longer-than-context": _rope_pairs_longer_than,
    "long-context/rope-longest-wavelength-large-base": lambda i: (
        2 * math.pi * i["base"] ** ((i["head_dim"] - 2) / i["head_dim"])
    ),
    # extended: pretraining and scaling
    "pretraining-scaling/training-flops-7b-2t": lambda i: 6 * i["params"] * i["tokens"],
    "pretraining-scaling/tokens-for-compute-budget": lambda i: i["compute"] / (6 * i["params"]),
    "pretraining-scaling/chinchilla-optimal-tokens-for-budget": lambda i: (
        i["tokens_per_param"] * math.sqrt(i["compute"] / (6 * i["tokens_per_param"]))
    ),
    "pretraining-scaling/pretraining-gpu-days": lambda i: (
        6 * i["params"] * i["tokens"] / (i["peak"] * i["mfu"]) / 86400
    ),
    "pretraining-scaling/chinchilla-parametric-loss": lambda i: (
        i["E"] + i["A"] / i["params"] ** i["alpha"] + i["B"] / i["tokens"] ** i["beta"]
    ),
}
