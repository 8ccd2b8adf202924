"""Choice answers: letters such as `b`, `A C` or `a,c`, judged against the question's set of letters."""

from __future__ import annotations

import re

from llmprep.bank.schema import LETTERS, Question
from llmprep.quiz.judge import AnswerFormatError, Verdict


def parse_letters(text: str, n_choices: int) -> tuple[str, ...]:
    """'b', 'A C', 'a,c' -> ('B',) / ('A', 'C'); raises AnswerFormatError naming the valid letters."""
    letters = tuple(sorted(set(re.sub(r"[\s,;/]+", "", text.upper()))))
    valid = LETTERS[:n_choices]
    if not letters or any(ch not in valid for ch in letters):
        raise AnswerFormatError(f"answer with letters {valid[0]}-{valid[-1]}, e.g. {valid[0]} or {valid[0]}{valid[1]}")
    return letters


def judge_choice(q: Question, text: str, lang: str = "en") -> Verdict:
    letters = parse_letters(text, len(q.choices))
    want = " ".join(q.correct)
    if letters == q.correct:
        return Verdict("correct", 3, "正确。" if lang == "zh" else "Correct.")
    if set(letters) & set(q.correct):
        message = f"部分正确：正确答案是 {want}。" if lang == "zh" else f"Partly right: the answer is {want}."
        return Verdict("partial", 1, message)
    return Verdict("wrong", 1, f"不对：正确答案是 {want}。" if lang == "zh" else f"Not quite: the answer is {want}.")
