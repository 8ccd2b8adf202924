import math

import torch

from llmprep.grading.api import Case, Mistake

_SEEN: list[tuple] = []  # shapes of the tensors computed from a watched q since the last graded call


class _Watched(torch.Tensor):
    """q for the "no full score matrix" cases: records the shape of every tensor computed from it
    (clones included: `q = q.clone()` keeps watching). `observe` hands the record of one call to
    `check`; the grader's own clones of the inputs only add input-sized shapes, never a tile's excess.
    """

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        out = super().__torch_function__(func, types, args, kwargs or {})
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, _Watched):
                _SEEN.append(tuple(t.shape))
        return out


def _watched(x):
    return x.as_subclass(_Watched)


def observe(output, args, kwargs):
    """Hand the grader a plain tensor (the recording subclass stays with the inputs), and keep what
    this call built for `check`."""
    if isinstance(args[0], _Watched):
        args[0]._built = list(_SEEN)
    _SEEN.clear()
    return output.as_subclass(torch.Tensor) if isinstance(output, _Watched) else output


def _largest_allowed(q, k, v, block):
    """Per (batch, head): one block x block tile, or as many elements as an input or the output has."""
    return max(
        block * block,
        q.shape[-2] * q.shape[-1],
        k.shape[-2] * k.shape[-1],
        v.shape[-2] * v.shape[-1],
        q.shape[-2] * v.shape[-1],
    )


def check(output, args, kwargs):
    """The "no full score matrix" rule (grader v1; v2 measures every tensor via max_intermediate):
    no tensor computed from q may hold more elements per (batch, head) than one tile or an input."""
    built = getattr(args[0], "_built", None)
    if built is None:
        return None
    block = kwargs.get("block_size", 64)
    limit = _largest_allowed(*args[:3], block)
    big = [s for s in built if len(s) >= 2 and s[-2] * s[-1] > limit]
    if big:
        return (
            f"built a {tuple(big[0][-2:])} tensor from q, more than one {block} x {block} tile: "
            "loop over key blocks with a running max and sum instead of forming a row of scores at once"
        )
    return None


def _max_intermediate(q, k, v, block):
    """Case.max_intermediate (grader v2): a tile (or an input-sized tensor) per (batch, head)."""
    heads = q[..., 0, 0].numel()
    return heads * _largest_allowed(q, k, v, block)


def _tied(k):
    """Keys 0, 2, 4, ... made equal: tied scores, though not all of them (an all-zero q gradient is not a test)."""
    k = k.clone()
    k[..., 2::2, :] = k[..., :1, :]
    return k


def _negative(ctx, shape):
    """q and k pointing in opposite directions: every score is about -mag (+- a few), so every row's
    max is negative and a running max started at 0 instead of -inf underflows exp to 0 (0 / 0 = NaN):
    exp(-150) is 0 in float32, exp(-800) in float64."""
    mag = 800.0 if ctx.dtype == torch.float64 else 150.0
    c = (mag / shape[-1] ** 0.5) ** 0.5  # scores = -c^2 d / sqrt(d)
    return c + 0.1 * ctx.randn(*shape), -c + 0.1 * ctx.randn(*shape), ctx.randn(*shape)


def cases(ctx):
    t = lambda *rows: torch.tensor(rows, dtype=ctx.dtype, device=ctx.device)
    qkv = lambda *s, Tk=None, dv=None: (
        ctx.randn(*s),
        ctx.randn(*s[:-2], Tk or s[-2], s[-1]),
        ctx.randn(*s[:-2], Tk or s[-2], dv or s[-1]),
    )

    def case(name, args, kwargs=None, **more):
        """Every case measures the tensors the call creates (grader v2): a tile per (batch, head)."""
        kwargs = kwargs or {}
        limit = more.pop("max_intermediate", None) or _max_intermediate(*args[:3], kwargs.get("block_size", 64))
        return Case(name, args, kwargs, max_intermediate=limit, **more)

    T, block = 96, 16
    row_q, row_k, row_v = ctx.randn(2, T, 4), ctx.randn(2, T, 4), ctx.randn(2, T, 4)
    out = [
        case("example", (t([0.0]), t([0.0], [0.0], [0.0]), t([1.0], [2.0], [6.0])), {"block_size": 2}, kind="example"),
        case("single query", (*qkv(1, 8, Tk=5),), {"block_size": 2}, note="Tq = 1, Tk = 5"),
        case("blocks of one", (*qkv(2, 7, 4),), {"block_size": 1}, note="block_size = 1"),
        case("ragged last block", (*qkv(2, 3, 13, 8),), {"block_size": 4}, note="T = 13 is not a multiple of 4"),
        case(
            "more keys than queries", (*qkv(2, 6, 8, Tk=19, dv=5),), {"block_size": 4}, note="Tq = 6, Tk = 19, dv = 5"
        ),
        case("causal", (*qkv(2, 2, 11, 8),), {"block_size": 3, "causal": True}),
        case("causal, one block", (*qkv(1, 9, 16),), {"block_size": 64, "causal": True}, note="block_size > T"),
        case("default block", (*qkv(1, 2, 150, 16),), note="block_size = 64, T = 150"),
        case(
            "no row of scores",
            (_watched(ctx.randn(1, T, 8)), ctx.randn(1, T, 8), ctx.randn(1, T, 8)),
            {"block_size": block},
            note=f"T = {T}, block {block}: every tensor must fit a {block} x {block} tile "
            f"or q's size; a ({block}, {T}) row of scores does not",
        ),
        # v2 only: allows a (block, T) row of scores but not the (T, T) matrix, so the two mistakes differ
        case(
            "no full score matrix",
            (row_q, row_k, row_v),
            {"block_size": block, "causal": True},
            max_intermediate=2 * block * T,
            note=f"T = {T}: no ({T}, {T}) tensor",
        ),
        case(
            "tied scores",
            (ctx.randn(6, 4), _tied(ctx.randn(10, 4)), ctx.randn(10, 3)),
            {"block_size": 3},
            kind="edge",
            note="keys 0, 2, 4, 6, 8 equal: tied scores across blocks",
        ),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            case(
                "large scores",
                tuple(x * s for x, s in zip(qkv(1, 2, 20, 16), (12.0, 12.0, 1.0))),
                {"block_size": 8},
                kind="edge",
                note="scores up to ~1e3: exp overflows without the running max",
            )
        )
        out.append(
            case(
                "large scores, causal",
                tuple(x * s for x, s in zip(qkv(1, 16, 16), (12.0, 12.0, 1.0))),
                {"block_size": 5, "causal": True},
                kind="edge",
            )
        )
        out.append(
            case(
                "all scores negative",
                _negative(ctx, (2, 12, 4)),
                {"block_size": 4},
                kind="edge",
                note="every score ~ -150 (float32) or -800 (float64): the running max starts at -inf, not 0",
            )
        )
        out.append(
            case(
                "all scores negative, causal", _negative(ctx, (1, 9, 4)), {"block_size": 4, "causal": True}, kind="edge"
            )
        )
    return out


def _online(
    q, k, v, block_size, causal, rescale_acc=True, rescale_l=True, use_max=True, per_block=False, m_start=float("-inf")
):
    Tq, Tk = q.shape[-2], k.shape[-2]
    q = q / math.sqrt(q.shape[-1])
    m = torch.full_like(q[..., :1], m_start)
    l = torch.zeros_like(m)
    acc = torch.zeros(*q.shape[:-1], v.shape[-1], dtype=v.dtype, device=v.device)
    n_blocks = 0
    for ks in range(0, Tk, block_size):
        s = q @ k[..., ks : ks + block_size, :].transpose(-2, -1)
        if causal:
            qi = torch.arange(Tq, device=q.device)[:, None]
            kj = torch.arange(ks, ks + s.shape[-1], device=q.device)[None, :]
            s = s.masked_fill(kj > qi, float("-inf"))
        vb = v[..., ks : ks + block_size, :]
        if per_block:
            # each block normalised on its own, then the blocks averaged
            p = torch.exp(s - s.amax(-1, keepdim=True)).nan_to_num(0.0)
            part = p @ vb / p.sum(-1, keepdim=True).clamp_min(1e-30)
            acc = acc + part * (p.sum(-1, keepdim=True) > 0)
            n_blocks = n_blocks + (p.sum(-1, keepdim=True) > 0).to(acc.dtype)
            continue
        m_new = torch.maximum(m, s.amax(-1, keepdim=True)) if use_max else torch.zeros_like(m)
        p = torch.exp(s - m_new)
        c = torch.exp(m - m_new) if use_max else torch.ones_like(m)
        l = (c if rescale_l else 1.0) * l + p.sum(-1, keepdim=True)
        acc = (c if rescale_acc else 1.0) * acc + p @ vb
        m = m_new
    return acc / n_blocks if per_block else acc / l


def mistakes(ref):
    def acc_not_rescaled(q, k, v, block_size=64, causal=False):
        return _online(q, k, v, block_size, causal, rescale_acc=False)

    def l_not_rescaled(q, k, v, block_size=64, causal=False):
        return _online(q, k, v, block_size, causal, rescale_l=False)

    def no_running_max(q, k, v, block_size=64, causal=False):
        return _online(q, k, v, block_size, causal, use_max=False)

    def blocks_normalised_separately(q, k, v, block_size=64, causal=False):
        return _online(q, k, v, block_size, causal, per_block=True)

    def max_starts_at_zero(q, k, v, block_size=64, causal=False):
        return _online(q, k, v, block_size, causal, m_start=0.0)

    def query_tiles_all_keys(q, k, v, block_size=64, causal=False):
        Tq, Tk = q.shape[-2], k.shape[-2]
        out = []
        for qs in range(0, Tq, block_size):
            s = q[..., qs : qs + block_size, :] @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., bq, Tk)
            if causal:
                qi = torch.arange(qs, qs + s.shape[-2], device=q.device)[:, None]
                s = s.masked_fill(torch.arange(Tk, device=q.device)[None, :] > qi, float("-inf"))
            p = torch.exp(s - s.amax(-1, keepdim=True))
            out.append(p / p.sum(-1, keepdim=True) @ v)
        return torch.cat(out, dim=-2)

    def full_score_matrix(q, k, v, block_size=64, causal=False):
        q = q.clone()  # a fresh tensor must not escape the size watch
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        if causal:
            T = q.shape[-2]
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
        att = torch.exp(att - att.amax(-1, keepdim=True))
        return att / att.sum(-1, keepdim=True) @ v

    return [
        Mistake(
            "acc_not_rescaled",
            "the running sum of values is not rescaled by exp(m_old - m_new) when the max grows",
            acc_not_rescaled,
        ),
        Mistake(
            "l_not_rescaled",
            "the running normalizer l is not rescaled by exp(m_old - m_new) when the max grows",
            l_not_rescaled,
        ),
        Mistake(
            "no_running_max",
            "exp of raw scores without subtracting the running max: overflows for large scores",
            no_running_max,
        ),
        Mistake(
            "blocks_normalised_separately",
            "each key block softmax-normalised on its own and the blocks averaged",
            blocks_normalised_separately,
        ),
        Mistake(
            "max_starts_at_zero",
            "the running max starts at 0 instead of -inf: rows whose scores are all very negative underflow to 0 / 0",
            max_starts_at_zero,
        ),
        Mistake(
            "query_tiles_all_keys",
            "right values, but each query tile was scored against all keys at once (a "
            "(block, Tk) row of scores, no online softmax)",
            query_tiles_all_keys,
        ),
        Mistake(
            "full_score_matrix",
            "right values, but the whole (Tq, Tk) score matrix was built at once instead of tile by tile",
            full_score_matrix,
        ),
    ]
