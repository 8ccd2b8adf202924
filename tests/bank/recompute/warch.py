"""Recompute the numeric answers of the wArch questions (tokenization, architecture, attention masks,
positional encodings, normalization, FFN activations, classic coding) from their stated inputs."""

import math

GIB = 2**30


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance by the textbook DP, one row at a time."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def lcs_length(a: str, b: str) -> int:
    """Longest common subsequence length by the textbook DP."""
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, ca in enumerate(a, 1):
        for j, cb in enumerate(b, 1):
            dp[i][j] = dp[i - 1][j - 1] + 1 if ca == cb else max(dp[i - 1][j], dp[i][j - 1])
    return dp[-1][-1]


def _checked(fn, a: str, b: str, i: dict) -> int:
    assert (len(a), len(b)) == (i["len_a"], i["len_b"]), "stated lengths disagree with the strings"
    return fn(a, b)


def gpt_block_params(d: int, d_ff: int) -> int:
    """GPT-2 style block: biased Q, K, V, O and two biased FFN matrices, two LayerNorms (gain + bias)."""
    attn = 4 * d * d + 4 * d
    ffn = 2 * d * d_ff + d_ff + d
    norms = 2 * 2 * d
    return attn + ffn + norms


def layer_norm_last(xs: list[float]) -> float:
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / len(xs)
    return (xs[-1] - mean) / math.sqrt(var)


def rms_norm_last(xs: list[float]) -> float:
    return xs[-1] / math.sqrt(sum(x * x for x in xs) / len(xs))


def swiglu_hidden(d: int, multiple: int, multiplier: float = 1.0) -> int:
    """The LLaMA reference rule: int(2 * 4d / 3), times an optional multiplier, rounded up to a multiple."""
    h = int(2 * 4 * d / 3)
    if multiplier != 1.0:
        h = int(multiplier * h)
    return multiple * math.ceil(h / multiple)


RECOMPUTE = {
    # tokenization
    "tokenization/gpt2-merge-count": lambda i: i["vocab"] - i["base_bytes"] - i["special"],
    "tokenization/untied-embedding-gib": lambda i: i["matrices"] * i["vocab"] * i["d_model"] * i["bytes"] / GIB,
    "tokenization/lm-head-flops-per-token": lambda i: 2 * i["d_model"] * i["vocab"],
    # transformer-architecture
    "transformer-architecture/gpt2-small-block-params": lambda i: gpt_block_params(i["d_model"], i["d_ff"]),
    "transformer-architecture/gpt2-small-total-params": lambda i: (
        i["layers"] * gpt_block_params(i["d_model"], i["d_ff"])
        + i["vocab"] * i["d_model"]
        + i["n_ctx"] * i["d_model"]
        + 2 * i["d_model"]
    ),
    "transformer-architecture/tied-embedding-savings": lambda i: i["vocab"] * i["d_model"],
    "transformer-architecture/forward-flops-per-token": lambda i: (
        2 * i["params"] + 2 * i["layers"] * i["n_ctx"] * i["d_model"]
    ),
    # attention
    "attention/fp16-exp-overflow-threshold": lambda i: math.log(i["fp16_max"]),
    "attention/score-flops-per-layer": lambda i: 4 * i["seq"] ** 2 * i["d_model"],
    "attention/score-matrix-gib": lambda i: i["heads"] * i["seq"] ** 2 * i["bytes"] / GIB,
    "attention/causal-unmasked-entry-count": lambda i: i["seq"] * (i["seq"] + 1) / 2,
    "attention/swa-receptive-field": lambda i: i["layers"] * i["window"],
    # positional-encoding
    "positional-encoding/sinusoidal-value": lambda i: math.sin(i["pos"] / i["base"] ** (i["dim"] / i["d_model"])),
    "positional-encoding/rope-angle": lambda i: i["pos"] * i["base"] ** (-2 * i["pair"] / i["head_dim"]),
    "positional-encoding/alibi-bias": lambda i: -(2 ** (-8 * i["head"] / i["heads"])) * i["distance"],
    "positional-encoding/ntk-aware-base": lambda i: i["base"] * i["scale"] ** (i["head_dim"] / (i["head_dim"] - 2)),
    # normalization
    "normalization/layernorm-output-value": lambda i: layer_norm_last([i["x1"], i["x2"], i["x3"], i["x4"]]),
    "normalization/rmsnorm-output-value": lambda i: rms_norm_last([i["x1"], i["x2"], i["x3"], i["x4"]]),
    "normalization/deepnorm-alpha": lambda i: (2 * i["layers"]) ** 0.25,
    # ffn-activations
    "ffn-activations/gelu-at-one": lambda i: i["x"] * 0.5 * (1 + math.erf(i["x"] / math.sqrt(2))),
    "ffn-activations/silu-at-two": lambda i: i["x"] / (1 + math.exp(-i["x"])),
    "ffn-activations/swiglu-hidden-llama": lambda i: swiglu_hidden(int(i["d_model"]), int(i["multiple"])),
    "ffn-activations/llama2-70b-ffn-hidden": lambda i: swiglu_hidden(
        int(i["d_model"]), int(i["multiple"]), i["multiplier"]
    ),
    "ffn-activations/llama13b-ffn-total-params": lambda i: i["layers"] * 3 * i["d_model"] * i["d_ff"],
    # classic-coding
    "classic-coding/lcs-clrs-example": lambda i: _checked(lcs_length, "ABCBDAB", "BDCABA", i),
    "classic-coding/edit-distance-intention-execution": lambda i: _checked(edit_distance, "intention", "execution", i),
    "classic-coding/edit-distance-kitten-sitting": lambda i: _checked(edit_distance, "kitten", "sitting", i),
    "classic-coding/beam-candidates-per-step": lambda i: i["beam"] * i["vocab"],
    "classic-coding/reservoir-keep-probability": lambda i: i["k"] / i["n"],
}
