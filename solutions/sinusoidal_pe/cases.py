import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    return [
        Case("example", (3, 4), kind="example"),
        Case("one position", (1, 8), note="seq_len 1: only position 0"),
        Case("smallest width", (5, 2), note="d_model 2: a single frequency"),
        Case("odd length", (7, 6), note="non-power-of-two sizes"),
        Case("medium", (33, 10)),
        Case("wide", (17, 130)),
        Case("long", (1024, 64), kind="edge", note="angles up to ~1000 rad"),
    ]


def _angles(seq_len, d_model, exponent):
    pos = torch.arange(seq_len, dtype=torch.float32)[:, None]
    return pos * 10000.0 ** (-exponent / d_model)


def mistakes(ref):
    def sin_cos_swapped(seq_len, d_model):
        a = _angles(seq_len, d_model, torch.arange(0, d_model, 2, dtype=torch.float32))
        return torch.stack((a.cos(), a.sin()), dim=-1).flatten(-2)

    def halves(seq_len, d_model):
        a = _angles(seq_len, d_model, torch.arange(0, d_model, 2, dtype=torch.float32))
        return torch.cat((a.sin(), a.cos()), dim=-1)

    def exponent_doubled(seq_len, d_model):
        a = _angles(seq_len, d_model, 2 * torch.arange(0, d_model, 2, dtype=torch.float32))
        return torch.stack((a.sin(), a.cos()), dim=-1).flatten(-2)

    return [
        Mistake("sin_cos_swapped", "cosines in the even columns and sines in the odd ones (swapped)", sin_cos_swapped),
        Mistake(
            "halves_not_interleaved",
            "sines in the first half and cosines in the second, instead of interleaved columns",
            halves,
        ),
        Mistake("exponent_doubled", "exponent 2*(2i)/d_model: the column index 2i was doubled again", exponent_doubled),
    ]
