"""Compute-optimal model size and data (Hoffmann et al., 2022, "Chinchilla").

Write `compute_optimal(compute_flops, tokens_per_param=20.0) -> (n_params, n_tokens)`: for a
training budget of C FLOPs, the model size N and the number of training tokens D that spend it
compute-optimally.

Two facts to combine:
    training cost        C = 6 * N * D    (about 2ND for the forward pass and 4ND for the backward)
    Chinchilla's rule    D = tokens_per_param * N   (about 20 tokens per parameter)
Return both as Python floats. Inputs are positive floats.

Example:
    >>> compute_optimal(5.76e23)          # Chinchilla's own budget
    (69282032302.75..., 1385640646055.1...)    # about 70B parameters and 1.4T tokens
"""

import math


def compute_optimal(compute_flops, tokens_per_param=20.0):
    # llmprep: solution begin
    # C = 6 N D and D = r N  =>  C = 6 r N^2
    n_params = math.sqrt(compute_flops / (6.0 * tokens_per_param))
    return n_params, tokens_per_param * n_params
    # llmprep: solution end
