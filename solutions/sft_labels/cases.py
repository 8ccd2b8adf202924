import torch

from llmprep.grading.api import Case, Mistake


def _batch(ctx, B, T, side="right", vocab=50):
    """Rows of random length, padded on one side; prompts shorter than the row."""
    ids = ctx.randint(1, vocab, (B, T))
    lengths = ctx.randint(2, T + 1, (B,))  # real tokens per row
    prompts = torch.stack([ctx.randint(0, int(n), (1,))[0] for n in lengths])  # 0 .. n-1 prompt tokens
    pos = torch.arange(T, device=ctx.device)[None, :]
    if side == "right":
        mask = pos < lengths[:, None]
    else:
        mask = pos >= (T - lengths)[:, None]
    ids = ids.masked_fill(~mask, 0)  # pad id 0
    return ids, prompts, mask.long()


def cases(ctx):
    ids = lambda xs: torch.tensor(xs, dtype=torch.long, device=ctx.device)  # noqa: E731
    no_pad = ctx.randint(1, 30, (3, 7))
    left = _batch(ctx, 3, 9, "left")
    return [
        Case(
            "example",
            (ids([[5, 6, 7, 8, 0], [0, 5, 6, 7, 8]]), ids([2, 2]), ids([[1, 1, 1, 1, 0], [0, 1, 1, 1, 1]])),
            kind="example",
        ),
        Case("B1_T1_no_prompt", (ids([[9]]), ids([0]), ids([[1]])), note="a single response token"),
        Case("no_padding", (no_pad, ids([1, 3, 6]), torch.ones(3, 7, dtype=torch.long, device=ctx.device))),
        Case("right_padded_B5_T13", _batch(ctx, 5, 13, "right")),
        Case("left_padded_B4_T11", _batch(ctx, 4, 11, "left"), note="prompts start after the left pads"),
        Case("bool_mask_B3_T9", (left[0], left[1], left[2].bool()), note="attention_mask given as bool"),
        Case("custom_ignore_index", _batch(ctx, 2, 8, "right"), {"ignore_index": -1}),
        Case(
            "prompt_is_everything",
            (ids([[3, 4, 5, 0], [0, 3, 4, 5]]), ids([3, 3]), ids([[1, 1, 1, 0], [0, 1, 1, 1]])),
            kind="edge",
            note="no response token: every label ignored",
        ),
        Case(
            "pad_id_inside_text",
            (ids([[0, 7, 0, 8], [4, 0, 0, 0]]), ids([1, 0]), ids([[1, 1, 1, 1], [1, 1, 0, 0]])),
            kind="edge",
            note="token id 0 appears as real text: use the mask, not the id",
        ),
    ]


def _positional(input_ids, prompt_lengths, attention_mask, ignore_index=-100):
    pos = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :]
    keep = attention_mask.bool() & (pos >= prompt_lengths[:, None])
    return input_ids.masked_fill(~keep, ignore_index)


def _prompt_off_by_one(input_ids, prompt_lengths, attention_mask, ignore_index=-100):
    real = attention_mask.bool()
    keep = real & (real.long().cumsum(1) >= prompt_lengths[:, None])
    return input_ids.masked_fill(~keep, ignore_index)


def _padding_kept(input_ids, prompt_lengths, attention_mask, ignore_index=-100):
    real = attention_mask.bool()
    keep = ~(real & (real.long().cumsum(1) <= prompt_lengths[:, None]))
    return input_ids.masked_fill(~keep, ignore_index)


def _pad_by_token_id(input_ids, prompt_lengths, attention_mask, ignore_index=-100):
    real = attention_mask.bool()
    keep = real & (real.long().cumsum(1) > prompt_lengths[:, None]) & (input_ids != 0)
    return input_ids.masked_fill(~keep, ignore_index)


def mistakes(ref):
    return [
        Mistake("positional", "prompt masked by position (t < prompt_length): wrong for left-padded rows", _positional),
        Mistake(
            "prompt_off_by_one",
            "the last prompt token left as a target (one prompt token too few masked)",
            _prompt_off_by_one,
        ),
        Mistake("padding_kept", "padding positions left as targets", _padding_kept),
        Mistake("pad_by_token_id", "padding found by token id (== 0) instead of the attention mask", _pad_by_token_id),
    ]
