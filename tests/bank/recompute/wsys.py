"""Recompute numeric answers of the distributed-training and inference questions (writer wSys)."""

import math

GB = 1e9
GIB = 2**30

RECOMPUTE = {
    # distributed-training
    "distributed-training/adam-mixed-precision-memory-7b": lambda i: (
        i["params"] * (i["weight_bytes"] + i["grad_bytes"] + i["master_bytes"] + i["m_bytes"] + i["v_bytes"]) / GB
    ),
    "distributed-training/zero3-per-gpu-memory-70b": lambda i: i["params"] * i["bytes_per_param"] / i["gpus"] / GB,
    "distributed-training/zero2-per-gpu-memory-paper-example": lambda i: (
        (i["weight_bytes"] * i["params"] + (i["grad_bytes"] + i["optimizer_bytes"]) * i["params"] / i["gpus"]) / GB
    ),
    "distributed-training/pipeline-bubble-fraction": lambda i: (
        (i["stages"] - 1) / (i["microbatches"] + i["stages"] - 1)
    ),
    "distributed-training/pipeline-microbatches-for-bubble": lambda i: math.ceil(
        (i["stages"] - 1) * (1 - i["max_bubble"]) / i["max_bubble"] - 1e-9
    ),
    "distributed-training/ring-allreduce-bytes": lambda i: (
        2 * (i["gpus"] - 1) / i["gpus"] * i["params"] * i["grad_bytes"] / GB
    ),
    "distributed-training/ddp-allreduce-time": lambda i: (
        2 * (i["gpus"] - 1) / i["gpus"] * i["params"] * i["grad_bytes"] / i["bandwidth"]
    ),
    "distributed-training/activation-memory-formula": lambda i: (
        i["seq"] * i["batch"] * i["hidden"] * (34 + 5 * i["heads"] * i["seq"] / i["hidden"]) * i["layers"] / GIB
    ),
    "distributed-training/checkpointing-compute-overhead": lambda i: (
        100 * i["forward_flops"] / (i["forward_flops"] + i["backward_flops"])
    ),
    "distributed-training/tensor-parallel-mlp-shard": lambda i: 3 * i["hidden"] * i["intermediate"] / i["tp"],
    "distributed-training/global-batch-tokens": lambda i: i["micro_batch"] * i["accumulation"] * i["dp"] * i["seq_len"],
    # inference
    "inference/decode-bandwidth-bound-tokens-per-second": lambda i: (
        i["bandwidth"] / (i["params"] * i["bytes_per_param"])
    ),
    "inference/tp-decode-latency-70b": lambda i: 1000 * i["params"] * i["bytes_per_param"] / i["gpus"] / i["bandwidth"],
    "inference/kv-cache-gqa-batch": lambda i: (
        2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] * i["tokens"] * i["batch"] / GIB
    ),
    "inference/max-concurrent-sequences": lambda i: math.floor(
        (i["memory"] * i["fraction"] - i["params"] * i["weight_bytes"])
        / (2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["kv_bytes"] * i["tokens"])
    ),
    "inference/speculative-expected-tokens": lambda i: (1 - i["alpha"] ** (i["k"] + 1)) / (1 - i["alpha"]),
    "inference/speculative-speedup": lambda i: (
        (1 - i["alpha"] ** (i["k"] + 1)) / ((1 - i["alpha"]) * (i["k"] * i["cost_ratio"] + 1))
    ),
    "inference/ridge-point-batch-size": lambda i: i["flops"] / i["bandwidth"],
    "inference/prefill-time-estimate": lambda i: (
        1000 * i["flops_per_param"] * i["params"] * i["tokens"] / (i["peak"] * i["utilization"])
    ),
    "inference/end-to-end-latency-ttft-tpot": lambda i: (i["ttft_ms"] + (i["output_tokens"] - 1) * i["tpot_ms"]) / 1000,
    "inference/batch-decode-throughput": lambda i: i["batch"] / (i["step_ms"] / 1000),
    "inference/kv-read-vs-weight-read": lambda i: (
        i["params"] * i["weight_bytes"] / (i["batch"] * 2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["kv_bytes"])
    ),
    "inference/online-softmax-merge": lambda i: (
        (math.exp(i["s1"] - i["s2"]) + 1) * math.exp(i["s2"] - i["s3"]) + math.exp(i["s3"] - i["s3"])
    ),
}
