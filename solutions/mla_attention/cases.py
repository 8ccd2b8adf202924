import math

import torch

from llmprep.grading.api import Case, Mistake


def _weights(ctx, d_model, d_c, H, d_h, gain=1.0):
    """(w_dkv, w_uk, w_uv, w_q, w_o), each scaled by 1/sqrt(fan_in) so activations stay O(1)."""
    w = lambda i, o: ctx.randn(i, o) * (gain / math.sqrt(i))  # noqa: E731
    return w(d_model, d_c), w(d_c, H * d_h), w(d_c, H * d_h), w(d_model, H * d_h), w(H * d_h, d_model)


def _case(ctx, name, B, T, P, d_model, d_c, H, d_h, gain=1.0, **more):
    x = ctx.randn(B, T, d_model)
    cache = ctx.randn(B, P, d_c) if P else None
    args = (x, *_weights(ctx, d_model, d_c, H, d_h, gain), H) + ((cache,) if P else ())
    return Case(name, args, **more)


def cases(ctx):
    t = ctx.tensor
    example = (
        t([[[1.0, 0.0], [0.0, 1.0]]]),
        t([[1.0], [2.0]]),
        t([[1.0, -1.0]]),
        t([[1.0, 2.0]]),
        torch.eye(2, dtype=ctx.dtype, device=ctx.device),
        torch.eye(2, dtype=ctx.dtype, device=ctx.device),
        2,
    )
    B, P, H, d_h = 2, 200, 4, 32
    out = [
        Case("example", example, kind="example"),
        _case(ctx, "prefill", 2, 5, 0, 16, 4, 2, 8, note="no cache: causal attention over 5 tokens"),
        _case(ctx, "decode step", 2, 1, 7, 16, 4, 2, 8, note="T = 1 after 7 cached latents"),
        _case(ctx, "chunked prefill", 1, 3, 4, 12, 6, 3, 4, note="T = 3 new tokens after P = 4: mask offset"),
        _case(ctx, "many heads", 3, 2, 5, 24, 6, 8, 4, note="H = 8, d_h = 4, d_c = 6"),
        _case(ctx, "first token", 1, 1, 0, 8, 2, 2, 3, kind="edge", note="T = 1, empty cache"),
        _case(
            ctx,
            "long cache decode",
            B,
            1,
            P,
            32,
            8,
            H,
            d_h,
            kind="edge",
            max_intermediate=B * H * (P + 1) * d_h // 2,
            note="P = 200, d_c = 8, d_h = 32: per-head keys (B, H, S, d_h) exceed the tensor-size limit; "
            "absorb the up-projections",
        ),
    ]
    if ctx.dtype in (torch.float32, torch.float64):  # half types only re-test rounding of scores ~ 1e2
        out.append(
            _case(
                ctx,
                "sharp scores",
                2,
                3,
                5,
                16,
                4,
                2,
                8,
                gain=3.0,
                kind="edge",
                note="scores ~ 1e2: softmax must be stable",
            )
        )
    return out


def _mla(
    x,
    w_dkv,
    w_uk,
    w_uv,
    w_q,
    w_o,
    n_heads,
    cache=None,
    *,
    scale="d_h",
    reshape_uk=False,
    return_keys=False,
    append=True,
):
    B, T, _ = x.shape
    d_c, H = w_dkv.shape[1], n_heads
    d_h = w_q.shape[1] // H
    new = x @ w_dkv
    c = torch.cat((cache, new), 1) if cache is not None else new
    S = c.shape[1]
    q = (x @ w_q).view(B, T, H, d_h).transpose(1, 2)
    # W_uk_h^T as (H, d_h, d_c): permuting the (d_c, H, d_h) view is right, a plain reshape scrambles it
    uk_t = w_uk.reshape(H, d_h, d_c) if reshape_uk else w_uk.view(d_c, H, d_h).permute(1, 2, 0)
    q_lat = q @ uk_t
    att = q_lat @ c.unsqueeze(1).transpose(-2, -1)
    if scale == "d_h":
        att = att / math.sqrt(d_h)
    elif scale == "d_c":
        att = att / math.sqrt(d_c)
    allowed = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(S - T)
    att = att.masked_fill(~allowed, float("-inf")).softmax(-1)
    o = (att @ c.unsqueeze(1)) @ w_uv.view(d_c, H, d_h).transpose(0, 1)  # (B, H, T, d_h)
    out = o.transpose(1, 2).reshape(B, T, H * d_h) @ w_o
    if return_keys:
        return out, c @ w_uk  # (B, S, H * d_h): the up-projected keys
    return out, c if append else new


def _mistake(**how):
    def impl(x, w_dkv, w_uk, w_uv, w_q, w_o, n_heads, cache=None):
        return _mla(x, w_dkv, w_uk, w_uv, w_q, w_o, n_heads, cache, **how)

    return impl


def mistakes(ref):
    return [
        Mistake("no_scale", "forgot the 1/sqrt(d_h) scale on the scores", _mistake(scale=None)),
        Mistake(
            "scaled_by_latent_dim",
            "scaled by 1/sqrt(d_c), the latent width the absorbed scores are computed in; the keys have d_h features",
            _mistake(scale="d_c"),
        ),
        Mistake(
            "absorbed_without_transpose",
            "W_uk absorbed as w_uk.reshape(H, d_h, d_c): a reshape is not a transpose, the query must meet W_uk_h^T",
            _mistake(reshape_uk=True),
        ),
        Mistake(
            "cached_up_projected_keys",
            "returned the up-projected keys (B, S, H*d_h) as the cache instead of the latents (B, S, d_c)",
            _mistake(return_keys=True),
        ),
        Mistake(
            "cache_not_appended", "returned only the new latents: the cache must hold all P + T", _mistake(append=False)
        ),
    ]
