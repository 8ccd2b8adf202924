"""Attack: the old guard's wrapper kept the original in __wrapped_original__ (and in its closure)."""
import torch


def softmax(x, dim=-1):
    fn = getattr(torch, "soft" + "max")
    original = getattr(fn, "__wrapped_original__", None) or getattr(fn, "__wrapped__", None)
    for cell in getattr(fn, "__closure__", None) or ():
        if callable(cell.cell_contents):
            original = original or cell.cell_contents
    return (original or fn)(x, dim)
