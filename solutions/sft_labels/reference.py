"""Labels for supervised fine-tuning: learn the response, not the prompt.

Write `build_sft_labels(input_ids, prompt_lengths, attention_mask, ignore_index=-100)`: the
labels that make a causal-LM loss (see the lm_loss drill, which shifts them by one) count only the
response tokens of each (prompt, response) row of a padded batch.

Shapes:
    input_ids       (B, T) long: prompt tokens followed by response tokens, padded
    prompt_lengths  (B,) long: how many real tokens of each row belong to the prompt
    attention_mask  (B, T) long or bool: 1/True on real tokens, 0/False on padding; padding may
                    sit on the right (training batches) or on the left (generation batches)
    returns         (B, T) long

Rule: labels = input_ids, except ignore_index on padding and on the first prompt_lengths[b] real
tokens of row b. Count real tokens, not positions: with left padding the prompt starts after the
pads. Do not modify input_ids.

Example:
    >>> ids = torch.tensor([[5, 6, 7, 8, 0], [0, 5, 6, 7, 8]])
    >>> mask = torch.tensor([[1, 1, 1, 1, 0], [0, 1, 1, 1, 1]])
    >>> build_sft_labels(ids, torch.tensor([2, 2]), mask)
    tensor([[-100, -100,    7,    8, -100],
            [-100, -100, -100,    7,    8]])
"""


def build_sft_labels(input_ids, prompt_lengths, attention_mask, ignore_index=-100):
    # llmprep: solution begin
    real = attention_mask.bool()  # (B, T)
    seen = real.long().cumsum(dim=1)  # (B, T) real tokens up to and including t
    is_response = real & (seen > prompt_lengths[:, None])  # (B, T)
    return input_ids.masked_fill(~is_response, ignore_index)
    # llmprep: solution end
