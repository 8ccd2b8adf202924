"""One scheduler step of continuous batching (Yu et al. 2022, "Orca", iteration-level scheduling;
the waiting/running queues and KV blocks of vLLM, Kwon et al. 2023).

Task
    A serving engine does not wait for a whole batch to finish: before every forward pass it drops
    the sequences that finished, keeps the rest decoding, and fills the free room with waiting
    requests in arrival order. Decide who runs in this step.

Inputs (plain Python)
    running: list of (seq_id, context_len, remaining): context_len tokens already in the KV cache;
        remaining tokens still to generate, 0 meaning the sequence finished in the last step.
    waiting: list of (seq_id, prompt_len), oldest first.
    max_batch: most sequences in one step; token_budget: most tokens processed in one step;
    free_blocks: KV blocks free now; block_size: tokens per KV block.
    Returns (batch, still_waiting, free_blocks, tokens_used): the ids that run this step, the ids
    left waiting (in order), the blocks free after the step's allocations, the tokens it processes.

Convention, in this order
    1. Retire: every running sequence with remaining == 0 leaves and returns its
       ceil(context_len / block_size) blocks.
    2. Decode: every other running sequence stays, in the given order, and costs 1 token; when its
       context_len is a multiple of block_size the new token opens a block (1 block). The inputs
       always leave enough budget and blocks for this.
    3. Admit, first come first served: the oldest waiting request joins (prefill: prompt_len
       tokens and ceil(prompt_len / block_size) blocks) if the batch stays within max_batch, the
       tokens within token_budget and the blocks within free_blocks. The first request that does
       not fit stops admission; nobody behind it may overtake it (no starvation of long prompts).
    batch = the decoding ids in order, then the admitted ids in order.

Forbidden
    Nothing.

Example
    >>> running = [("a", 7, 0), ("b", 8, 3)]                   # a finished, b decodes
    >>> waiting = [("c", 5), ("d", 2)]
    >>> schedule_step(running, waiting, max_batch=2, token_budget=16, free_blocks=1, block_size=4)
    (['b', 'c'], ['d'], 0, 6)
"""


def schedule_step(running, waiting, max_batch, token_budget, free_blocks, block_size):
    # llmprep: solution begin
    blocks = lambda n: -(-n // block_size)  # noqa: E731  ceil(n / block_size)
    batch, tokens = [], 0
    for _, context_len, remaining in running:  # 1. retire the finished ones first
        if remaining == 0:
            free_blocks += blocks(context_len)
    for seq_id, context_len, remaining in running:  # 2. the rest keep decoding
        if remaining > 0:
            batch.append(seq_id)
            tokens += 1
            if context_len % block_size == 0:
                free_blocks -= 1
    queue = list(waiting)
    while queue:  # 3. admit the oldest while it fits
        seq_id, prompt_len = queue[0]
        need = blocks(prompt_len)
        if len(batch) + 1 > max_batch or tokens + prompt_len > token_budget or need > free_blocks:
            break
        queue.pop(0)
        batch.append(seq_id)
        tokens += prompt_len
        free_blocks -= need
    return batch, [seq_id for seq_id, _ in queue], free_blocks, tokens
    # llmprep: solution end
