import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    return [
        Case("example", (4,), {"device": ctx.device}, kind="example"),
        Case("size 1", (1,), {"device": ctx.device}),
        Case("odd size", (7,), {"device": ctx.device}),
        Case("not a power of two", (12,), {"device": ctx.device}),
        Case("long", (65,), {"device": ctx.device}, kind="edge"),
    ]


def mistakes(ref):
    def strict(seq_len, device=None):
        return torch.ones(seq_len, seq_len, dtype=torch.bool, device=device).tril(-1)

    def upper(seq_len, device=None):
        return torch.ones(seq_len, seq_len, dtype=torch.bool, device=device).triu()

    def inverted(seq_len, device=None):
        return ~ref.causal_mask(seq_len, device)

    def float_mask(seq_len, device=None):
        return torch.ones(seq_len, seq_len, device=device).tril()

    return [
        Mistake("strict", "excludes the diagonal (j < i): a token must also see itself", strict),
        Mistake("upper", "upper triangle (j >= i): the mask lets a query see the future instead of the past", upper),
        Mistake("inverted", "True marks the blocked keys; here True means 'may attend' (j <= i)", inverted),
        Mistake("float_mask", "returns a float 0/1 matrix; return a bool tensor (dtype=torch.bool)", float_mask),
    ]
