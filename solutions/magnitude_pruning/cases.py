import math

import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    quantised = ctx.randint(-3, 4, (6, 7)).to(ctx.dtype or torch.float32)  # many equal magnitudes
    return [
        Case("example", (t([[0.5, -0.1, 2.0], [-0.3, 0.1, 1.0]]), 0.2), kind="example"),
        Case("vector_half", (ctx.randn(10), 0.5)),
        Case("matrix_30pct", (ctx.randn(8, 16), 0.3), note="k = floor(0.3 * 128) = 38"),
        Case(
            "uneven_rows",
            (ctx.randn(5, 9) * torch.logspace(-2, 2, 5, dtype=ctx.dtype, device=ctx.device)[:, None], 0.4),
            note="rows of very different scale: one global threshold, not one per row",
        ),
        Case("conv_weight_4d", (ctx.randn(4, 3, 3, 3), 0.75)),
        Case("sparsity_0", (ctx.randn(3, 5), 0.0), kind="edge", note="nothing pruned"),
        Case("sparsity_1", (ctx.randn(3, 5), 1.0), kind="edge", note="everything pruned"),
        Case("floor_not_round", (ctx.randn(7), 0.5), kind="edge", note="k = floor(3.5) = 3"),
        Case(
            "ties_at_the_cut",
            (quantised, 0.31),
            kind="edge",
            note="integer weights: many ties at the threshold (k = 13)",
        ),
        Case(
            "k_float_rounding",
            (ctx.randn(10, 10), 0.29),
            kind="edge",
            note="0.29 * 100 = 28.999999999999996 in floating point: k = 29",
        ),
    ]


def _k(w, sparsity):
    return math.floor(sparsity * w.numel() + 1e-6)


def _prune(w, k, *, largest=False, descending_ties=False):
    flat = w.reshape(-1)
    mag = flat.abs()
    if descending_ties:
        order = flat.numel() - 1 - torch.sort(mag.flip(0), stable=True).indices
    else:
        order = torch.sort(mag, descending=largest, stable=True).indices
    keep = torch.ones_like(flat, dtype=torch.bool)
    keep[order[:k]] = False
    return flat.masked_fill(~keep, 0.0).reshape(w.shape)


def _per_row(w, sparsity):
    rows = w.reshape(w.shape[0], -1) if w.dim() > 1 else w.reshape(1, -1)
    k = math.floor(sparsity * rows.shape[1] + 1e-6)
    return torch.stack([_prune(r, k) for r in rows]).reshape(w.shape)


def _largest_pruned(w, sparsity):
    return _prune(w, _k(w, sparsity), largest=True)


def _threshold_prunes_ties(w, sparsity):
    k = _k(w, sparsity)
    if k == 0:
        return w.clone()
    cut = w.abs().reshape(-1).kthvalue(k).values
    return w.masked_fill(w.abs() <= cut, 0.0)


def _rounded_k(w, sparsity):
    return _prune(w, round(sparsity * w.numel()))


def _ties_higher_index_first(w, sparsity):
    return _prune(w, _k(w, sparsity), descending_ties=True)


def _float_floor(w, sparsity):
    return _prune(w, math.floor(sparsity * w.numel()))


def mistakes(ref):
    return [
        Mistake("per_row", "pruned per row (the same fraction of each row) instead of over the whole tensor", _per_row),
        Mistake("largest_pruned", "the largest magnitudes pruned instead of the smallest", _largest_pruned),
        Mistake(
            "threshold_prunes_ties",
            "|w| <= threshold: every entry tied with the cut-off is pruned, more than k",
            _threshold_prunes_ties,
        ),
        Mistake("rounded_k", "k rounded instead of floored", _rounded_k),
        Mistake("ties_higher_index_first", "ties pruned from the higher index first", _ties_higher_index_first),
        Mistake(
            "float_floor", "k = floor(sparsity * numel) without the 1e-6: 0.29 * 100 floors to 28, not 29", _float_floor
        ),
    ]
