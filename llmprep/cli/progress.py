"""`llmprep progress export|import|reset`: move progress between machines, or start over."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.errors import LlmprepError, UsageError

app = typer.Typer(help="Export, import or reset your progress.", no_args_is_help=True)


def _counts(counts: dict) -> str:
    return (
        f"{counts['cards']} cards, {counts['reviews']} reviews, {counts['drill_attempts']} drill attempts, "
        f"{counts['hint_stages']} hint stages"
    )


@app.command("export")
def export_(
    file: Annotated[Path, typer.Argument(help="The JSON file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write all progress (cards, reviews, drill attempts, hint stages) to a versioned JSON file."""
    from llmprep.store import open_store
    from llmprep.store.transfer import export

    store = open_store()
    try:
        counts = export(store, file, force)
    finally:
        store.close()
    typer.echo(f"exported {_counts(counts)} to {file}")


def _not_in_bank(data: dict) -> str:
    """A note on the ids of the file that this bank and these drills do not have (kept all the same)."""
    from llmprep import paths
    from llmprep.bank import load_bank
    from llmprep.drills import drill_ids

    try:
        questions = load_bank().questions
    except LlmprepError:  # a bank with problems: `llmprep dev check` says which; the import itself needs no bank
        return ""
    drills = drill_ids(paths.solutions_dir())
    unknown = sorted(
        {e["question_id"] for name in ("cards", "reviews") for e in data[name]} - set(questions)
        | {e["drill_id"] for name in ("drill_attempts", "hint_stages") for e in data[name]} - drills
    )
    if not unknown:
        return ""
    shown = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
    return f" ({len(unknown)} id(s) not in this bank, kept for when they are: {shown})"


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="A file made by `llmprep progress export`.")]) -> None:
    """Merge an export into this machine's progress (the more recent review of a card wins)."""
    from llmprep.store import open_store
    from llmprep.store.export_format import read
    from llmprep.store.transfer import merge

    data = read(file)  # the whole file is checked before the store is even opened
    store = open_store()
    try:
        counts = merge(store, data)
    finally:
        store.close()
    typer.echo(f"imported {_counts(counts)}{_not_in_bank(data)}")


def _confirm(question: str) -> bool:
    try:
        return typer.confirm(question, default=False)
    except typer.Abort:  # end of input or Ctrl-C: no answer is not a yes
        typer.echo()
        raise LlmprepError("no answer to the confirmation; nothing changed", fix="answer y, or add --yes") from None


def _without_progress(store, question_id: str) -> bool:
    """True for a bank question with no progress yet; an id neither in the store nor in the bank is an error."""
    from llmprep.store.transfer import known_ids

    have = known_ids(store)
    if question_id in have:
        return False
    import difflib

    from llmprep.bank import load_bank

    questions = load_bank().questions
    if question_id in questions:
        return True
    close = difflib.get_close_matches(question_id, sorted(have | set(questions)), n=1, cutoff=0.4)
    raise LlmprepError(
        f"no question with id {question_id!r}; nothing changed",
        fix=f"did you mean `llmprep progress reset {close[0]}`?" if close else "see the ids with `llmprep list`",
    )


@app.command("reset")
def reset(
    question_id: Annotated[Optional[str], typer.Argument(metavar="[ID]", help="The question to forget.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Forget every question's progress.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Forget the progress of one question (or of all questions, with --all)."""
    from llmprep.store import open_store
    from llmprep.store.transfer import reset as forget

    if (question_id is None) == (not all_):
        raise UsageError(
            "give either a question ID or --all", fix="llmprep progress reset attention/why-scale-by-sqrt-dk"
        )
    store = open_store()
    try:
        if question_id is not None and _without_progress(store, question_id):  # an unknown id fails here, unasked
            typer.echo(f"{question_id} has no progress yet; nothing changed")
            return
        what = "ALL progress" if all_ else f"the progress of {question_id}"
        if not yes and not _confirm(f"Forget {what}?"):
            typer.echo("nothing changed")
            return
        removed = forget(store, None if all_ else question_id)
    finally:
        store.close()
    typer.echo(f"forgot {removed} card(s)")
