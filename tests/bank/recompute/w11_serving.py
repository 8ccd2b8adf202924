"""Recompute numeric answers of the serving-systems and inference-2 questions (writer w11 serving)."""

import math

GB = 1e9
MB = 1e6
KIB = 2**10


def _kv_per_token(i):
    return 2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["kv_bytes"]


RECOMPUTE = {
    # serving-systems
    "serving-systems/kv-blocks-per-request": lambda i: math.ceil(
        (i["prompt_tokens"] + i["output_tokens"]) / i["block_size"]
    ),
    "serving-systems/static-prealloc-waste-percent": lambda i: 100 * (1 - i["used_tokens"] / i["reserved_tokens"]),
    "serving-systems/paged-last-block-waste": lambda i: (
        100
        * (math.ceil(i["tokens"] / i["block_size"]) * i["block_size"] - i["tokens"])
        / (math.ceil(i["tokens"] / i["block_size"]) * i["block_size"])
    ),
    "serving-systems/max-seqs-paged-8b": lambda i: math.floor(
        (i["memory"] * i["fraction"] - i["weights"] - i["activations"]) / (_kv_per_token(i) * i["tokens"])
    ),
    "serving-systems/kv-block-pool-count": lambda i: math.floor(i["kv_memory"] / (_kv_per_token(i) * i["block_size"])),
    "serving-systems/chunked-prefill-ttft-iterations": lambda i: (
        math.ceil(i["prompt_tokens"] / (i["budget"] - i["decode_tokens"])) * i["iteration_ms"]
    ),
    "serving-systems/chunked-prefill-itl": lambda i: i["decode_ms"] + 1000 * i["chunk"] / i["prefill_rate"],
    "serving-systems/spec-acceptance-rate-from-distributions": lambda i: (
        min(i["p_a"], i["q_a"]) + min(i["p_b"], i["q_b"]) + min(i["p_c"], i["q_c"])
    ),
    "serving-systems/spec-residual-probability": lambda i: (
        max(0, i["p_a"] - i["q_a"]) / sum(max(0, i[f"p_{t}"] - i[f"q_{t}"]) for t in "abcd")
    ),
    "serving-systems/medusa-tree-tokens": lambda i: (
        i["top_1"] + i["top_1"] * i["top_2"] + i["top_1"] * i["top_2"] * i["top_3"]
    ),
    "serving-systems/goodput-per-gpu": lambda i: i["met_slo"] / i["seconds"] / i["gpus"],
    "serving-systems/disagg-kv-transfer-time": lambda i: 1000 * _kv_per_token(i) * i["tokens"] / i["bandwidth"],
    "serving-systems/prefix-cache-full-blocks-only": lambda i: (
        i["shared_tokens"] + i["user_tokens"] - (i["shared_tokens"] // i["block_size"]) * i["block_size"]
    ),
    "serving-systems/parallel-sampling-shared-blocks": lambda i: (
        math.ceil(i["prompt_tokens"] / i["block_size"]) + i["samples"] * math.ceil(i["output_tokens"] / i["block_size"])
    ),
    "serving-systems/max-batch-under-tpot-slo": lambda i: math.floor((i["slo_ms"] - i["base_ms"]) / i["per_seq_ms"]),
    "serving-systems/swap-vs-recompute-time": lambda i: (
        (i["tokens"] / i["prefill_rate"]) / (i["tokens"] * i["kv_bytes_per_token"] / i["pcie"])
    ),
    "serving-systems/cuda-graph-launch-bound-speedup": lambda i: max(i["kernel_us"], i["launch_us"]) / i["kernel_us"],
    "serving-systems/lora-adapter-size": lambda i: (
        i["matrices"] * i["layers"] * i["rank"] * (i["d_in"] + i["d_out"]) * i["bytes"] / MB
    ),
    "serving-systems/tp-kv-bytes-per-gpu": lambda i: (
        2 * i["layers"] * max(1, i["kv_heads"] / i["tp"]) * i["head_dim"] * i["kv_bytes"] / KIB
    ),
    "serving-systems/detokenizer-cpu-cores": lambda i: i["tokens_per_second"] * i["us_per_token"] * 1e-6,
    "serving-systems/littles-law-concurrency": lambda i: i["rate"] * i["latency_s"],
    "serving-systems/ttft-queue-plus-prefill": lambda i: (
        i["queue_ms"] + i["tokenize_ms"] + 1000 * i["prompt_tokens"] / i["prefill_rate"]
    ),
    "serving-systems/spec-speedup-from-acceptance-length": lambda i: i["tokens_per_step"] / i["step_cost"],
    # inference-2
    "inference/roofline-attainable-throughput": lambda i: min(i["peak"], i["intensity"] * i["bandwidth"]) / 1e12,
    "inference/gqa-decode-attention-intensity": lambda i: (
        (i["q_heads"] / i["kv_heads"])
        * i["query_tokens"]
        * (2 * i["head_dim"] + 2 * i["head_dim"])
        / (2 * i["head_dim"] * i["kv_bytes"])
    ),
    "inference/long-generation-kv-read-time": lambda i: (
        i["kv_bytes_per_token"]
        * (i["new_tokens"] * i["prompt_tokens"] + i["new_tokens"] * (i["new_tokens"] - 1) / 2)
        / i["bandwidth"]
    ),
}
