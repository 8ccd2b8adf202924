"""Choice answers: letters in any spelling; a partly right set of letters is partial."""

import pytest

from llmprep.bank.schema import Question, Text
from llmprep.quiz.choice import parse_letters
from llmprep.quiz.judge import AnswerFormatError, judge

CHOICES = tuple(Text(x, x) for x in "wxyz")


def _question(correct):
    return Question(
        id="t/choice",
        sets=("extended",),
        topic="attention",
        difficulty="mid",
        type="choice",
        prompt=Text("p", "p"),
        answer=Text("a", "a"),
        file="f",
        line=1,
        choices=CHOICES,
        correct=correct,
        explanation=Text("e", "e"),
    )


@pytest.mark.parametrize(
    "text, letters",
    [(" b ", ("B",)), ("c, a", ("A", "C")), ("a/c", ("A", "C")), ("CA", ("A", "C"))],
    ids=["space", "comma", "slash", "run"],
)
def test_letters_in_any_spelling(text, letters):
    assert parse_letters(text, 4) == letters


@pytest.mark.parametrize("text", ["E", "", "b2", "maybe"], ids=["out-of-range", "empty", "digit", "word"])
def test_not_letters_is_a_format_error_naming_the_range(text):
    with pytest.raises(AnswerFormatError, match="A-D"):
        parse_letters(text, 4)


@pytest.mark.parametrize(
    "text, verdict, rating",
    [("a c", "correct", 3), ("a", "partial", 1), ("a b", "partial", 1), ("b d", "wrong", 1)],
    ids=["exact", "subset", "one-right-one-wrong", "wrong"],
)
def test_verdicts(text, verdict, rating):
    result = judge(_question(("A", "C")), text)
    assert (result.verdict, result.suggested_rating) == (verdict, rating)
    assert ("A C" in result.message) is (verdict != "correct")
