"""Dynamic loss scaling for fp16 training (Micikevicius et al., 2018; torch.amp.GradScaler).

fp16 gradients underflow, so the loss is multiplied by a large scale before backward(). Write
`scaler_step(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5,
growth_interval=2000)`: one step of the scaler after backward().

Arguments:
    grads           list of tensors: the gradients of the *scaled* loss
    scale           float: the current loss scale
    growth_tracker  int: how many steps in a row were free of inf/NaN
    returns (unscaled, found_inf, new_scale, new_tracker):
        unscaled    list of new tensors, grads[i] / scale (the inputs stay untouched)
        found_inf   Python bool: any inf or NaN in any gradient
        new_scale   float, new_tracker int, by the rule below

Rule (the one GradScaler.update applies):
    found_inf:  new_scale = scale * backoff_factor, new_tracker = 0  (the optimizer step is skipped)
    otherwise:  new_tracker = growth_tracker + 1; when it equals growth_interval,
                new_scale = scale * growth_factor and new_tracker = 0; else the scale is unchanged
                (compared with ==, as GradScaler does: a tracker already past the interval counts on)

Example:
    >>> g = [torch.tensor([1024.0, 2048.0])]
    >>> scaler_step(g, 1024.0, 1, growth_interval=2)
    ([tensor([1., 2.])], False, 2048.0, 0)
"""

import torch


def scaler_step(grads, scale, growth_tracker, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    # llmprep: solution begin
    unscaled = [g / scale for g in grads]
    found_inf = any(not bool(torch.isfinite(g).all()) for g in grads)
    if found_inf:
        return unscaled, True, scale * backoff_factor, 0
    growth_tracker += 1
    if growth_tracker == growth_interval:
        return unscaled, False, scale * growth_factor, 0
    return unscaled, False, scale, growth_tracker
    # llmprep: solution end
