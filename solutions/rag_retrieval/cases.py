import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake

GAP = 1e-4  # random cases keep the k+1 best scores of a row this far apart: no accidental ties


def _separated(ctx, Q, N, D, k, norm_spread=1.0):
    """query (Q, D) and docs (N, D) whose top k+1 scores differ by more than GAP in every row."""
    while True:
        query = ctx.randn(Q, D)
        docs = ctx.randn(N, D) * torch.exp(ctx.randn(N, 1) * norm_spread)  # documents of varied norms
        s = F.normalize(query.double(), dim=-1) @ F.normalize(docs.double(), dim=-1).T
        top = s.sort(dim=-1, descending=True).values[:, : min(k + 1, N)]
        if top.shape[-1] < 2 or (top[:, :-1] - top[:, 1:]).min() > GAP:
            return query, docs


def _ties(ctx):
    """Docs that are exact copies of one axis-aligned vector: their scores are equal bit for bit."""
    query = ctx.randn(3, 4)
    query[:, 0] = query[:, 0].abs() + 3.0  # axis 0 is every query's best direction
    docs = ctx.randn(7, 4)
    for n in (1, 3, 4):
        docs[n] = 0.0
        docs[n, 0] = 2.0
    return query, docs


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    q1, d1 = _separated(ctx, 1, 1, 3, 1)
    return [
        Case("example", (t([[1.0, 0.0]]), t([[0.0, 1.0], [3.0, 4.0], [2.0, 0.0], [5.0, 0.0]]), 3), kind="example"),
        Case("N1_k1", (q1, d1, 1), note="one document"),
        Case("Q1_N10_k3", (*_separated(ctx, 1, 10, 8, 3), 3)),
        Case("Q4_N50_k5", (*_separated(ctx, 4, 50, 16, 5), 5)),
        Case("Q3_N37_k37", (*_separated(ctx, 3, 37, 7, 37), 37), note="k = N: a full ranking"),
        Case(
            "Q2_N20_k4_norms",
            (*_separated(ctx, 2, 20, 5, 4, norm_spread=3.0), 4),
            note="document norms over several orders of magnitude",
        ),
        Case("ties", (*_ties(ctx), 4), kind="edge", note="equal scores: lower document index first"),
        Case(
            "large_magnitudes",
            (*(x * 1e4 for x in _separated(ctx, 2, 12, 6, 3)), 3),
            kind="edge",
            note="entries of size 1e4",
        ),
    ]


def _rank(scores, k, descending=True):
    order = torch.sort(scores, dim=-1, descending=descending, stable=True).indices[:, :k]
    return order, scores.gather(-1, order)


def _dot_product(query, docs, k):
    return _rank(query @ docs.T, k)


def _query_not_normalised(query, docs, k):
    return _rank(query @ F.normalize(docs, dim=-1).T, k)


def _ascending(query, docs, k):
    return _rank(F.normalize(query, dim=-1) @ F.normalize(docs, dim=-1).T, k, descending=False)


def _ties_higher_index_first(query, docs, k):
    s = F.normalize(query, dim=-1) @ F.normalize(docs, dim=-1).T
    order = s.flip(-1).sort(dim=-1, descending=True, stable=True).indices[:, :k]
    order = s.shape[-1] - 1 - order
    return order, s.gather(-1, order)


def _euclidean(query, docs, k):
    dist = torch.cdist(query, docs)
    order = torch.sort(dist, dim=-1, stable=True).indices[:, :k]
    s = F.normalize(query, dim=-1) @ F.normalize(docs, dim=-1).T
    return order, s.gather(-1, order)


def mistakes(ref):
    return [
        Mistake("dot_product", "raw dot products: long documents win regardless of direction", _dot_product),
        Mistake(
            "query_not_normalised",
            "query not normalised: the ranking is right but scores are not cosines",
            _query_not_normalised,
        ),
        Mistake("ascending", "sorted ascending: the k least similar documents", _ascending),
        Mistake("ties_higher_index_first", "ties ordered by the higher index first", _ties_higher_index_first),
        Mistake("euclidean", "ranked by Euclidean distance instead of cosine similarity", _euclidean),
    ]
