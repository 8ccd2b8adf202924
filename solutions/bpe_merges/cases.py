import random

from llmprep.grading.api import Case, Mistake


def _corpus(rng, n_words, alphabet, max_len, max_count):
    words = {}
    while len(words) < n_words:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, max_len)))
        words[word] = rng.randint(1, max_count)
    return words


def cases(ctx):
    rng = random.Random(int(ctx.gen.initial_seed()))
    return [
        Case("example", ({"low": 5, "lower": 2, "newest": 6, "widest": 3}, 3), kind="example"),
        Case("frequency decides", ({"ab": 1, "xy": 3, "ac": 1}, 1), note="(x, y) occurs in one word type but 3 times"),
        Case("tie at the first step", ({"dc": 2, "ba": 2, "fe": 2}, 2), note="three pairs with count 2"),
        Case("runs of one letter", ({"aaa": 3, "aaaaa": 1, "baaab": 2}, 4), note='"aaa" merges to "aa a"'),
        Case(
            "merged symbol then pair",
            ({"ca": 10, "cab": 1, "ab": 3}, 2),
            note='after (c, a), "ca b" must not match the pair (a, b)',
        ),
        Case("random, 12 words", (_corpus(rng, 12, "abcd", 6, 9), 8)),
        Case("random, 30 words", (_corpus(rng, 30, "abcdef", 8, 20), 20)),
        Case("random, tied counts", (_corpus(rng, 15, "abc", 5, 1), 10), note="every word occurs once: many ties"),
        Case("zero merges", ({"hello": 2, "world": 1}, 0), kind="edge", note="nothing learned"),
        Case(
            "runs out of pairs",
            ({"ab": 2, "c": 5, "abc": 1}, 10),
            kind="edge",
            note="stops when every word is one symbol",
        ),
        Case(
            "unicode words",
            ({"模型": 4, "大模型": 3, "模型库": 2}, 3),
            kind="edge",
            note="CJK characters are symbols too",
        ),
    ]


def _merge_left(symbols, a, b):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def _merge_right(symbols, a, b):
    out, i = [], len(symbols) - 1
    while i >= 0:
        if i >= 1 and symbols[i - 1] == a and symbols[i] == b:
            out.append(a + b)
            i -= 2
        else:
            out.append(symbols[i])
            i -= 1
    return out[::-1]


def _merge_text(symbols, a, b):
    return " ".join(symbols).replace(f"{a} {b}", a + b).split(" ")


def _learn(word_counts, num_merges, *, weighted=True, pick="smallest", merge=_merge_left):
    words = {w: list(w) for w in word_counts}
    merges = []
    for _ in range(num_merges):
        counts = {}
        for w, symbols in words.items():
            for pair in zip(symbols, symbols[1:]):
                counts[pair] = counts.get(pair, 0) + (word_counts[w] if weighted else 1)
        if not counts:
            break
        best = max(counts.values())
        if pick == "smallest":
            a, b = min(p for p, n in counts.items() if n == best)
        else:
            a, b = max(counts, key=counts.get)  # the first pair counted among the tied ones
        merges.append((a, b))
        words = {w: merge(s, a, b) for w, s in words.items()}
    return merges, words


def mistakes(ref):
    return [
        Mistake(
            "unweighted_counts",
            "counted each pair once per word type, ignoring how often the word occurs",
            lambda word_counts, num_merges: _learn(word_counts, num_merges, weighted=False),
        ),
        Mistake(
            "tie_first_seen",
            "ties broken by the first pair counted (max over a dict), not the smallest pair",
            lambda word_counts, num_merges: _learn(word_counts, num_merges, pick="first"),
        ),
        Mistake(
            "merged_right_to_left",
            'overlapping occurrences merged from the right: "a a a" became "a aa"',
            lambda word_counts, num_merges: _learn(word_counts, num_merges, merge=_merge_right),
        ),
        Mistake(
            "string_replace_across_symbols",
            'merged by str.replace on the space-joined symbols: "ca b" matched '
            "the pair (a, b) across a symbol boundary",
            lambda word_counts, num_merges: _learn(word_counts, num_merges, merge=_merge_text),
        ),
    ]
