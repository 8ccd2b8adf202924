import random

from llmprep.grading.api import Case, Mistake


def _state(rng, n_running, n_waiting, block_size, p_done=0.3):
    running = [
        (f"r{i}", rng.randint(1, 40), 0 if rng.random() < p_done else rng.randint(1, 9)) for i in range(n_running)
    ]
    waiting = [(f"w{i}", rng.randint(1, 30)) for i in range(n_waiting)]
    decode_blocks = sum(1 for _, c, r in running if r > 0 and c % block_size == 0)
    return running, waiting, decode_blocks


def _random_case(rng, name, n_running, n_waiting, **note):
    block_size = rng.choice([4, 8, 16])
    running, waiting, decode_blocks = _state(rng, n_running, n_waiting, block_size)
    kwargs = {
        "max_batch": n_running + rng.randint(1, 4),
        "token_budget": n_running + rng.randint(10, 60),
        "free_blocks": decode_blocks + rng.randint(0, 8),
        "block_size": block_size,
    }
    return Case(name, (running, waiting), kwargs, **note)


def cases(ctx):
    rng = random.Random(int(ctx.gen.initial_seed()))
    kw = lambda mb, tb, fb, bs: {"max_batch": mb, "token_budget": tb, "free_blocks": fb, "block_size": bs}  # noqa: E731
    return [
        Case("example", ([("a", 7, 0), ("b", 8, 3)], [("c", 5), ("d", 2)]), kw(2, 16, 1, 4), kind="example"),
        Case(
            "finished frees a slot",
            ([("a", 3, 2), ("b", 9, 0), ("c", 5, 1)], [("d", 4), ("e", 3)]),
            kw(3, 64, 9, 4),
            note="b finished: its batch slot goes to d",
        ),
        Case(
            "finished frees blocks",
            ([("a", 12, 0), ("b", 6, 4)], [("c", 10)]),
            kw(8, 64, 0, 4),
            note="no block free until a returns its 3",
        ),
        Case(
            "budget fits exactly",
            ([("a", 3, 5)], [("b", 9), ("c", 1)]),
            kw(8, 10, 20, 4),
            note="1 decode token + 9 prefill tokens = the budget; c would exceed it",
        ),
        Case(
            "long head blocks the queue",
            ([("a", 2, 3)], [("b", 40), ("c", 2), ("d", 3)]),
            kw(8, 20, 30, 8),
            note="b does not fit the budget: c and d may not overtake it",
        ),
        Case(
            "decode tokens count",
            ([(f"r{i}", 5, 2) for i in range(6)], [("x", 5), ("y", 1)]),
            kw(10, 10, 40, 16),
            note="6 decode tokens leave 4 of the 10-token budget",
        ),
        Case(
            "prompt on a block boundary",
            ([("a", 4, 1), ("b", 5, 1)], [("c", 8), ("d", 9)]),
            kw(8, 64, 5, 4),
            note="a opens a block; c takes exactly 2 blocks, d needs 3",
        ),
        Case(
            "newest must wait",
            ([], [("old", 6), ("mid", 6), ("new", 6)]),
            kw(2, 64, 10, 4),
            note="room for two: the two oldest",
        ),
        _random_case(rng, "random, small", 3, 4),
        _random_case(rng, "random, busy", 12, 10, note="12 running, 10 waiting"),
        _random_case(rng, "random, long queue", 5, 25),
        Case(
            "nothing waiting",
            ([("a", 8, 0), ("b", 16, 2)], []),
            kw(4, 8, 0, 8),
            kind="edge",
            note="only retirement and decode",
        ),
        Case("idle engine", ([], [("a", 17)]), kw(4, 64, 5, 4), kind="edge", note="an empty running list"),
        Case(
            "all finished",
            ([("a", 4, 0), ("b", 1, 0)], [("c", 3), ("d", 30)]),
            kw(1, 64, 0, 4),
            kind="edge",
            note="every running sequence leaves; max_batch = 1",
        ),
    ]


def _step(
    running,
    waiting,
    max_batch,
    token_budget,
    free_blocks,
    block_size,
    *,
    retire_first=True,
    strict_budget=True,
    lifo=False,
    skip=False,
    charge_decode=True,
    ceil=True,
):
    blocks = (lambda n: -(-n // block_size)) if ceil else (lambda n: n // block_size)
    freed = sum(blocks(c) for _, c, r in running if r == 0)
    if retire_first:
        free_blocks += freed
    batch, tokens = [], 0
    for seq_id, c, r in running:
        if r > 0:
            batch.append(seq_id)
            tokens += 1 if charge_decode else 0
            if c % block_size == 0:
                free_blocks -= 1
    occupied = len(batch) if retire_first else len(running)
    queue = list(waiting[::-1]) if lifo else list(waiting)
    kept = []
    while queue:
        seq_id, p = queue.pop(0)
        need = blocks(p)
        fits_tokens = tokens + p <= token_budget if strict_budget else tokens < token_budget
        if occupied + 1 > max_batch or not fits_tokens or need > free_blocks:
            kept.append((seq_id, p))
            if skip:
                continue
            kept += queue
            break
        batch.append(seq_id)
        occupied += 1
        tokens += p
        free_blocks -= need
    if not retire_first:
        free_blocks += freed
    if not charge_decode:
        tokens += sum(1 for _, _, r in running if r > 0)
    if lifo:
        kept = kept[::-1]
    return batch, [s for s, _ in kept], free_blocks, tokens


def _mistake(**how):
    def impl(running, waiting, max_batch, token_budget, free_blocks, block_size):
        return _step(running, waiting, max_batch, token_budget, free_blocks, block_size, **how)

    return impl


def mistakes(ref):
    return [
        Mistake(
            "admitted_before_retiring",
            "admitted new requests before the finished sequences left: their slots and "
            "blocks were still counted as taken",
            _mistake(retire_first=False),
        ),
        Mistake(
            "budget_checked_before_cost",
            "checked tokens_used < token_budget before adding the prompt, so a prefill overshoots the budget",
            _mistake(strict_budget=False),
        ),
        Mistake("lifo_queue", "admitted the newest request first (LIFO): old requests starve", _mistake(lifo=True)),
        Mistake(
            "skips_blocked_head",
            "skipped a request that did not fit and admitted those behind it: a long prompt can wait forever",
            _mistake(skip=True),
        ),
        Mistake(
            "decode_not_charged",
            "decoding sequences did not count against the token budget during admission",
            _mistake(charge_decode=False),
        ),
        Mistake(
            "blocks_rounded_down",
            "blocks per prompt computed as prompt_len // block_size (floor); a partial block needs a whole one",
            _mistake(ceil=False),
        ),
    ]
