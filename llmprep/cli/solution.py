"""`llmprep solution ID`: the reference, only after a passing attempt or an explicit give-up."""

from typing import Annotated

import typer

from llmprep.errors import LlmprepError

GIVE_UP = "I give up"


def command(
    drill_id: Annotated[str, typer.Argument(metavar="ID", help="A drill id.")],
    give_up: Annotated[
        bool, typer.Option("--give-up", help="Confirm without a prompt that you give up (recorded).")
    ] = False,
) -> None:
    """Show the reference solution (after you pass, or after you confirm you give up)."""
    from rich.console import Console
    from rich.syntax import Syntax

    from llmprep.drills.registry import load_drill
    from llmprep.store import open_store

    drill = load_drill(drill_id)
    store = open_store()
    try:
        if not store.gave_up(drill.id):
            if not give_up:
                typer.echo(f"You have not passed {drill.id} yet. Seeing the reference ends the attempt;")
                try:
                    answer = typer.prompt(
                        f'type "{GIVE_UP}" to see it (anything else keeps trying)', default="", show_default=False
                    )
                except typer.Abort:  # end of input or Ctrl-C: no confirmation
                    typer.echo()
                    answer = ""
                if answer.strip().lower() != GIVE_UP.lower():
                    raise LlmprepError(
                        "the reference stays hidden",
                        fix=f"`llmprep hint {drill.id}` for a hint, or `llmprep grade {drill.id}.py`",
                    )
            store.record_attempt(drill.id, "gave_up")
    finally:
        store.close()
    Console().print(Syntax(drill.reference.read_text(encoding="utf-8"), "python", line_numbers=True))
