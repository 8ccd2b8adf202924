"""`llmprep show ID`: one question, its answer on request, rendered as Markdown."""

from typing import Annotated

import typer

from llmprep.cli.filters import find_question
from llmprep.cli.options import Lang, resolve_lang


def command(
    question_id: Annotated[
        str, typer.Argument(metavar="ID", help="A question id, e.g. attention/why-scale-by-sqrt-dk.")
    ],
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
    q = find_question(bank, question_id, "llmprep show {id}")
    console = Console()
    console.print(render.header(q, lang))
    console.print(render.prompt(q, lang))
    if answer:
        console.print(Rule())
        console.print(render.answer(q, lang))
