"""`llmprep hint ID`: the drill's next staged hint; the stage is kept in the progress store."""

from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang


def command(
    drill_id: Annotated[str, typer.Argument(metavar="ID", help="A drill id.")],
    again: Annotated[bool, typer.Option("--again", help="Show the hints seen so far without advancing.")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Start the hints of this drill from the first.")] = False,
    contract: Annotated[
        bool, typer.Option("--contract", help="Show the whole task statement (hidden in hard mode).")
    ] = False,
    lang: Lang = None,
) -> None:
    """Show the next hint for a drill (one more each time)."""
    from rich.console import Console
    from rich.markdown import Markdown

    from llmprep.drills.registry import load_drill
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    drill = load_drill(drill_id)
    if contract:  # the statement every normal stub carries: no hint stage is spent
        import ast

        typer.echo(ast.get_docstring(ast.parse(drill.reference.read_text(encoding="utf-8")), clean=False))
        return
    store = open_store()
    try:
        stored = store.hint_stage(drill.id)
        seen = 0 if reset else stored
        shown = seen if again and seen else min(seen + 1, len(drill.hints))
        if shown != stored:
            store.set_hint_stage(drill.id, shown)
    finally:
        store.close()
    console = Console()
    for number in range(1, shown + 1):
        console.print(f"[bold]hint {number}/{len(drill.hints)}[/]")
        console.print(Markdown(drill.hints[number - 1].get(lang)))
    if seen >= len(drill.hints) and not again:
        console.print(
            f"[dim]that was the last hint; `llmprep solution {drill.id}` shows the reference "
            "after a pass or once you give up[/]"
        )
