"""Parameter count of a GPT-2-style decoder.

Write `count_parameters(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len,
tied_embeddings=True) -> int`: the exact number of trainable parameters, the arithmetic behind
"how big is this model" and "how much memory do its weights need".

The model (every nn.Linear has a bias, every LayerNorm has a weight and a bias):
    token embedding      nn.Embedding(vocab_size, d_model)
    position embedding   nn.Embedding(max_seq_len, d_model)          learned, GPT-2 style
    n_layers blocks, each:
        ln_1             nn.LayerNorm(d_model)
        attention        nn.Linear(d_model, 3 * d_model)   fused q, k, v
                         nn.Linear(d_model, d_model)       output projection
        ln_2             nn.LayerNorm(d_model)
        mlp              nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
    ln_f                 nn.LayerNorm(d_model)
    lm_head              nn.Linear(d_model, vocab_size, bias=False); when tied_embeddings it
                         shares the token embedding's weight and adds nothing
n_heads splits d_model into heads and does not change the count. Return a Python int.

Example:
    >>> count_parameters(vocab_size=50257, d_model=768, n_layers=12, n_heads=12, d_ff=3072, max_seq_len=1024)
    124439808                                             # GPT-2 small
"""


def count_parameters(vocab_size, d_model, n_layers, n_heads, d_ff, max_seq_len, tied_embeddings=True):
    # llmprep: solution begin
    d = d_model
    embeddings = vocab_size * d + max_seq_len * d
    layer_norm = 2 * d
    attention = (d * 3 * d + 3 * d) + (d * d + d)
    mlp = (d * d_ff + d_ff) + (d_ff * d + d)
    block = 2 * layer_norm + attention + mlp
    head = 0 if tied_embeddings else vocab_size * d
    return embeddings + n_layers * block + layer_norm + head
    # llmprep: solution end
