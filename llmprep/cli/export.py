"""`llmprep export anki FILE.apkg` and `llmprep export markdown DIR`: the bank for study elsewhere."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.errors import UsageError

app = typer.Typer(help="Export the bank: an Anki deck or printable Markdown sheets.", no_args_is_help=True)

SetOption = Annotated[Optional[str], typer.Option("--set", help="Only this set (see `llmprep sets`).")]
LangOption = Annotated[str, typer.Option("--lang", help="en, zh or both.")]


def _checked(set_name: Optional[str], lang: str):
    from llmprep.bank import load_bank
    from llmprep.bank.schema import SETS
    from llmprep.export.fields import LANG_CHOICES

    if lang not in LANG_CHOICES:
        raise UsageError(f"unknown language {lang!r}", fix="use --lang en, zh or both")
    if set_name is not None and set_name not in SETS:
        raise UsageError(f"unknown set {set_name!r}", fix=f"use one of: {', '.join(SETS)} (`llmprep sets`)")
    return load_bank(), (set_name,) if set_name else SETS


@app.command("anki")
def anki(
    file: Annotated[Path, typer.Argument(metavar="FILE.apkg", help="The deck file to write.")],
    set_name: SetOption = None,
    lang: LangOption = "both",
) -> None:
    """Write an Anki deck; importing a later export updates these notes instead of duplicating them."""
    from llmprep.export.anki import write_deck

    if file.suffix != ".apkg":
        raise UsageError(
            f"{file} does not end in .apkg", fix=f"write `llmprep export anki {file.with_suffix('.apkg')}`"
        )
    bank, sets = _checked(set_name, lang)
    questions = [q for q in bank.questions.values() if set(q.sets) & set(sets)]
    name = f"llmprep::{set_name}" if set_name else "llmprep"
    tmp = file.with_name(file.name + ".tmp")
    count = write_deck(questions, tmp, deck_name=name, lang=lang)
    tmp.replace(file)
    typer.echo(f"Wrote {count} notes to {file} (deck {name}); import it in Anki with File > Import.")


@app.command("markdown")
def markdown(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The folder to write one <set>.md into per set.")],
    set_name: SetOption = None,
    lang: LangOption = "en",
) -> None:
    """Write a printable study sheet per set, math intact."""
    from llmprep.export.markdown import write_sheets

    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"{folder} is a file, not a folder", fix="name a folder, e.g. `llmprep export markdown sheets/`"
        )
    bank, sets = _checked(set_name, lang)
    for path in write_sheets(bank, folder, lang=lang, sets=sets):
        typer.echo(f"Wrote {path}")
