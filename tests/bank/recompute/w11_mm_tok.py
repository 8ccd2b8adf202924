"""Recompute numeric answers of the multimodal, tokenization and sft-peft questions (writer n11, files *-2.yaml)."""

import math

GB = 1e9
GIB = 2**30

RECOMPUTE = {
    # multimodal
    "multimodal/vit-b16-sequence-length": lambda i: (i["image"] // i["patch"]) ** 2 + i["cls"],
    "multimodal/vit-patch-embedding-params": lambda i: i["patch"] ** 2 * i["channels"] * i["hidden"] + i["hidden"],
    "multimodal/vit-resolution-attention-cost": lambda i: (
        ((i["new_res"] / i["patch"]) ** 2 / (i["old_res"] / i["patch"]) ** 2) ** 2
    ),
    "multimodal/qwen2-vl-video-token-count": lambda i: (
        i["seconds"] * i["fps"] / i["temporal_patch"] * (i["side"] / i["patch"]) ** 2 / i["merge"] ** 2
    ),
    "multimodal/clip-logit-matrix-memory": lambda i: i["batch"] ** 2 * i["bytes"] / GIB,
    "multimodal/whisper-encoder-positions": lambda i: i["seconds"] * i["sample_rate"] / i["hop"] / i["stride"],
    "multimodal/encodec-token-count": lambda i: i["seconds"] * i["frame_rate"] * i["codebooks"],
    "multimodal/dit-latent-token-count": lambda i: (i["image"] / i["vae_factor"] / i["patch"]) ** 2,
    # tokenization
    "tokenization/resize-pad-to-multiple": lambda i: (
        math.ceil((i["vocab"] + i["added"]) / i["multiple"]) * i["multiple"]
    ),
    "tokenization/added-token-trainable-params": lambda i: i["new_tokens"] * i["hidden"] * i["matrices"],
    "tokenization/fertility-attention-cost": lambda i: (i["fertility_a"] / i["fertility_b"]) ** 2,
    # the pair (a, n) occurs once in each of the four words
    "tokenization/bpe-first-merge-count": lambda i: i["tan"] + i["tank"] + i["than"] + i["ant"],
    "tokenization/embedding-share-small-model": lambda i: 100 * i["vocab"] * i["hidden"] / i["total"],
    # sft-peft
    "sft-peft/rslora-scale-ratio": lambda i: (i["alpha"] / math.sqrt(i["rank"])) / (i["alpha"] / i["rank"]),
    "sft-peft/lora-training-memory": lambda i: (
        (i["params"] * i["base_bytes"] + i["trainable"] * i["trainable_bytes"]) / GB
    ),
    "sft-peft/padding-waste-fraction": lambda i: 100 * (1 - i["mean_length"] / i["padded_length"]),
    "sft-peft/dora-magnitude-params": lambda i: i["layers"] * i["matrices"] * i["out_features"],
}
