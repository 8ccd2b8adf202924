"""Filter options for selecting questions, validated with a suggestion on a typo."""

from __future__ import annotations

import difflib
from typing import Annotated, Iterable, Optional

import typer

from llmprep.errors import UsageError

SetOpt = Annotated[Optional[str], typer.Option("--set", help="Only this set (see `llmprep sets`).")]
TopicOpt = Annotated[Optional[str], typer.Option("--topic", help="Only this topic (see `llmprep topics`).")]
TypeOpt = Annotated[Optional[str], typer.Option("--type", help="Only this type: concept, choice, numeric, code.")]
DifficultyOpt = Annotated[
    Optional[str], typer.Option("--difficulty", help="Only this level: junior, mid, senior, expert.")
]


def check_value(option: str, value: Optional[str], allowed: Iterable[str]) -> None:
    allowed = sorted(allowed)
    if value is None or value in allowed:
        return
    close = difflib.get_close_matches(value, allowed, n=1)
    fix = f"did you mean `{option} {close[0]}`?" if close else f"use one of: {', '.join(allowed)}"
    raise UsageError(f"unknown {option[2:]} {value!r}", fix=fix)


def find_question(bank, question_id: str, command: str):
    """The question with this id; an unknown id is a usage error naming the closest ids in `command`'s words."""
    q = bank.questions.get(question_id)
    if q is not None:
        return q
    close = difflib.get_close_matches(question_id, list(bank.questions), n=3, cutoff=0.4)
    fix = (
        ("did you mean " + " or ".join(f"`{command.format(id=c)}`" for c in close) + "?")
        if close
        else "see `llmprep list`"
    )
    raise UsageError(f"no question with id {question_id!r}", fix=fix)
