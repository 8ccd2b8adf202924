"""Recompute numeric answers of the llm-1000, qwen-rlhf and extended (model families, alignment,
multimodal, MHA/MQA/GQA) questions from the inputs stated in their prompts."""

import math

GIB = 2**30


def _kv_bytes(i):
    return 2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] * i["tokens"]


def _qwen2_params(i):
    h, kv_width = i["hidden"], i["kv_heads"] * i["hidden"] // i["heads"]
    attention = 2 * h * h + h + 2 * (h * kv_width + kv_width)
    layer = attention + 3 * h * i["intermediate"] + 2 * h
    return i["layers"] * layer + 2 * i["vocab"] * h + h


def _gae_first(i):
    values = [i["v0"], i["v1"], i["v2"], 0.0]
    rewards = [0.0, 0.0, i["r2"]]
    advantage = 0.0
    for t in reversed(range(3)):
        delta = rewards[t] + i["gamma"] * values[t + 1] - values[t]
        advantage = delta + i["gamma"] * i["lam"] * advantage
    return advantage


RECOMPUTE = {
    # llm-1000
    "transformer-architecture/llama2-7b-param-count": lambda i: (
        i["layers"] * (4 * i["d_model"] ** 2 + 3 * i["d_model"] * i["d_ff"] + 2 * i["d_model"])
        + 2 * i["vocab"] * i["d_model"]
        + i["d_model"]
    ),
    "long-context/swa-receptive-field": lambda i: i["window"] * i["layers"],
    "model-families/mixtral-active-params": lambda i: (
        i["layers"]
        * (
            2 * i["d_model"] ** 2
            + 2 * i["d_model"] * i["kv_heads"] * i["head_dim"]
            + i["top_k"] * 3 * i["d_model"] * i["d_ff"]
        )
        + 2 * i["vocab"] * i["d_model"]
    ),
    "evaluation-safety/pass-at-k-unbiased-estimate": lambda i: (
        1 - math.comb(int(i["n"] - i["c"]), int(i["k"])) / math.comb(int(i["n"]), int(i["k"]))
    ),
    # qwen-rlhf
    "inference/72b-on-consumer-gpu-check": lambda i: i["params"] * i["bits"] / 8 / 1e9,
    # inputs are the magnitudes of the (negative) log-probabilities stated in the prompt
    "alignment/dpo-loss-worked-example": lambda i: math.log1p(
        math.exp(
            -i["beta"] * ((i["neg_ref_chosen"] - i["neg_pi_chosen"]) - (i["neg_ref_rejected"] - i["neg_pi_rejected"]))
        )
    ),
    "multimodal/clip-loss-at-initialization": lambda i: math.log(i["batch"]),
    # extended: alignment
    "alignment/gae-three-step-example": _gae_first,
    # extended: multimodal
    "multimodal/llava15-visual-token-count": lambda i: (i["image"] // i["patch"]) ** 2,
    "multimodal/qwen2-vl-image-token-count": lambda i: (
        (i["width"] // i["patch"]) * (i["height"] // i["patch"]) / i["merge"] ** 2
    ),
    # extended: MHA/MQA/GQA
    "mha-mqa-gqa/qwen25-7b-kv-cache-gqa": lambda i: _kv_bytes(i) / GIB,
    "mha-mqa-gqa/mqa-kv-cache-batch": lambda i: _kv_bytes(i) * i["batch"] / GIB,
    "mha-mqa-gqa/gqa-kv-projection-savings-70b": lambda i: (
        i["layers"] * 2 * i["d_model"] * (i["heads"] - i["kv_heads"]) * i["head_dim"]
    ),
    "mha-mqa-gqa/kv-budget-max-concurrency": lambda i: i["budget_gib"] * GIB // _kv_bytes(i),
    "mha-mqa-gqa/mla-equivalent-gqa-groups": lambda i: (i["latent_dim"] + i["rope_dim"]) / (2 * i["head_dim"]),
    # extended: model families
    "model-families/qwen25-tied-embedding-savings": lambda i: i["hidden"] * i["vocab"],
    "model-families/qwen25-7b-param-count": _qwen2_params,
}
