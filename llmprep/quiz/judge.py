"""One judging function for a typed answer, shared by the quiz and `llmprep check`.

`judge(q, text)` returns a Verdict (correct / partial / wrong, a suggested rating 1-4, a message,
the key points for concept questions and the parsed value for numeric ones), None when there is
nothing to judge (an empty concept answer: the learner thought it through), and raises
AnswerFormatError for input that is not an answer of the question's type (the quiz asks again,
`check` exits 2).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from llmprep.bank.schema import Question

VERDICTS = ("correct", "partial", "wrong")


class AnswerFormatError(ValueError):
    """The text is not an answer of this type (no number, letters out of range): say how to type one."""


@dataclass(frozen=True)
class PointResult:
    """One key point of a concept question: ticked, or contradicted by a misconception."""

    text: str
    hit: bool
    contradicted: bool = False
    essential: bool = True


@dataclass(frozen=True)
class Verdict:
    verdict: str  # one of VERDICTS
    suggested_rating: int  # 1-4; the learner still chooses
    message: str
    points: tuple[PointResult, ...] = ()  # concept
    parsed: float | None = None  # numeric: the value in the question's unit

    @property
    def correct(self) -> bool:
        return self.verdict == "correct"

    def to_dict(self, q: Question) -> dict:
        data = {
            "version": 1,
            "id": q.id,
            "type": q.type,
            "verdict": self.verdict,
            "suggested_rating": self.suggested_rating,
        }
        if q.type == "concept":
            data["points"] = [
                {"text": p.text, "hit": p.hit, "contradicted": p.contradicted, "essential": p.essential}
                for p in self.points
            ]
        if q.type == "numeric":
            data["parsed"] = self.parsed
        data["message"] = self.message
        return data

    def to_json(self, q: Question) -> str:
        return json.dumps(self.to_dict(q), ensure_ascii=False, indent=2)


def judge(
    q: Question, text: str, lang: str = "en", skip_examples: Callable[[str], bool] | None = None
) -> Verdict | None:
    """The verdict on `text` as an answer to `q`, in the words of `lang`. `skip_examples` leaves out
    reviewed example answers by source (benchmarks leave out those written with the answer judged)."""
    if q.type == "choice":
        from llmprep.quiz.choice import judge_choice

        return judge_choice(q, text, lang)
    if q.type == "numeric":
        from llmprep.quiz.numeric import judge_numeric

        return judge_numeric(q, text, lang)
    if q.type == "concept":
        if not text.strip():
            return None
        from llmprep.quiz.concept import judge_concept

        return judge_concept(q, text, lang, skip_examples)
    raise AnswerFormatError(f"{q.id} is a code question: run `llmprep start {q.drill}` and grade the file")
