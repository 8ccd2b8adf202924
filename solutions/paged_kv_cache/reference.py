"""A paged KV cache: block tables over a shared pool (Kwon et al. 2023, "Efficient Memory
Management for Large Language Model Serving with PagedAttention", the idea behind vLLM).

Task
    Keys and values live in a pool of fixed-size blocks. Each sequence owns a block table, the list
    of physical blocks that hold its tokens in order, so memory is taken one block at a time and a
    finished sequence hands its blocks back. Replay a list of operations on such a cache.

Shapes
    k_pool, v_pool: (num_blocks, block_size, ...) with the same shape; block_size = k_pool.shape[1].
    free_blocks: list of free physical block ids; allocation takes from the front.
    ops: list of tuples, applied in order:
        ("append", seq_id, k, v)  k, v (t, ...) hold t >= 1 new tokens of the sequence
        ("free", seq_id)          the sequence is finished
        ("gather", seq_id)        read the sequence back
    Returns (gathered, block_tables, free_blocks, k_pool, v_pool):
        gathered      list with one (k_seq, v_seq) per "gather", each (length, ...) contiguous
        block_tables  dict {seq_id: list of block ids} of the live sequences, in the order in which
                      they got their first block
        free_blocks   the free list after the last op
        k_pool, v_pool the pools after the last op

Convention
    A sequence not in the tables has no tokens (a new one, or an id whose earlier sequence was freed).
    Token number p of a sequence (0-based) goes to physical block table[p // block_size] at
    offset p % block_size. Appending at p with p % block_size == 0 first pops a block from the front
    of free_blocks and appends it to the table (so a sequence of length L holds exactly
    ceil(L / block_size) blocks). "free" appends the sequence's blocks to the end of free_blocks in
    table order and forgets the sequence (table and length); the pool keeps its stale values.
    Work on copies: the input pools and free list must be left unchanged (k_pool.clone()).
    The cases never run out of blocks.

Forbidden
    Nothing.

Example
    >>> pool = torch.zeros(3, 2, 1)                 # 3 blocks of 2 tokens, d = 1
    >>> k, v = torch.tensor([[1.], [2.], [3.]]), torch.tensor([[4.], [5.], [6.]])
    >>> gathered, tables, free, k_pool, v_pool = paged_kv_cache(pool, pool, [2, 0, 1],
    ...                                                          [("append", "a", k, v), ("gather", "a")])
    >>> tables, free
    ({'a': [2, 0]}, [1])
    >>> k_pool[..., 0]                              # token 2 opened block 0
    tensor([[3., 0.],
            [0., 0.],
            [1., 2.]])
    >>> gathered[0][1][:, 0]
    tensor([4., 5., 6.])
"""


def paged_kv_cache(k_pool, v_pool, free_blocks, ops):
    # llmprep: solution begin
    k_pool, v_pool, free = k_pool.clone(), v_pool.clone(), list(free_blocks)
    block_size = k_pool.shape[1]
    tables, lengths, gathered = {}, {}, []
    for op in ops:
        kind, seq = op[0], op[1]
        if kind == "append":
            k, v = op[2], op[3]  # (t, ...)
            table = tables.setdefault(seq, [])
            for i in range(k.shape[0]):
                p = lengths.get(seq, 0)
                if p % block_size == 0:  # the token opens a new block
                    table.append(free.pop(0))
                block, offset = table[p // block_size], p % block_size
                k_pool[block, offset] = k[i]
                v_pool[block, offset] = v[i]
                lengths[seq] = p + 1
        elif kind == "free":
            free.extend(tables.pop(seq))
            del lengths[seq]
        else:
            table, n = tables[seq], lengths[seq]
            k_seq = k_pool[table].flatten(0, 1)[:n]  # (blocks * block_size, ...) -> (n, ...)
            v_seq = v_pool[table].flatten(0, 1)[:n]
            gathered.append((k_seq, v_seq))
    return gathered, tables, free, k_pool, v_pool
    # llmprep: solution end
