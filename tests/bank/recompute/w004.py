"""Recompute numeric answers of the core-code, llm-dev and extended (w004) questions from their prompts' inputs."""

import math

GIB = 2**30
MIB = 2**20

RECOMPUTE = {
    "transformer-architecture/block-param-count-512": lambda i: (
        4 * (i["d_model"] ** 2 + i["d_model"])
        + (i["d_model"] * i["d_ff"] + i["d_ff"])
        + (i["d_ff"] * i["d_model"] + i["d_model"])
        + 4 * i["d_model"]
    ),
    "sft-peft/lora-layer-trainable-count": lambda i: i["rank"] * (i["in_features"] + i["out_features"]),
    "inference/kv-cache-prealloc-fp32-mib": lambda i: (
        i["tensors"] * i["num_layers"] * i["max_length"] * i["num_heads"] * i["head_dim"] * i["bytes"] / MIB
    ),
    "rag-agents/naive-retriever-encoder-calls": lambda i: i["queries"] * (i["documents"] + 1),
    "nlp-systems/mean-latency-with-one-outlier": lambda i: (
        i["fast_requests"] * i["fast_ms"] + (i["requests"] - i["fast_requests"]) * i["slow_ms"]
    ) / i["requests"],
    "nlp-systems/inverse-frequency-class-weight": lambda i: i["examples"] / (i["classes"] * i["negative"]),
    "nlp-systems/focal-loss-easy-example": lambda i: -((1 - i["p_t"]) ** i["gamma"]) * math.log(i["p_t"]),
    "nlp-systems/negative-class-f1-from-counts": lambda i: 2 * i["tp"] / (2 * i["tp"] + i["fp"] + i["fn"]),
}
