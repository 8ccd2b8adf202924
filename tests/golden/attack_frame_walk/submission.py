"""Attack: walk the caller's frames (sys._getframe, inspect.stack) to the reference or its outputs."""
import inspect
import sys

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    frames = [f.frame for f in inspect.stack()]
    frame = sys._getframe(1)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    for frame in frames:
        for name, value in {**frame.f_globals, **frame.f_locals}.items():
            if name in ("expected", "want", "reference") or "reference" in type(value).__name__.lower():
                return value
            if callable(value) and getattr(value, "__name__", "") == "scaled_dot_product_attention" \
                    and value is not scaled_dot_product_attention:
                return value(q, k, v, mask)
    raise LookupError("no reference on the stack")


_ = torch
