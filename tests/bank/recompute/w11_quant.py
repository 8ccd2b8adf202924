"""Recompute numeric answers of the quantization questions (writer w11-quant)."""

import math

GB = 1e9
MIB = 2**20
GIB = 2**30


def _roundtrip_error(i):
    scale = i["absmax"] / i["qmax"]
    return abs(round(i["x"] / scale) * scale - i["x"])


def _zero_point(i):
    scale = (i["max"] + i["neg_min"]) / i["qmax"]
    return round(i["neg_min"] / scale)


def _kv_tokens(i):
    bits = i["bits"] + (i["scale_bits"] + i["zero_bits"]) / i["group"]
    per_token = 2 * i["layers"] * i["kv_heads"] * i["head_dim"] * bits / 8
    return i["budget_gib"] * GIB / per_token


def _smooth_s(i):
    return i["act_max"] ** i["alpha"] / i["weight_max"] ** (1 - i["alpha"])


RECOMPUTE = {
    "quantization/int8-symmetric-scale-from-absmax": lambda i: i["absmax"] / i["qmax"],
    "quantization/int8-roundtrip-error": _roundtrip_error,
    "quantization/uint8-asymmetric-zero-point": _zero_point,
    "quantization/asymmetric-dequantize-value": lambda i: i["scale"] * (i["q"] - i["zero_point"]),
    "quantization/int4-max-rounding-error": lambda i: i["absmax"] / i["qmax"] / 2,
    "quantization/group64-scale-zero-bits-per-param": lambda i: (
        i["bits"] + (i["scale_bits"] + i["zero_bits"]) / i["group"]
    ),
    "quantization/8b-int4-with-bf16-embeddings-memory": lambda i: (
        ((i["params"] - i["kept"]) * (i["bits"] + i["scale_bits"] / i["group"]) / 8 + i["kept"] * i["kept_bits"] / 8)
        / GB
    ),
    "quantization/mxfp4-bits-per-element": lambda i: (i["block"] * i["element_bits"] + i["scale_bits"]) / i["block"],
    "quantization/405b-fp8-min-gpus": lambda i: math.ceil(
        i["params"] * i["bytes"] / GB / (i["gpu_gb"] * (1 - i["reserve_pct"] / 100))
    ),
    "quantization/e4m3-max-from-bit-layout": lambda i: (1 + i["fraction"]) * 2 ** (i["exponent_field"] - i["bias"]),
    "quantization/e5m2-max-from-bit-layout": lambda i: (1 + i["fraction"]) * 2 ** (i["exponent_field"] - i["bias"]),
    "quantization/fp8-delayed-scaling-saturation-error": lambda i: (
        100
        * (
            i["value"]
            - min(i["value"] * i["fp8_max"] / i["amax_history"], i["fp8_max"]) / (i["fp8_max"] / i["amax_history"])
        )
        / i["value"]
    ),
    "quantization/int4-decode-speedup-bound": lambda i: i["old_bits"] / (i["bits"] + i["scale_bits"] / i["group"]),
    "quantization/decode-speedup-with-kv-traffic": lambda i: (
        (i["params"] * i["old_bits"] / 8 + i["kv_bytes"]) / (i["params"] * i["bits"] / 8 + i["kv_bytes"])
    ),
    "quantization/w4a16-compute-bound-crossover": lambda i: i["peak_flops"] / i["bandwidth"] / (2 * 8 / i["bits"]),
    "quantization/smoothquant-scale-alpha-half": _smooth_s,
    "quantization/smoothquant-alpha-075-activation-max": lambda i: i["act_max"] / _smooth_s(i),
    "quantization/llm-int8-fp16-fraction": lambda i: 100 * i["outlier_dims"] / i["hidden"],
    "quantization/int4-kv-cache-capacity": _kv_tokens,
    "quantization/gptq-hessian-memory": lambda i: i["in_features"] ** 2 * i["bytes"] / MIB,
    "quantization/deepseek-v3-fp8-scale-count": lambda i: (
        i["tokens"] * i["channels"] / i["tile"] + (i["out_features"] / i["tile"]) * (i["channels"] / i["tile"])
    ),
    "quantization/gguf-q4k-bits-per-weight": lambda i: (
        (i["superblock"] * i["bits"] + i["blocks"] * (i["scale_bits"] + i["min_bits"]) + 2 * i["fp16_bits"])
        / i["superblock"]
    ),
    "quantization/max-params-at-4-5-bits": lambda i: (i["memory"] - i["reserved"]) * 8 / i["bits"],
    "quantization/per-tensor-outlier-levels": lambda i: 2 * math.floor(i["bulk"] / (i["outlier"] / i["qmax"])) + 1,
}
