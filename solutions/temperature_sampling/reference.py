"""Temperature sampling with the Gumbel-max trick (Ackley, Hinton and Sejnowski 1985 for the
temperature; Gumbel 1954 and Maddison et al. 2014 for sampling by argmax).

Write `temperature_sample(logits, temperature, uniforms) -> (probs, tokens)`: the distribution a
language model samples its next token from at a given temperature, and one sample from it.

Shapes:
    logits       (..., V) float: next-token scores (entries may be -inf, e.g. after top-k)
    temperature  a Python float >= 0
    uniforms     (..., V), same dtype: independent draws from U(0, 1), strictly inside (0, 1)
    returns      probs (..., V) in the dtype of logits, tokens (...) long

Rule for temperature T > 0:
    probs  = softmax(logits / T) along the last dim   (T < 1 sharpens, T > 1 flattens)
    g      = -log(-log(uniforms))                     standard Gumbel noise, one per entry
    tokens = argmax(logits / T + g) along the last dim
The argmax of Gumbel-perturbed scores is an exact sample from probs, so no multinomial is needed.
Rule for T == 0 (greedy decoding, the limit T -> 0):
    tokens = argmax(logits) (the first index on ties, as torch.argmax), the uniforms unused;
    probs  = the one-hot row with 1.0 at that token.
Conventions: stable for scores near 1e3 / T (subtract the row maximum before exp); gradients of
probs flow back to logits. In the tests no two perturbed scores of a row are close to a tie.

Forbidden: torch.softmax, torch.nn.functional.softmax, Tensor.softmax and the log_softmax forms
(the softmax drill covers that part), torch.multinomial.

Example:
    >>> logits = torch.tensor([1.0, 2.0, 3.0]); u = torch.tensor([0.5, 0.9, 0.2])
    >>> temperature_sample(logits, 2.0, u)   # softmax([0.5, 1, 1.5]); 0.5 + 0.37, 1 + 2.25, 1.5 - 0.48
    (tensor([0.1863, 0.3072, 0.5065]), tensor(1))
    >>> temperature_sample(logits, 0.0, u)   # greedy
    (tensor([0., 0., 1.]), tensor(2))
"""

import torch


def temperature_sample(logits, temperature, uniforms):
    # llmprep: solution begin
    if temperature == 0:
        tokens = logits.argmax(dim=-1)  # (...)
        probs = torch.zeros_like(logits).scatter(-1, tokens.unsqueeze(-1), 1.0)  # (..., V) one-hot
        return probs, tokens
    scaled = logits / temperature  # (..., V)
    shifted = scaled - scaled.amax(dim=-1, keepdim=True).detach()  # the row maximum becomes 0
    e = shifted.exp()
    probs = e / e.sum(dim=-1, keepdim=True)  # (..., V)
    gumbel = -torch.log(-torch.log(uniforms))  # (..., V)
    tokens = (scaled + gumbel).argmax(dim=-1)  # (...)
    return probs, tokens
    # llmprep: solution end
