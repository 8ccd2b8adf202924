import random

import torch

from llmprep.grading.api import Case, Mistake


def _pools(ctx, num_blocks, block_size, *feature):
    return (
        torch.zeros(num_blocks, block_size, *feature, dtype=ctx.dtype, device=ctx.device),
        torch.zeros(num_blocks, block_size, *feature, dtype=ctx.dtype, device=ctx.device),
    )


def _free(rng, n):
    ids = list(range(n))
    rng.shuffle(ids)
    return ids


def _random_ops(ctx, rng, n_ops, block_size, feature):
    """Appends, gathers and frees over a few sequence ids; returns (ops, blocks it can need)."""
    ops, lengths, need, live = [], {}, 0, 0
    for _ in range(n_ops):
        seq = rng.choice("abcd")
        roll = rng.random()
        if seq in lengths and roll < 0.15:
            ops.append(("free", seq))
            del lengths[seq]
        elif seq in lengths and roll < 0.45:
            ops.append(("gather", seq))
        else:
            t = rng.choice([1, 1, 2, block_size, block_size + 1, 3 * block_size - 1])
            ops.append(("append", seq, ctx.randn(t, *feature), ctx.randn(t, *feature)))
            lengths[seq] = lengths.get(seq, 0) + t
        live = sum(-(-n // block_size) for n in lengths.values())
        need = max(need, live)
    ops += [("gather", seq) for seq in lengths]
    return ops, need


def cases(ctx):
    rng = random.Random(int(ctx.gen.initial_seed()))
    d = ctx.randn
    k_ex, v_ex = ctx.tensor([[1.0], [2.0], [3.0]]), ctx.tensor([[4.0], [5.0], [6.0]])
    pool = torch.zeros(3, 2, 1, dtype=ctx.dtype, device=ctx.device)
    interleaved = [
        ("append", "a", d(3, 4), d(3, 4)),
        ("append", "b", d(2, 4), d(2, 4)),
        ("append", "a", d(2, 4), d(2, 4)),
        ("gather", "a"),
        ("append", "b", d(5, 4), d(5, 4)),
        ("gather", "b"),
        ("gather", "a"),
    ]
    boundary = [
        ("append", "a", d(4, 3), d(4, 3)),
        ("gather", "a"),
        ("append", "b", d(1, 3), d(1, 3)),
        ("append", "a", d(4, 3), d(4, 3)),
        ("append", "a", d(1, 3), d(1, 3)),
        ("gather", "a"),
        ("gather", "b"),
    ]
    reuse = [
        ("append", "a", d(5, 2), d(5, 2)),
        ("append", "b", d(2, 2), d(2, 2)),
        ("free", "a"),
        ("append", "c", d(4, 2), d(4, 2)),
        ("gather", "c"),
        ("append", "a", d(2, 2), d(2, 2)),
        ("gather", "a"),
        ("gather", "b"),
    ]
    decode = [("append", "a", d(3, 2, 4), d(3, 2, 4))] + [
        op for _ in range(6) for op in (("append", "a", d(1, 2, 4), d(1, 2, 4)), ("gather", "a"))
    ]
    random_ops, need = _random_ops(ctx, rng, 30, 4, (2, 3))
    return [
        Case("example", (pool, pool, [2, 0, 1], [("append", "a", k_ex, v_ex), ("gather", "a")]), kind="example"),
        Case(
            "two sequences interleaved",
            (*_pools(ctx, 10, 2, 4), _free(rng, 10), interleaved),
            note="block_size 2: a and b take turns allocating",
        ),
        Case(
            "exact block boundaries",
            (*_pools(ctx, 6, 4, 3), [5, 4, 3, 2, 1, 0], boundary),
            note="appends of exactly block_size tokens",
        ),
        Case(
            "free and reuse",
            (*_pools(ctx, 6, 2, 2), list(range(6)), reuse),
            note="a is freed; a new 'a' starts from zero in a block the old one used",
        ),
        Case(
            "decode one token at a time",
            (*_pools(ctx, 7, 2, 2, 4), _free(rng, 7), decode),
            note="pool (blocks, block_size, heads, d)",
        ),
        Case(
            "random ops",
            (*_pools(ctx, need + 3, 4, 2, 3), _free(rng, need + 3), random_ops),
            note="30 random appends, frees and gathers",
        ),
        Case(
            "block_size 1",
            (*_pools(ctx, 4, 1, 2), [3, 1, 0, 2], [("append", "x", d(3, 2), d(3, 2)), ("gather", "x")]),
            kind="edge",
            note="every token opens a block",
        ),
        Case(
            "one full block",
            (*_pools(ctx, 2, 8, 2), [1, 0], [("append", "x", d(8, 2), d(8, 2)), ("gather", "x")]),
            kind="edge",
            note="8 tokens fill block 1 exactly: block 0 stays free",
        ),
    ]


def _replay(k_pool, v_pool, free_blocks, ops, *, extra_block=False, logical=False, forget=True, whole_blocks=False):
    k_pool, v_pool, free = k_pool.clone(), v_pool.clone(), list(free_blocks)
    bs = k_pool.shape[1]
    tables, lengths, gathered = {}, {}, []
    for op in ops:
        kind, seq = op[0], op[1]
        if kind == "append":
            k, v = op[2], op[3]
            table = tables.setdefault(seq, [])
            for i in range(k.shape[0]):
                p = lengths.get(seq, 0)
                need = p // bs + 1
                if extra_block:
                    need = (p + 1) // bs + 1  # blocks for the new length, counted as floor + 1
                while len(table) < need:
                    table.append(free.pop(0))
                block = p // bs if logical else table[p // bs]
                k_pool[block, p % bs] = k[i]
                v_pool[block, p % bs] = v[i]
                lengths[seq] = p + 1
        elif kind == "free":
            free.extend(tables[seq])
            if forget:
                del tables[seq], lengths[seq]
            else:
                tables[seq] = []  # the length survives: a reused id continues after it
        else:
            n = lengths[seq]
            rows = list(range(-(-n // bs))) if logical else tables[seq]
            count = len(rows) * bs if whole_blocks else n
            gathered.append((k_pool[rows].flatten(0, 1)[:count], v_pool[rows].flatten(0, 1)[:count]))
    return gathered, tables, free, k_pool, v_pool


def _mistake(**how):
    def impl(k_pool, v_pool, free_blocks, ops):
        return _replay(k_pool, v_pool, free_blocks, ops, **how)

    return impl


def mistakes(ref):
    return [
        Mistake(
            "extra_block_at_boundary",
            "blocks counted as new_length // block_size + 1: a sequence that exactly fills "
            "its last block grabs one more",
            _mistake(extra_block=True),
        ),
        Mistake(
            "logical_block_as_physical",
            "slot from the logical block number (p // block_size) instead of the block table's physical id",
            _mistake(logical=True),
        ),
        Mistake(
            "freed_mapping_kept",
            "free returned the blocks but kept the sequence's length: a reused id continues the old sequence",
            _mistake(forget=False),
        ),
        Mistake(
            "gathered_whole_blocks",
            "gathered whole blocks (a multiple of block_size) instead of the sequence's length",
            _mistake(whole_blocks=True),
        ),
    ]
