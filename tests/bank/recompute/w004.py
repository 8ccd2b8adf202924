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
        (i["fast_requests"] * i["fast_ms"] + (i["requests"] - i["fast_requests"]) * i["slow_ms"]) / i["requests"]
    ),
    "nlp-systems/inverse-frequency-class-weight": lambda i: i["examples"] / (i["classes"] * i["negative"]),
    "nlp-systems/focal-loss-easy-example": lambda i: -((1 - i["p_t"]) ** i["gamma"]) * math.log(i["p_t"]),
    "nlp-systems/negative-class-f1-from-counts": lambda i: 2 * i["tp"] / (2 * i["tp"] + i["fp"] + i["fn"]),
    "sft-peft/lora-qv-rank8-param-count": lambda i: i["layers"] * i["projections"] * i["rank"] * 2 * i["hidden"],
    "sft-peft/lora-all-linear-param-count": lambda i: (
        i["layers"] * i["rank"] * (4 * (i["hidden"] + i["hidden"]) + 3 * (i["hidden"] + i["ffn"]))
    ),
    "sft-peft/lora-adapter-checkpoint-size": lambda i: i["params"] * i["bytes"] / 1e6,
    "sft-peft/int8-weight-memory-gib": lambda i: i["params"] * i["bytes"] / GIB,
    "sft-peft/qlora-double-quant-bits": lambda i: (
        i["const_bits"] / i["block"] + i["fp32_bits"] / (i["block"] * i["block2"])
    ),
    "sft-peft/qlora-65b-base-weights": lambda i: i["params"] * (i["bits"] + i["const_bits"]) / 8 / 1e9,
    "sft-peft/qlora-7b-memory-budget": lambda i: (
        (i["params"] * i["base_bits"] / 8 + i["lora_params"] * i["lora_bytes"]) / 1e9
    ),
    "rag-agents/retrieval-recall-to-answer-accuracy": lambda i: (
        i["hits_at_5"] / i["questions"] * i["p_hit"] + (1 - i["hits_at_5"] / i["questions"]) * i["p_miss"]
    ),
    "rag-agents/mrr-five-queries": lambda i: (
        (1 / i["rank_q1"] + 1 / i["rank_q2"] + 1 / i["rank_q3"] + 1 / i["rank_q4"] + 0) / i["queries"]
    ),
    "rag-agents/ndcg-binary-two-relevant": lambda i: (
        (1 / math.log2(1 + i["rank_a"]) + 1 / math.log2(1 + i["rank_b"])) / (1 / math.log2(2) + 1 / math.log2(3))
    ),
    "rag-agents/reciprocal-rank-fusion-score": lambda i: 1 / (i["k"] + i["rank_bm25"]) + 1 / (i["k"] + i["rank_dense"]),
    "evaluation-safety/eval-set-size-for-margin": lambda i: i["z"] ** 2 * i["p"] * (1 - i["p"]) / i["margin"] ** 2,
    "evaluation-safety/bits-per-byte-across-tokenizers": lambda i: (
        i["nats_per_token"] / math.log(2) / i["bytes_per_token"]
    ),
    "evaluation-safety/elo-expected-win-probability": lambda i: (
        1 / (1 + 10 ** ((i["rating_b"] - i["rating_a"]) / i["scale"]))
    ),
    "evaluation-safety/win-rate-with-ties": lambda i: (i["wins"] + 0.5 * i["ties"]) / i["comparisons"],
    "evaluation-safety/expected-calibration-error-two-bins": lambda i: (
        i["n1"] / i["total"] * abs(i["acc1"] - i["conf1"]) + i["n2"] / i["total"] * abs(i["acc2"] - i["conf2"])
    ),
    "nlp-systems/decode-throughput-from-step-time": lambda i: i["batch"] / (i["step_ms"] / 1000),
    "nlp-systems/llm-labelling-daily-cost": lambda i: (
        i["reviews"] * i["tokens_per_call"] / i["per_tokens"] * i["price"]
    ),
}
