import math

import torch

from llmprep.grading.api import Case, Mistake


class _Watched(torch.Tensor):
    """q for the "no full score matrix" case: records the shape of every tensor computed from it.

    Each clone starts its own record, so `check` sees only what the graded call built.
    """

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        out = super().__torch_function__(func, types, args, kwargs or {})
        parents = [a for a in args if isinstance(a, _Watched) and hasattr(a, "_seen")]
        record = [] if func in (torch.Tensor.clone, torch.clone, torch.Tensor.detach) or not parents else parents[0]._seen
        for t in out if isinstance(out, (tuple, list)) else (out,):
            if isinstance(t, _Watched):
                if not hasattr(t, "_seen"):
                    t._seen = record
                if record is t._seen:
                    record.append(tuple(t.shape))
        return out


def _watched(x):
    x = x.as_subclass(_Watched)
    x._seen = []
    return x


def observe(output, args, kwargs):
    """Hand the grader a plain tensor: the recording subclass stays with the inputs."""
    return output.as_subclass(torch.Tensor) if isinstance(output, _Watched) else output


def check(output, args, kwargs):
    """The "no full score matrix" rule: no tensor derived from q may exceed one tile in both trailing dims."""
    seen = getattr(args[0], "_seen", None)
    if seen is None:
        return None
    block = kwargs.get("block_size", 64)
    big = [s for s in seen if len(s) >= 2 and s[-2] > block and s[-1] > block]
    if big:
        return (f"built a {big[0]} tensor from q, larger than one {block} x {block} tile in both trailing dims: "
                "loop over key blocks with a running max and sum instead of forming all scores at once")
    return None


def _tied(k):
    """Keys 0, 2, 4, ... made equal: tied scores, though not all of them (an all-zero q gradient is not a test)."""
    k = k.clone()
    k[..., 2::2, :] = k[..., :1, :]
    return k


def cases(ctx):
    t = lambda *rows: torch.tensor(rows, dtype=ctx.dtype, device=ctx.device)
    qkv = lambda *s, Tk=None, dv=None: (ctx.randn(*s), ctx.randn(*s[:-2], Tk or s[-2], s[-1]),
                                        ctx.randn(*s[:-2], Tk or s[-2], dv or s[-1]))
    out = [
        Case("example", (t([0.0]), t([0.0], [0.0], [0.0]), t([1.0], [2.0], [6.0])), {"block_size": 2}, kind="example"),
        Case("single query", (*qkv(1, 8, Tk=5),), {"block_size": 2}, note="Tq = 1, Tk = 5"),
        Case("blocks of one", (*qkv(2, 7, 4),), {"block_size": 1}, note="block_size = 1"),
        Case("ragged last block", (*qkv(2, 3, 13, 8),), {"block_size": 4}, note="T = 13 is not a multiple of 4"),
        Case("more keys than queries", (*qkv(2, 6, 8, Tk=19, dv=5),), {"block_size": 4}, note="Tq = 6, Tk = 19, dv = 5"),
        Case("causal", (*qkv(2, 2, 11, 8),), {"block_size": 3, "causal": True}),
        Case("causal, one block", (*qkv(1, 9, 16),), {"block_size": 64, "causal": True}, note="block_size > T"),
        Case("default block", (*qkv(1, 2, 150, 16),), note="block_size = 64, T = 150"),
        Case("no full score matrix", (_watched(ctx.randn(1, 96, 8)), ctx.randn(1, 96, 8), ctx.randn(1, 96, 8)),
             {"block_size": 16}, note="T = 96, block 16: no tensor built from q may be 96 x 96"),
        Case("tied scores", (ctx.randn(6, 4), _tied(ctx.randn(10, 4)), ctx.randn(10, 3)), {"block_size": 3}, kind="edge",
             note="keys 0, 2, 4, 6, 8 equal: tied scores across blocks"),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(Case("large scores", tuple(x * s for x, s in zip(qkv(1, 2, 20, 16), (12.0, 12.0, 1.0))), {"block_size": 8},
                        kind="edge", note="scores up to ~1e3: exp overflows without the running max"))
        out.append(Case("large scores, causal", tuple(x * s for x, s in zip(qkv(1, 16, 16), (12.0, 12.0, 1.0))),
                        {"block_size": 5, "causal": True}, kind="edge"))
    return out


def _online(q, k, v, block_size, causal, rescale_acc=True, rescale_l=True, use_max=True, per_block=False):
    Tq, Tk = q.shape[-2], k.shape[-2]
    q = q / math.sqrt(q.shape[-1])
    m = torch.full_like(q[..., :1], float("-inf"))
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

    def full_score_matrix(q, k, v, block_size=64, causal=False):
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        if causal:
            T = q.shape[-2]
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
        att = torch.exp(att - att.amax(-1, keepdim=True))
        return att / att.sum(-1, keepdim=True) @ v

    return [
        Mistake("acc_not_rescaled", "the running sum of values is not rescaled by exp(m_old - m_new) when the max grows", acc_not_rescaled),
        Mistake("l_not_rescaled", "the running normalizer l is not rescaled by exp(m_old - m_new) when the max grows", l_not_rescaled),
        Mistake("no_running_max", "exp of raw scores without subtracting the running max: overflows for large scores", no_running_max),
        Mistake("blocks_normalised_separately", "each key block softmax-normalised on its own and the blocks averaged", blocks_normalised_separately),
        Mistake("full_score_matrix", "right values, but the whole (Tq, Tk) score matrix was built at once instead of tile by tile", full_score_matrix),
    ]
