from llmprep.grading.api import Case, Mistake


def cases(ctx):
    def cfg(V, d, L, H, ff, P, **kw):
        return dict(vocab_size=V, d_model=d, n_layers=L, n_heads=H, d_ff=ff, max_seq_len=P, **kw)

    return [
        Case("example", kwargs=cfg(50257, 768, 12, 12, 3072, 1024), kind="example", note="GPT-2 small"),
        Case("tiny", kwargs=cfg(11, 4, 1, 1, 16, 8)),
        Case(
            "untied_head",
            kwargs=cfg(1000, 64, 3, 4, 256, 128, tied_embeddings=False),
            note="lm_head has its own weight",
        ),
        Case("gpt2_medium", kwargs=cfg(50257, 1024, 24, 16, 4096, 1024)),
        Case("odd_sizes", kwargs=cfg(37, 6, 5, 3, 10, 17, tied_embeddings=False), note="d_ff not 4 * d_model"),
        Case("heads_do_not_matter", kwargs=cfg(97, 24, 2, 8, 96, 33), note="n_heads = 8 with d_model = 24"),
        Case("zero_layers", kwargs=cfg(10, 8, 0, 2, 32, 4), kind="edge", note="embeddings and ln_f only"),
        Case(
            "large_model",
            kwargs=cfg(128256, 8192, 80, 64, 28672, 8192, tied_embeddings=False),
            kind="edge",
            note="tens of billions: Python ints do not overflow",
        ),
    ]


def _count(V, d, L, ff, P, tied, *, bias=True, norms=True, positions=True, head=None):
    b = 1 if bias else 0
    emb = V * d + (P * d if positions else 0)
    ln = 2 * d if norms else 0
    block = 2 * ln + (3 * d * d + 3 * d * b) + (d * d + d * b) + (d * ff + ff * b) + (ff * d + d * b)
    lm = (0 if tied else V * d) if head is None else head
    return emb + L * block + ln + lm


def _no_biases(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    return _count(vocab_size, d_model, n_layers, d_ff, max_seq_len, tied_embeddings, bias=False)


def _no_layer_norms(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    return _count(vocab_size, d_model, n_layers, d_ff, max_seq_len, tied_embeddings, norms=False)


def _head_always_counted(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    return _count(vocab_size, d_model, n_layers, d_ff, max_seq_len, tied_embeddings, head=vocab_size * d_model)


def _no_position_embedding(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    return _count(vocab_size, d_model, n_layers, d_ff, max_seq_len, tied_embeddings, positions=False)


def _weight_matrices_only(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    return n_layers * (4 * d_model * d_model + 2 * d_model * d_ff)


def mistakes(ref):
    return [
        Mistake("no_biases", "Linear biases left out", _no_biases),
        Mistake("no_layer_norms", "LayerNorm weights and biases left out", _no_layer_norms),
        Mistake(
            "head_always_counted", "lm_head counted although it is tied to the token embedding", _head_always_counted
        ),
        Mistake("no_position_embedding", "the learned position embedding left out", _no_position_embedding),
        Mistake(
            "weight_matrices_only",
            "only the per-layer weight matrices (4 d^2 + 2 d d_ff each): embeddings, biases and norms are missing",
            _weight_matrices_only,
        ),
    ]
