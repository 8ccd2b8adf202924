import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    ex = torch.tensor(
        [[1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0]], dtype=ctx.dtype, device=ctx.device
    )
    out = [
        Case("example", (ex,), kind="example"),
        Case("one position", (ctx.randn(1, 2),), note="T = 1, D = 2"),
        Case("batch and heads", (ctx.randn(2, 3, 5, 8),), note="x (B, H, T, D)"),
        Case("odd sizes", (ctx.randn(7, 6),), note="T = 7, D = 6"),
        Case("given positions", (ctx.randn(2, 5, 16), ctx.randint(0, 100, (5,))), note="positions not 0..T-1"),
        Case("llama3 base", (ctx.randn(4, 9, 32),), {"base": 500000.0}, note="base = 500000"),
        Case(
            "large positions",
            (ctx.randn(3, 6, 64), ctx.randint(1000, 2048, (6,))),
            kind="edge",
            note="angles up to ~2000 rad",
        ),
        Case(
            "repeated positions",
            (ctx.randn(2, 4, 10), torch.full((4,), 37, device=ctx.device)),
            kind="edge",
            note="every token at the same position",
        ),
    ]
    if ctx.dtype in (torch.float32, torch.float64):  # in half types a big linear combination only re-tests rounding
        out.append(Case("large magnitudes", (100 * ctx.randn(2, 6, 12),), kind="edge", note="|x| ~ 1e2"))
    return out


def _angles(x, positions, base, exponent):
    T, D = x.shape[-2], x.shape[-1]
    work = torch.float64 if x.dtype == torch.float64 else torch.float32
    if positions is None:
        positions = torch.arange(T, device=x.device)
    inv_freq = base ** (-exponent.to(work).to(x.device) / D)
    return positions.to(work)[:, None] * inv_freq[None, :]


def _rotate_half(x, angles, sign=1.0):
    D = x.shape[-1]
    emb = torch.cat((angles, angles), dim=-1)
    x1, x2 = x[..., : D // 2], x[..., D // 2 :]
    return x * emb.cos().to(x.dtype) + sign * torch.cat((-x2, x1), dim=-1) * emb.sin().to(x.dtype)


def mistakes(ref):
    def interleaved(x, positions=None, base=10000.0):
        D = x.shape[-1]
        a = _angles(x, positions, base, torch.arange(0, D, 2))
        cos, sin = a.cos().to(x.dtype), a.sin().to(x.dtype)
        xe, xo = x[..., 0::2], x[..., 1::2]
        return torch.stack((xe * cos - xo * sin, xe * sin + xo * cos), dim=-1).flatten(-2)

    def exponent_without_two(x, positions=None, base=10000.0):
        D = x.shape[-1]
        return _rotate_half(x, _angles(x, positions, base, torch.arange(D // 2)))

    def rotated_backwards(x, positions=None, base=10000.0):
        D = x.shape[-1]
        return _rotate_half(x, _angles(x, positions, base, torch.arange(0, D, 2)), sign=-1.0)

    def positions_ignored(x, positions=None, base=10000.0):
        D = x.shape[-1]
        return _rotate_half(x, _angles(x, None, base, torch.arange(0, D, 2)))

    def angles_in_low_precision(x, positions=None, base=10000.0):
        # angles, cos and sin in x's half dtype; float32/64 inputs stand in with bf16 arithmetic (the
        # grader runs half cases on the CPU only from v2 on), so the mistake is caught on every machine
        T, D = x.shape[-2], x.shape[-1]
        low = x.dtype if x.dtype in (torch.float16, torch.bfloat16) else torch.bfloat16
        if positions is None:
            positions = torch.arange(T, device=x.device)
        inv_freq = base ** (-torch.arange(0, D, 2, device=x.device, dtype=low) / D)
        angles = positions.to(low)[:, None] * inv_freq[None, :]
        emb = torch.cat((angles, angles), dim=-1)
        x1, x2 = x[..., : D // 2], x[..., D // 2 :]
        return x * emb.cos().to(x.dtype) + torch.cat((-x2, x1), dim=-1) * emb.sin().to(x.dtype)

    return [
        Mistake(
            "angles_in_low_precision",
            "angles, cos and sin computed in bf16/fp16: positions x inv_freq loses "
            "whole radians at large positions (compute them in float32)",
            angles_in_low_precision,
        ),
        Mistake(
            "interleaved_pairs",
            "rotated neighbouring pairs (2i, 2i+1), GPT-J style, instead of (j, j + D/2)",
            interleaved,
        ),
        Mistake(
            "inv_freq_exponent",
            "inv_freq = base^(-i/D) for i < D/2: the factor 2 in the exponent is missing",
            exponent_without_two,
        ),
        Mistake("rotated_backwards", "rotate_half sign flipped: cat(x2, -x1) rotates by -angle", rotated_backwards),
        Mistake("positions_ignored", "ignored the positions argument and used 0..T-1", positions_ignored),
    ]
