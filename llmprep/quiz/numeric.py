"""Numeric answers (placeholder over the v1 parser until the unit-aware judge lands)."""

from __future__ import annotations

from llmprep.bank.schema import Question
from llmprep.quiz import answers
from llmprep.quiz.judge import AnswerFormatError, Verdict


def judge_numeric(q: Question, text: str, lang: str = "en") -> Verdict:
    try:
        value = answers.parse_number(text, q.unit)
    except ValueError as err:
        raise AnswerFormatError(str(err)) from None
    ok = q.tolerance.accepts(value, q.value)
    return Verdict("correct" if ok else "wrong", 3 if ok else 1, "Correct." if ok else "Not quite.", parsed=value)
