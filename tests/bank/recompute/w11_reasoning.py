"""Recompute numeric answers of the reasoning-rl and alignment-2 questions (writer w11)."""

import math


def _group_adv(rewards, index):
    mean = sum(rewards) / len(rewards)
    std = math.sqrt(sum((r - mean) ** 2 for r in rewards) / len(rewards))
    return (rewards[index] - mean) / std


def _binary_group(group, correct):
    return [1.0] * int(correct) + [0.0] * int(group - correct)


def _majority(n, p, needed):
    return sum(math.comb(int(n), k) * p**k * (1 - p) ** (int(n) - k) for k in range(int(needed), int(n) + 1))


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


RECOMPUTE = {
    # reasoning-rl
    "reasoning-rl/grpo-advantage-one-correct-of-eight": lambda i: _group_adv(
        _binary_group(i["group"], i["correct"]), 0
    ),
    "reasoning-rl/grpo-advantage-graded-rewards": lambda i: _group_adv([i["r1"], i["r2"], i["r3"], i["r4"]], 0),
    "reasoning-rl/dr-grpo-std-amplification": lambda i: (
        1 / math.sqrt(i["correct"] / i["group"] * (1 - i["correct"] / i["group"]))
    ),
    "reasoning-rl/pass-at-k-from-16-samples": lambda i: (
        1 - math.comb(int(i["n"] - i["c"]), int(i["k"])) / math.comb(int(i["n"]), int(i["k"]))
    ),
    "reasoning-rl/best-of-n-oracle-verifier": lambda i: 1 - (1 - i["p"]) ** i["n"],
    "reasoning-rl/samples-for-90-percent-coverage": lambda i: math.ceil(
        math.log(1 - i["target"]) / math.log(1 - i["p"]) - 1e-9
    ),
    "reasoning-rl/majority-vote-five-samples": lambda i: _majority(i["n"], i["p"], i["needed"]),
    "reasoning-rl/rollout-phase-time": lambda i: i["prompts"] * i["samples"] * i["avg_tokens"] / i["throughput"],
    "reasoning-rl/sync-rollout-slot-utilisation": lambda i: 100 * i["mean_tokens"] / i["max_tokens"],
    "reasoning-rl/clip-higher-max-probability": lambda i: i["p_old"] * (1 + i["eps_high"]),
    "reasoning-rl/token-level-loss-share": lambda i: 100 * i["long"] / (i["long"] + i["short"]),
    "reasoning-rl/dapo-soft-overlong-penalty": lambda i: (
        0.0 if i["length"] <= i["expected_max"] else max(-1.0, (i["expected_max"] - i["length"]) / i["cache"])
    ),
    "reasoning-rl/k3-kl-estimate-value": lambda i: (
        i["p_ref"] / i["p_policy"] - 1 - math.log(i["p_ref"] / i["p_policy"])
    ),
    "reasoning-rl/zero-variance-group-fraction": lambda i: 100 * (i["p"] ** i["group"] + (1 - i["p"]) ** i["group"]),
    "reasoning-rl/dynamic-sampling-oversample": lambda i: i["target"] / i["informative"],
    "reasoning-rl/prm-beam-search-tokens": lambda i: i["beams"] * i["candidates"] * i["step_tokens"] * i["steps"],
    "reasoning-rl/distillation-sft-tokens": lambda i: i["samples"] * i["avg_tokens"] * i["epochs"],
    "reasoning-rl/training-flops-per-rl-step": lambda i: (
        (i["train_flops"] + i["ref_flops"]) * i["params"] * i["prompts"] * i["samples"] * i["tokens"]
    ),
    "reasoning-rl/prm-product-aggregation": lambda i: i["s1"] * i["s2"] * i["s3"] * i["s4"],
    "reasoning-rl/async-rl-speedup": lambda i: (i["rollout_s"] + i["train_s"]) / max(i["rollout_s"], i["train_s"]),
    "reasoning-rl/token-entropy-collapse": lambda i: (
        -(i["p_top"] * math.log(i["p_top"]) + i["others"] * i["p_other"] * math.log(i["p_other"]))
    ),
    # alignment
    "alignment/bt-reward-gap-for-90-percent": lambda i: math.log(i["p"] / (1 - i["p"])),
    "alignment/gae-with-kl-shaped-rewards": lambda i: (
        (-i["kl"] + i["gamma"] * i["v1"] - i["v0"]) + i["gamma"] * i["lam"] * (i["rm"] - i["kl"] - i["v1"])
    ),
    "alignment/ipo-loss-value": lambda i: (i["h"] - 1 / (2 * i["tau"])) ** 2,
    "alignment/simpo-loss-length-normalised": lambda i: (
        -math.log(
            _sigmoid(
                -i["beta"] * i["chosen_nll"] / i["chosen_len"]
                + i["beta"] * i["rejected_nll"] / i["rejected_len"]
                - i["gamma"]
            )
        )
    ),
    "alignment/best-of-n-kl": lambda i: math.log(i["n"]) - (i["n"] - 1) / i["n"],
}
