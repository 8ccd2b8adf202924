import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake


def _pair(ctx, N, D, scale=1.0, noise=1.0):
    img = ctx.randn(N, D) * scale
    txt = img + ctx.randn(N, D) * scale * noise  # matching pairs are correlated
    return img.requires_grad_(), txt.requires_grad_()


def cases(ctx):
    t = lambda xs: torch.tensor(xs, dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    lopsided = _pair(ctx, 5, 8)
    with torch.no_grad():
        lopsided[0][0].mul_(50.0)  # one image embedding with a much larger norm
    return [
        Case(
            "example",
            (t([[1.0, 0.0], [0.0, 1.0]]).requires_grad_(), t([[2.0, 0.0], [0.0, 3.0]]).requires_grad_()),
            {"temperature": 1.0},
            kind="example",
        ),
        Case("N1", _pair(ctx, 1, 4), note="one pair: nothing to contrast, loss 0"),
        Case("N3_D5", _pair(ctx, 3, 5)),
        Case("N8_D16", _pair(ctx, 8, 16), {"temperature": 0.5}),
        Case("N17_D33", _pair(ctx, 17, 33, noise=0.3)),
        Case(
            "N6_D7_asymmetric",
            _pair(ctx, 6, 7, noise=2.0),
            {"temperature": 0.2},
            note="image->text and text->image differ",
        ),
        Case("norms_differ", lopsided, kind="edge", note="embeddings of very different norms: normalise first"),
        Case("large_embeddings", _pair(ctx, 4, 6, scale=1e4), kind="edge", note="entries of size 1e4"),
        Case("temperature_0.01", _pair(ctx, 5, 8), {"temperature": 0.01}, kind="edge", note="logits up to 100"),
    ]


def _ce(logits):
    return F.cross_entropy(logits, torch.arange(logits.shape[0], device=logits.device))


def _no_normalise(image_emb, text_emb, temperature=0.07):
    logits = image_emb @ text_emb.T / temperature
    return (_ce(logits) + _ce(logits.T)) / 2


def _one_direction(image_emb, text_emb, temperature=0.07):
    logits = F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T / temperature
    return _ce(logits)


def _times_temperature(image_emb, text_emb, temperature=0.07):
    logits = F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T * temperature
    return (_ce(logits) + _ce(logits.T)) / 2


def _normalised_wrong_dim(image_emb, text_emb, temperature=0.07):
    logits = F.normalize(image_emb, dim=0) @ F.normalize(text_emb, dim=0).T / temperature
    return (_ce(logits) + _ce(logits.T)) / 2


def mistakes(ref):
    return [
        Mistake(
            "no_normalise", "embeddings not L2-normalised: dot products instead of cosine similarities", _no_normalise
        ),
        Mistake("one_direction", "only image->text: the loss is symmetric, average both directions", _one_direction),
        Mistake("times_temperature", "logits multiplied by the temperature instead of divided", _times_temperature),
        Mistake(
            "normalised_wrong_dim",
            "normalised over the batch dim (dim=0) instead of each embedding",
            _normalised_wrong_dim,
        ),
    ]
