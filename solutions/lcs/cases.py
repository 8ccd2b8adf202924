import random

from llmprep.grading.api import Case, Mistake


def _random_text(rng, n, alphabet):
    return "".join(rng.choice(alphabet) for _ in range(n))


def cases(ctx):
    rng = random.Random(int(ctx.gen.initial_seed()))
    long_a = _random_text(rng, 1000, "acgt")
    long_b = _random_text(rng, 1000, "acgt")
    return [
        Case("example", ("abcde", "ace"), kind="example"),
        Case("disjoint", ("abc", "def")),
        Case("identical", ("interview", "interview")),
        Case("one_char_match", ("x", "x")),
        Case("one_char_differ", ("x", "y")),
        Case("repeated_letters", ("aab", "azb"), note="a repeated character counts once per match"),
        Case("interleaved", ("abcba", "abcbcba")),
        Case("random_40x57", (_random_text(rng, 40, "abc"), _random_text(rng, 57, "abc"))),
        Case("random_unicode", (_random_text(rng, 30, "大模型面试题"), _random_text(rng, 25, "模型题目"))),
        Case("empty_first", ("", "abc"), kind="edge", note="an empty string"),
        Case("both_empty", ("", ""), kind="edge"),
        Case("length_1000", (long_a, long_b), kind="edge", note="two 1000-character strings: needs O(mn)"),
    ]


def _longest_common_substring(text1, text2):
    best, prev = 0, [0] * (len(text2) + 1)
    for a in text1:
        cur = [0] * (len(text2) + 1)
        for j, b in enumerate(text2, start=1):
            if a == b:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def _match_from_wrong_cell(text1, text2):
    prev = [0] * (len(text2) + 1)
    for a in text1:
        cur = [0] * (len(text2) + 1)
        for j, b in enumerate(text2, start=1):
            cur[j] = max(prev[j], cur[j - 1]) + 1 if a == b else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1]


def _greedy(text1, text2):
    count, start = 0, 0
    for a in text1:
        k = text2.find(a, start)
        if k >= 0:
            count, start = count + 1, k + 1
    return count


def mistakes(ref):
    return [
        Mistake(
            "common_substring",
            "longest common substring (contiguous) instead of subsequence",
            _longest_common_substring,
        ),
        Mistake(
            "match_from_wrong_cell",
            "on a match, 1 + max(up, left) instead of 1 + diagonal: a character is matched twice",
            _match_from_wrong_cell,
        ),
        Mistake("greedy_scan", "greedy left-to-right matching instead of dynamic programming", _greedy),
    ]
