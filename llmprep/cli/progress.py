"""`llmprep progress export|import|reset`: move progress between machines, or start over."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.errors import UsageError

app = typer.Typer(help="Export, import or reset your progress.", no_args_is_help=True)


@app.command("export")
def export_(file: Annotated[Path, typer.Argument(help="The JSON file to write.")],
            force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False) -> None:
    """Write all progress (cards, reviews, drill attempts) to a versioned JSON file."""
    from llmprep.store import open_store
    from llmprep.store.transfer import export

    counts = export(open_store(), file, force)
    typer.echo(f"exported {counts['cards']} cards, {counts['reviews']} reviews, {counts['drill_attempts']} drill attempts to {file}")


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="A file made by `llmprep progress export`.")]) -> None:
    """Merge an export into this machine's progress (the more recent review of a card wins)."""
    from llmprep.store import open_store
    from llmprep.store.transfer import import_

    counts = import_(open_store(), file)
    typer.echo(f"imported {counts['cards']} cards, {counts['reviews']} reviews, {counts['drill_attempts']} drill attempts")


@app.command("reset")
def reset(question_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="The question to forget.")] = None,
          all_: Annotated[bool, typer.Option("--all", help="Forget every question's progress.")] = False,
          yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False) -> None:
    """Forget the progress of one question (or of all questions, with --all)."""
    from llmprep.store import open_store
    from llmprep.store.transfer import reset as forget

    if (question_id is None) == (not all_):
        raise UsageError("give either a question ID or --all", fix="llmprep progress reset attention/why-scale-by-sqrt-dk")
    what = "ALL progress" if all_ else f"the progress of {question_id}"
    if not yes and not typer.confirm(f"Forget {what}?", default=False):
        typer.echo("nothing changed")
        return
    removed = forget(open_store(), None if all_ else question_id)
    typer.echo(f"forgot {removed} card(s)")
