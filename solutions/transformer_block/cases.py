import math

import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    return [
        Case("example", (ctx.randn(1, 3, 8),), init=(8, 2, 32), kind="example"),
        Case("single token", (ctx.randn(2, 1, 8),), init=(8, 4, 16), note="T = 1"),
        Case("one head", (ctx.randn(1, 5, 6),), init=(6, 1, 10), note="n_heads = 1"),
        Case("odd sizes", (ctx.randn(3, 7, 12),), init=(12, 3, 20), note="T = 7, head size 4"),
        Case("longer", (ctx.randn(2, 17, 32),), init=(32, 4, 128)),
        Case(
            "large magnitudes",
            (100 * ctx.randn(1, 6, 16),),
            init=(16, 2, 24),
            kind="edge",
            note="|x| ~ 1e2: the residual stream dominates",
        ),
        Case(
            "repeated token",
            (ctx.randn(1, 1, 8).expand(2, 5, 8).contiguous(),),
            init=(8, 2, 16),
            kind="edge",
            note="every position the same vector: tied attention scores",
        ),
    ]


def _attention(q, k, v, n_heads, causal=True, transpose=True):
    B, T, C = q.shape
    hs = C // n_heads
    if transpose:
        split = lambda t: t.view(B, T, n_heads, hs).transpose(1, 2)
    else:
        split = lambda t: t.reshape(B, n_heads, T, hs)
    q, k, v = split(q), split(k), split(v)
    att = q @ k.transpose(-2, -1) / math.sqrt(hs)
    if causal:
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1), float("-inf"))
    y = att.softmax(-1) @ v
    return y.transpose(1, 2).reshape(B, T, C) if transpose else y.reshape(B, T, C)


def _attn_branch(block, h, **kw):
    q, k, v = block.c_attn(h).split(h.shape[-1], dim=-1)
    return block.c_proj(_attention(q, k, v, block.n_heads, **kw))


def _mlp(block, h):
    return block.fc_out(F.gelu(block.fc(h)))


def mistakes(ref):
    class PostNorm(ref.TransformerBlock):
        def forward(self, x):
            x = self.ln_1(x + _attn_branch(self, x))
            return self.ln_2(x + _mlp(self, x))

    class NotCausal(ref.TransformerBlock):
        def forward(self, x):
            x = x + _attn_branch(self, self.ln_1(x), causal=False)
            return x + _mlp(self, self.ln_2(x))

    class HeadsWithoutTranspose(ref.TransformerBlock):
        def forward(self, x):
            x = x + _attn_branch(self, self.ln_1(x), transpose=False)
            return x + _mlp(self, self.ln_2(x))

    class ResidualFromNormed(ref.TransformerBlock):
        def forward(self, x):
            h = self.ln_1(x)
            x = h + _attn_branch(self, h)
            h = self.ln_2(x)
            return h + _mlp(self, h)

    return [
        Mistake("post_norm", "post-norm: LayerNorm applied after the residual add, not to the branch input", PostNorm),
        Mistake("not_causal", "no causal mask: positions attend to the future", NotCausal),
        Mistake(
            "heads_without_transpose",
            "heads split with reshape(B, n_heads, T, hs) instead of (B, T, n_heads, hs) then transpose(1, 2)",
            HeadsWithoutTranspose,
        ),
        Mistake(
            "residual_from_normed",
            "the residual adds the branch to the normalized input instead of to x",
            ResidualFromNormed,
        ),
    ]
