"""`llmprep show ID`: one question, its answer on request, rendered as Markdown."""

from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import UsageError


def command(
    question_id: Annotated[str, typer.Argument(metavar="ID", help="A question id, e.g. attention/why-scale-by-sqrt-dk.")],
    answer: Annotated[bool, typer.Option("--answer", help="Also show the answer.")] = False,
    lang: Lang = None,
) -> None:
    """Show one question (and with --answer, its answer)."""
    from rich.console import Console
    from rich.rule import Rule

    from llmprep import render
    from llmprep.bank import load_bank

    lang = resolve_lang(lang)
    bank = load_bank()
    q = bank.questions.get(question_id)
    if q is None:
        import difflib

        close = difflib.get_close_matches(question_id, list(bank.questions), n=3, cutoff=0.4)
        fix = "did you mean " + " or ".join(f"`llmprep show {c}`" for c in close) + "?" if close else "see `llmprep list`"
        raise UsageError(f"no question with id {question_id!r}", fix=fix)
    console = Console()
    console.print(render.header(q, lang))
    console.print(render.prompt(q, lang))
    if answer:
        console.print(Rule())
        console.print(render.answer(q, lang))
