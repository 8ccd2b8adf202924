"""`llmprep drills`: the drills as a table (id, topic, difficulty, status), without torch."""

from typing import Annotated, Optional

import typer

from llmprep.cli.options import Lang, resolve_lang


def command(
    topic: Annotated[Optional[str], typer.Option("--topic", help="Only drills of this topic.")] = None,
    lang: Lang = None,
) -> None:
    """List the coding drills and your status on each (new, attempted, passed)."""
    from rich.console import Console
    from rich.table import Table

    from llmprep.drills.registry import all_drills
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    drills = all_drills()
    store = open_store()
    try:
        status = store.drill_status()
    finally:
        store.close()
    table = Table(title=f"{len(drills)} drills", title_justify="left", box=None, pad_edge=False)
    for name in ("id", "topic", "level", "status", "title"):
        table.add_column(name, style="bold cyan" if name == "id" else None, no_wrap=name != "title")
    colour = {"new": "dim", "attempted": "yellow", "passed": "green"}
    for drill in sorted(drills.values(), key=lambda d: (d.topic, d.id)):
        if topic and drill.topic != topic:
            continue
        mark = status.get(drill.id, "new")
        table.add_row(drill.id, drill.topic, drill.difficulty, f"[{colour[mark]}]{mark}[/]", drill.title.get(lang))
    Console().print(table)
    typer.echo("start one with: llmprep start ID")
