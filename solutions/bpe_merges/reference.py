"""Learning byte-pair-encoding merges (Sennrich, Haddow and Birch 2016, "Neural Machine Translation
of Rare Words with Subword Units"; the training loop behind GPT-2's and LLaMA's tokenizers).

Task
    Start from every word spelled as single characters and learn num_merges merge rules: at each
    step count every pair of adjacent symbols over the corpus, weighted by how often each word
    occurs, merge the most frequent pair everywhere, and record it.

Shapes
    word_counts: dict {word (str, non-empty): count (int >= 1)}.
    Returns (merges, segmentation):
        merges        list of (left, right) string pairs, in the order learned
        segmentation  dict {word: list of symbols} after the last merge, in word_counts' order

Convention
    count(a, b) = sum over words of word_counts[word] * (number of positions where the word's
        symbol list has a followed by b); in "a a a" the pair (a, a) occurs at two positions.
    The winner has the highest count; among equal counts the lexicographically smallest pair
        (Python's tuple order, min((a, b), ...)) wins.
    A merge scans each word left to right and joins every non-overlapping occurrence, so
        "a a a" becomes "aa a", never "a aa".
    Stop early when no word has two symbols left; num_merges may be 0.

Forbidden
    Nothing (no tokenizer libraries).

Example
    >>> merges, seg = learn_bpe({"low": 5, "lower": 2, "newest": 6, "widest": 3}, 3)
    >>> merges                           # (e, s) and (s, t) both count 9: (e, s) is smaller
    [('e', 's'), ('es', 't'), ('l', 'o')]
    >>> seg["newest"], seg["low"]
    (['n', 'e', 'w', 'est'], ['lo', 'w'])
"""


def learn_bpe(word_counts, num_merges):
    # llmprep: solution begin
    words = {word: list(word) for word in word_counts}  # word -> its current symbols
    merges = []
    for _ in range(num_merges):
        counts = {}
        for word, symbols in words.items():
            for pair in zip(symbols, symbols[1:]):
                counts[pair] = counts.get(pair, 0) + word_counts[word]
        if not counts:
            break
        best = max(counts.values())
        a, b = min(pair for pair, n in counts.items() if n == best)
        merges.append((a, b))
        for word, symbols in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[word] = out
    return merges, words
    # llmprep: solution end
