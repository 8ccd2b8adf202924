"""Concept answers (placeholder over the v1 key-point checker until the v2 matcher lands)."""

from __future__ import annotations

from llmprep.bank.schema import Question
from llmprep.quiz import answers
from llmprep.quiz.judge import PointResult, Verdict


def judge_concept(q: Question, text: str, lang: str = "en") -> Verdict:
    check = answers.check_concept(q, text)
    points = tuple(PointResult(kp.text.get(lang), hit) for kp, hit in zip(q.key_points, check.covered))
    verdict = "correct" if all(check.covered) else "partial" if any(check.covered) else "wrong"
    return Verdict(verdict, check.suggestion, f"{sum(check.covered)}/{len(points)} key points", points)
