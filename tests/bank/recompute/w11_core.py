"""Recompute numeric answers of the issue-11 core questions (writer w11_core): normalization,
FFN activations, transformer architecture, NLP systems and classic coding."""

import math

from tests.bank.recompute.warch import edit_distance, lcs_length

RECOMPUTE = {
    # normalization
    "normalization/rmsnorm-eps-tiny-input": lambda i: i["magnitude"] / math.sqrt(i["magnitude"] ** 2 + i["eps"]),
    "normalization/sandwich-norm-param-count": lambda i: (
        (i["layers"] * i["norms_per_layer"] + i["final_norms"]) * i["d_model"]
    ),
    "normalization/qk-norm-param-count": lambda i: (
        i["layers"] * (i["norms_per_layer"] * i["d_model"] + 2 * i["head_dim"]) + i["final_norms"] * i["d_model"]
    ),
    "normalization/softcap-value": lambda i: i["cap"] * math.tanh(i["logit"] / i["cap"]),
    "normalization/deepnorm-beta": lambda i: (8 * i["layers"]) ** -0.25,
    "normalization/fp16-square-overflow": lambda i: math.sqrt(i["fp16_max"]),
    "normalization/norm-memory-bound-time": lambda i: (
        2 * i["tokens"] * i["hidden"] * i["bytes_per_element"] / i["bandwidth"] * 1e6
    ),
}

RECOMPUTE.update(
    {
        # ffn-activations
        "ffn-activations/intermediate-rounding-2560": lambda i: (
            math.ceil(int(8 * i["d_model"] / 3) / i["multiple_of"]) * i["multiple_of"]
        ),
        "ffn-activations/gated-ffn-param-parity": lambda i: i["matrices"] * i["d_model"] * i["hidden"],
        "ffn-activations/swiglu-flops-per-token": lambda i: 2 * i["matrices"] * i["d_model"] * i["hidden"],
        "ffn-activations/sparsity-union-fraction": lambda i: 100 * (1 - (1 - i["p_active"]) ** i["batch"]),
    }
)

RECOMPUTE.update(
    {
        # transformer-architecture
        "transformer-architecture/training-gpu-days": lambda i: (
            6 * i["params"] * i["tokens"] / (i["peak_flops"] * i["mfu"]) / 86400
        ),
        "transformer-architecture/gqa-layer-params": lambda i: (
            2 * i["d_model"] * i["heads"] * i["head_dim"]
            + 2 * i["d_model"] * i["kv_heads"] * i["head_dim"]
            + 3 * i["d_model"] * i["ffn_hidden"]
            + i["norms"] * i["d_model"]
        ),
        "transformer-architecture/attention-ffn-flops-crossover": lambda i: (
            i["weight_coeff"] * i["d_model"] / i["attn_coeff"]
        ),
    }
)

RECOMPUTE.update(
    {
        # nlp-systems
        "nlp-systems/ab-test-sample-size": lambda i: (
            (i["z_alpha"] + i["z_beta"]) ** 2
            * (i["p1"] * (1 - i["p1"]) + i["p2"] * (1 - i["p2"]))
            / (i["p2"] - i["p1"]) ** 2
        ),
        "nlp-systems/batch-backfill-cost": lambda i: (
            i["documents"]
            * (i["input_tokens"] * i["input_price_per_m"] + i["output_tokens"] * i["output_price_per_m"])
            / 1e6
            * i["batch_factor"]
        ),
        "nlp-systems/monthly-cost-with-prompt-cache": lambda i: (
            i["requests_per_day"]
            * i["days"]
            * (
                i["cached_tokens"] * i["cached_price_per_m"]
                + i["input_tokens"] * i["input_price_per_m"]
                + i["output_tokens"] * i["output_price_per_m"]
            )
            / 1e6
        ),
        "nlp-systems/e2e-latency-budget": lambda i: (
            i["queue_ms"] / 1000
            + i["prompt_tokens"] / i["prefill_rate"]
            + (i["output_tokens"] - 1) * i["tpot_ms"] / 1000
        ),
    }
)


def _edit_saturday_sunday(i: dict) -> int:
    a, b = "saturday", "sunday"
    assert (len(a), len(b)) == (i["len_a"], i["len_b"]), "stated lengths disagree with the strings"
    return edit_distance(a, b)


def _rouge_l_recall(i: dict) -> float:
    ref, cand = "the cat sat on the mat".split(), "the cat on the mat sat".split()
    assert (len(ref), len(cand)) == (i["reference_len"], i["candidate_len"]), "stated lengths disagree"
    return lcs_length(ref, cand) / len(ref)


RECOMPUTE.update(
    {
        # classic-coding
        "classic-coding/cross-entropy-value": lambda i: (
            math.log(math.exp(i["z_true"]) + math.exp(i["z_other1"]) + math.exp(i["z_other2"])) - i["z_true"]
        ),
        "classic-coding/bleu-brevity-penalty": lambda i: math.exp(1 - i["reference_len"] / i["candidate_len"]),
        "classic-coding/bleu-clipped-unigram": lambda i: (
            min(i["candidate_len"], i["max_ref_count"]) / i["candidate_len"]
        ),
        "classic-coding/rouge-l-recall": _rouge_l_recall,
        "classic-coding/edit-distance-saturday-sunday": _edit_saturday_sunday,
    }
)
