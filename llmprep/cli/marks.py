"""`llmprep suspend ID...` and `llmprep flag ID...` (`--undo` to clear): set a card aside, or mark it."""

from typing import Annotated

import typer

from llmprep.cli.filters import find_question

Ids = Annotated[list[str], typer.Argument(metavar="ID...", help="Question ids.")]
Undo = Annotated[bool, typer.Option("--undo", help="Clear the mark instead.")]


def _mark(ids: list[str], mark: str, undo: bool, command: str) -> None:
    from llmprep.bank import load_bank
    from llmprep.store import cards as card_store
    from llmprep.store import open_store

    bank = load_bank()
    questions = [find_question(bank, qid, f"llmprep {command} {{id}}") for qid in ids]  # all checked before writing
    store = open_store()
    try:
        for q in questions:
            card_store.set_mark(store, q.id, mark, not undo)
    finally:
        store.close()
    state = f"no longer {mark}" if undo else mark
    typer.echo(f"{len(questions)} question{'s' * (len(questions) != 1)} {state}: " + ", ".join(q.id for q in questions))


def suspend(ids: Ids, undo: Undo = False) -> None:
    """Never ask these questions (not even in cram) until `llmprep suspend ID --undo`."""
    _mark(ids, "suspended", undo, "suspend")


def flag(ids: Ids, undo: Undo = False) -> None:
    """Mark questions to look at again; `llmprep stats` and `llmprep list --status flagged` list them."""
    _mark(ids, "flagged", undo, "flag")
