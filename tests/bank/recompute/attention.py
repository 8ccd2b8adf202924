"""Recompute numeric answers of attention questions from the inputs stated in their prompts."""

GIB = 2**30

RECOMPUTE = {
    "attention/kv-cache-bytes-7b": lambda i: (
        2 * i["layers"] * i["kv_heads"] * i["head_dim"] * i["bytes"] * i["tokens"] / GIB
    ),
}
