"""Recompute numeric answers of writer w11: distributed-training, long-context, positional-encoding,
mha-mqa-gqa and attention (second files)."""

import math

GB = 1e9
MB = 1e6
GIB = 2**30

RECOMPUTE = {
    # distributed-training
    "distributed-training/fsdp2-comm-volume-per-step": lambda i: (
        i["collectives"] * (i["gpus"] - 1) / i["gpus"] * i["params"] * i["bytes"] / GB
    ),
    "distributed-training/fsdp2-accumulation-unsharded-grads": lambda i: (
        i["params"] * i["grad_bytes"] * (1 - 1 / i["gpus"]) / GB
    ),
    "distributed-training/tp-allreduce-bytes-per-layer": lambda i: (
        i["allreduces"] * 2 * (i["tp"] - 1) / i["tp"] * i["batch"] * i["seq"] * i["hidden"] * i["bytes"] / MB
    ),
    "distributed-training/sp-activation-per-layer": lambda i: (
        i["seq"] * i["batch"] * i["hidden"] * (34 + 5 * i["heads"] * i["seq"] / i["hidden"]) / i["tp"] / GIB
    ),
    "distributed-training/interleaved-1f1b-bubble": lambda i: (i["stages"] - 1) / (i["chunks"] * i["microbatches"]),
    "distributed-training/4d-layout-dp-degree": lambda i: i["gpus"] / (i["tp"] * i["cp"] * i["pp"]),
    "distributed-training/hsdp-per-gpu-memory": lambda i: i["params"] * i["bytes_per_param"] / i["shard_group"] / GB,
    # long-context
    "long-context/yarn-logit-factor": lambda i: (0.1 * math.log(i["scale"]) + 1) ** 2,
    "long-context/yarn-untouched-pairs": lambda i: sum(
        i["context"] / (2 * math.pi * i["base"] ** (2 * k / i["head_dim"])) > i["beta"]
        for k in range(int(i["head_dim"]) // 2)
    ),
    "long-context/kv-cache-1m-tokens": lambda i: (
        2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] * i["tokens"] / GIB
    ),
    "long-context/swa-global-kv-cache": lambda i: (
        2
        * i["kv_heads"]
        * i["head_dim"]
        * i["bytes"]
        * (i["global_layers"] * i["tokens"] + i["local_layers"] * min(i["window"], i["tokens"]))
        / GIB
    ),
    "long-context/cp-causal-imbalance": lambda i: (
        ((i["gpus"] - 1) * i["full_pair"] + i["diagonal_pair"]) / i["diagonal_pair"]
    ),
    "long-context/ring-attention-overlap-ratio": lambda i: (
        (4 * i["block_tokens"] ** 2 * i["q_heads"] * i["head_dim"] / i["flops_per_s"])
        / (2 * i["block_tokens"] * i["kv_heads"] * i["head_dim"] * i["bytes"] / i["link_bytes_per_s"])
    ),
    "long-context/pi-adjacent-angle": lambda i: i["theta"] / i["factor"],
    # positional-encoding
    "positional-encoding/llama3-rope-unchanged-pairs": lambda i: sum(
        2 * math.pi * i["base"] ** (2 * k / i["head_dim"]) < i["original_context"] / i["high_freq_factor"]
        for k in range(int(i["head_dim"]) // 2)
    ),
    "positional-encoding/alibi-16-heads-bias": lambda i: -(2 ** (-8 * i["head"] / i["heads"])) * i["distance"],
    "positional-encoding/mrope-next-text-position": lambda i: i["text_tokens"] + max(i["rows"], i["columns"]),
    "positional-encoding/bf16-position-spacing": lambda i: (
        2 ** (math.floor(math.log2(i["position"])) - i["mantissa_bits"])
    ),
    # mha-mqa-gqa
    "mha-mqa-gqa/deepseek-v3-mla-cache-128k": lambda i: (
        (i["latent"] + i["rope_key"]) * i["layers"] * i["bytes"] * i["tokens"] / GIB
    ),
    "mha-mqa-gqa/mha-vs-mla-cache-ratio": lambda i: i["heads"] * (i["key_dim"] + i["value_dim"]) / i["mla_values"],
    "mha-mqa-gqa/gqa-decode-arithmetic-intensity": lambda i: (
        i["q_heads"] / i["kv_heads"] * i["flops_per_use"] / i["bytes"]
    ),
    "mha-mqa-gqa/gqa-kv-per-token-kib": lambda i: 2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] / 1024,
    # attention
    "attention/flash-kv-reread-bytes": lambda i: (
        i["seq"] / i["block_rows"] * 2 * i["seq"] * i["head_dim"] * i["bytes"] / 2**20
    ),
    "attention/learned-sink-logit-mass": lambda i: (
        sum(math.exp(i[k]) for k in ("logit_a", "logit_b", "logit_c"))
        / (sum(math.exp(i[k]) for k in ("logit_a", "logit_b", "logit_c")) + math.exp(i["sink"]))
    ),
}
