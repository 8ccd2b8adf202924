from llmprep.grading.api import Case, Mistake


def cases(ctx):
    return [
        Case("example", (5.76e23,), kind="example", note="Chinchilla: about 70B parameters, 1.4T tokens"),
        Case("gpt3_budget", (3.14e23,)),
        Case("small_budget", (1e18,)),
        Case(
            "llama_like_ratio", (1e24,), {"tokens_per_param": 100.0}, note="more tokens per parameter than Chinchilla"
        ),
        Case("one_token_per_param", (6e20,), {"tokens_per_param": 1.0}),
        Case("frontier_budget", (2e25,), kind="edge"),
        Case("six_flops", (6.0,), {"tokens_per_param": 1.0}, kind="edge", note="C = 6 with r = 1 gives N = D = 1"),
    ]


def _cube_root(compute_flops, tokens_per_param=20.0):
    n = (compute_flops / 6.0) ** (1.0 / 3.0)
    return n, n


def _no_six(compute_flops, tokens_per_param=20.0):
    n = (compute_flops / tokens_per_param) ** 0.5
    return n, tokens_per_param * n


def _forward_only(compute_flops, tokens_per_param=20.0):
    n = (compute_flops / (2.0 * tokens_per_param)) ** 0.5
    return n, tokens_per_param * n


def _ratio_inverted(compute_flops, tokens_per_param=20.0):
    n = (compute_flops * tokens_per_param / 6.0) ** 0.5
    return n, n / tokens_per_param


def mistakes(ref):
    return [
        Mistake(
            "cube_root", "a cube root of C/6 for both N and D; with D = rN, C = 6rN^2 gives a square root", _cube_root
        ),
        Mistake("no_six", "training cost taken as N * D instead of 6 * N * D", _no_six),
        Mistake("forward_only", "2ND (the forward pass only) instead of 6ND for training", _forward_only),
        Mistake("ratio_inverted", "D = N / r: the ratio is tokens per parameter", _ratio_inverted),
    ]
