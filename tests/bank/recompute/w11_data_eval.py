"""Recompute numeric answers of the pretraining-scaling, evaluation-safety and rag-agents questions (writer w11)."""

import math

GB = 1e9

RECOMPUTE = {
    # pretraining-scaling
    "pretraining-scaling/tokens-per-parameter-8b-15t": lambda i: i["tokens"] / i["params"],
    "pretraining-scaling/lifetime-compute-inference-share": lambda i: (
        100
        * 2
        * i["params"]
        * i["served_tokens"]
        / (6 * i["params"] * i["train_tokens"] + 2 * i["params"] * i["served_tokens"])
    ),
    "pretraining-scaling/minhash-signature-storage": lambda i: i["docs"] * i["hashes"] * i["bytes_per_hash"] / GB,
    "pretraining-scaling/suffix-array-dedup-memory": lambda i: (
        i["tokens"] * (i["token_bytes"] + i["offset_bytes"]) / GB
    ),
    "pretraining-scaling/domain-epochs-in-mixture": lambda i: i["total_tokens"] * i["weight"] / i["domain_tokens"],
    "pretraining-scaling/raw-tokens-for-filter-yield": lambda i: (
        i["target_tokens"] / (i["heuristic_keep"] * i["dedup_keep"] * i["classifier_keep"])
    ),
    "pretraining-scaling/bloom-filter-dedup-false-positive": lambda i: (
        100 * (1 - math.exp(-i["hashes"] * i["items"] / i["bits"])) ** i["hashes"]
    ),
    # evaluation-safety
    "evaluation-safety/standard-error-of-accuracy": lambda i: (
        100 * math.sqrt(i["accuracy"] * (1 - i["accuracy"]) / i["questions"])
    ),
    "evaluation-safety/paired-difference-standard-error": lambda i: (
        100
        * math.sqrt(
            ((i["a_only"] + i["b_only"]) / i["questions"] - ((i["a_only"] - i["b_only"]) / i["questions"]) ** 2)
            / i["questions"]
        )
    ),
    "evaluation-safety/clustered-questions-design-effect": lambda i: math.sqrt(1 + (i["cluster_size"] - 1) * i["icc"]),
    "evaluation-safety/elo-gap-from-win-rate": lambda i: i["scale"] * math.log10(i["win_rate"] / (1 - i["win_rate"])),
    "evaluation-safety/contamination-score-inflation": lambda i: (
        100
        * (
            (i["contaminated"] * i["acc_contaminated"] + (i["questions"] - i["contaminated"]) * i["acc_clean"])
            / i["questions"]
            - i["acc_clean"]
        )
    ),
    "evaluation-safety/brier-score-four-predictions": lambda i: (
        (
            (i["p1"] - i["right"]) ** 2
            + (i["p2"] - i["wrong"]) ** 2
            + (i["p3"] - i["right"]) ** 2
            + (i["p4"] - i["wrong"]) ** 2
        )
        / 4
    ),
    "evaluation-safety/zero-failures-rule-of-three": lambda i: 100 * i["rule_constant"] / i["attempts"],
    # rag-agents
    "rag-agents/rrf-rank-that-ties-a-single-top-hit": lambda i: 2 * (i["k"] + i["top_rank"]) - i["k"],
    "rag-agents/recall-at-10-eight-relevant": lambda i: i["found"] / i["relevant"],
    "rag-agents/flat-index-memory-fp32": lambda i: i["vectors"] * i["dims"] * i["bytes_per_value"] / GB,
    "rag-agents/hnsw-graph-link-memory": lambda i: i["vectors"] * i["links"] * i["bytes_per_id"] / GB,
    "rag-agents/product-quantisation-compression": lambda i: (
        i["dims"] * i["bytes_per_value"] / (i["subvectors"] * i["bytes_per_code"])
    ),
    "rag-agents/long-context-vs-rag-daily-cost": lambda i: (
        i["queries"] * (i["long_tokens"] - i["rag_tokens"]) * i["usd_per_million"] / i["million"]
    ),
    "rag-agents/pass-hat-k-agent-consistency": lambda i: (
        math.comb(int(i["successes"]), int(i["k"])) / math.comb(int(i["trials"]), int(i["k"]))
    ),
    "rag-agents/faithfulness-claim-ratio": lambda i: i["supported"] / i["claims"],
}
