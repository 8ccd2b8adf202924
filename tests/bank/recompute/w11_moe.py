"""Recompute numeric answers of the moe and model-families-2 questions (writer w11)."""

import math

MB = 1e6
GB = 1e9


def _attn(i: dict) -> int:
    """Q, K, V and O projections of one layer, no biases."""
    q = i["hidden"] * i["heads"] * i["head_dim"]
    kv = 2 * i["hidden"] * i["kv_heads"] * i["head_dim"]
    return 2 * q + kv


RECOMPUTE = {
    # moe
    "moe/switch-capacity-per-expert": lambda i: i["capacity_factor"] * i["tokens"] / i["experts"],
    "moe/top2-capacity-dropped-tokens": lambda i: (
        i["chosen_by"] - i["capacity_factor"] * i["top_k"] * i["tokens"] / i["experts"]
    ),
    "moe/qwen3-235b-active-params": lambda i: (
        i["layers"] * (_attn(i) + i["top_k"] * 3 * i["hidden"] * i["moe_intermediate"]) + 2 * i["vocab"] * i["hidden"]
    ),
    "moe/qwen3-30b-a3b-total-params": lambda i: (
        i["layers"] * (_attn(i) + i["experts"] * 3 * i["hidden"] * i["moe_intermediate"]) + 2 * i["vocab"] * i["hidden"]
    ),
    "moe/deepseek-v3-routed-expert-params": lambda i: (
        i["moe_layers"] * i["experts"] * 3 * i["hidden"] * i["moe_intermediate"]
    ),
    "moe/ep-dispatch-bytes": lambda i: (
        i["tokens"] * i["top_k"] * i["hidden"] * i["bytes_per_elem"] * (i["ep"] - 1) / i["ep"] / MB
    ),
    "moe/node-limited-ib-bytes": lambda i: i["tokens"] * i["max_nodes"] * i["hidden"] * i["bytes_per_elem"] / MB,
    "moe/forward-flops-per-token": lambda i: i["flops_per_param"] * i["active"],
    "moe/deepseek-v3-training-flops": lambda i: 6 * i["active"] * i["tokens"] / (i["gpu_hours"] * 3600) / 1e12,
    "moe/switch-aux-loss-collapsed-value": lambda i: i["alpha"] * i["experts"] * 1.0 * i["p_top"],
    "moe/router-z-loss-value": lambda i: i["coefficient"] * (i["logit"] + math.log(i["experts"])) ** 2,
    "moe/expert-combinations-fine-grained": lambda i: math.comb(int(i["experts"]), int(i["top_k"])),
    "moe/expected-distinct-experts-decode": lambda i: (
        i["experts"] * (1 - (1 - i["top_k"] / i["experts"]) ** i["batch"])
    ),
    "moe/mtp-speculative-tokens-per-step": lambda i: i["own_tokens"] + i["p_first"] + i["p_first"] * i["p_second"],
    "moe/mixtral-weights-memory": lambda i: i["total"] * i["bytes_per_param"] / GB,
    "moe/upcycled-total-params": lambda i: i["dense"] + (i["experts"] - 1) * i["layers"] * 3 * i["d_model"] * i["d_ff"],
    "moe/mtp-total-loss": lambda i: i["main_loss"] + i["lam"] * i["mtp_loss"],
    "moe/all-to-all-round-trip-time": lambda i: (
        i["tokens"] * i["copies"] * i["hidden"] * (i["dispatch_bytes"] + i["combine_bytes"]) / i["bandwidth"] * 1e3
    ),
}

RECOMPUTE.update(
    {
        # model-families (file model-families-2.yaml)
        "model-families/llama3-8b-kv-cache-128k": lambda i: (
            i["params"] * i["bytes_per_elem"] / (2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes_per_elem"])
        ),
        "model-families/llama31-405b-training-flops": lambda i: 6 * i["params"] * i["tokens"],
        "model-families/gemma3-kv-cache-fraction": lambda i: (
            100
            * (i["local_layers"] * i["window"] + i["global_layers"] * i["context"])
            / ((i["local_layers"] + i["global_layers"]) * i["context"])
        ),
        "model-families/gemma2-softcap-output-value": lambda i: (
            i["cap"] * (math.tanh(i["logit_high"] / i["cap"]) - math.tanh(i["logit_low"] / i["cap"]))
        ),
        "model-families/deepseek-v3-mla-kv-bytes": lambda i: (
            (2 * i["gqa_layers"] * i["kv_heads"] * i["head_dim"] * i["bytes_per_elem"])
            / (i["mla_layers"] * (i["latent"] + i["rope_dim"]) * i["bytes_per_elem"])
        ),
        "model-families/llama3-70b-param-count": lambda i: (
            i["layers"] * (_attn(i) + 3 * i["hidden"] * i["intermediate"]) + 2 * i["vocab"] * i["hidden"]
        ),
        "model-families/llama3-tokenizer-token-savings": lambda i: (
            i["characters"] / i["llama2_chars_per_token"] - i["characters"] / i["llama3_chars_per_token"]
        ),
    }
)
