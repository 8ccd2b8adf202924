"""`llmprep check ID ANSWER`: judge one typed answer exactly as the quiz does, without touching progress.

Exit 0 when the verdict is `correct`, 1 otherwise, 2 for bad usage (unknown id, a code question, an
answer that is not of the question's type, an empty answer).
"""

from typing import Annotated

import typer

from llmprep.cli.filters import find_question
from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import UsageError


def command(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="A question id, e.g. attention/kv-cache-bytes-7b.")],
    answer: Annotated[
        str, typer.Argument(metavar="ANSWER", help="Your answer: letters, a number with its unit, or text.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
    lang: Lang = None,
) -> None:
    """Judge one answer as the quiz would (exit 0 when correct); your progress is not touched."""
    from llmprep.bank import load_bank
    from llmprep.quiz.judge import AnswerFormatError, judge

    lang = resolve_lang(lang)
    bank = load_bank()
    q = find_question(bank, question_id, "llmprep check {id} ...")
    if q.type == "code":
        raise UsageError(
            f"{q.id} is a code question, answered by a file",
            fix=f"run `llmprep start {q.drill}`, then `llmprep grade {q.drill}.py`",
        )
    try:
        verdict = judge(q, answer, lang) if answer.strip() else None
    except AnswerFormatError as err:
        raise UsageError(f"{answer!r} is not an answer to {q.id}: {err}") from None
    if verdict is None:  # nothing to judge
        raise UsageError("the answer is empty", fix=f'type it as the second argument: `llmprep check {q.id} "..."`')
    if as_json:
        typer.echo(verdict.to_json(q))
    else:
        _show(q, verdict, lang)
    raise typer.Exit(0 if verdict.correct else 1)


def _show(q, verdict, lang: str) -> None:
    from rich.console import Console
    from rich.text import Text

    from llmprep import render
    from llmprep.labels import VERDICT_ZH

    console = Console(highlight=False)
    name = VERDICT_ZH[verdict.verdict] if lang == "zh" else verdict.verdict
    console.print(Text.assemble((q.id, "bold cyan"), "  ", (name, render.VERDICT_STYLE[verdict.verdict])))
    console.print(render.verdict_message(verdict))
    if verdict.points:
        console.print(render.points(verdict.points, lang))
