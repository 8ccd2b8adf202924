"""Longest common subsequence (LeetCode 1143).

Write `longest_common_subsequence(text1: str, text2: str) -> int`: the length of the longest
sequence of characters that appears in both strings in the same order, not necessarily
contiguously. A classic of the coding round.

Constraints: each string has 0 to 1000 characters; the grader allows a few seconds for two
1000-character strings, so an O(len1 * len2) dynamic programme fits and plain recursion does not.

Example:
    >>> longest_common_subsequence("abcde", "ace")    # "ace"
    3
    >>> longest_common_subsequence("abc", "def")
    0
"""


def longest_common_subsequence(text1: str, text2: str) -> int:
    # llmprep: solution begin
    # prev[j] = LCS length of the processed prefix of text1 and text2[:j]; one row at a time
    prev = [0] * (len(text2) + 1)
    for a in text1:
        cur = [0] * (len(text2) + 1)
        for j, b in enumerate(text2, start=1):
            cur[j] = prev[j - 1] + 1 if a == b else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1]
    # llmprep: solution end
