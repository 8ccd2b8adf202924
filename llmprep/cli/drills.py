"""`llmprep drills`: the drills as a table (id, topic, difficulty, status), without torch."""

from typing import Annotated, Optional

import typer

from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import UsageError


def command(
    topic: Annotated[Optional[str], typer.Option("--topic", help="Only drills of this topic.")] = None,
    lang: Lang = None,
) -> None:
    """List the coding drills and your status on each (new, attempted, passed, gave up)."""
    from rich.console import Console
    from rich.table import Table

    from llmprep.drills.registry import all_drills
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    drills = all_drills()
    store = open_store()
    try:
        status = store.drill_status()
        kinds = store.pass_kinds()
    finally:
        store.close()
    topics = sorted({d.topic for d in drills.values()})
    if topic and topic not in topics:
        raise UsageError(f"no drills with topic {topic!r}", fix="use one of: " + ", ".join(topics))
    colour = {"new": "dim", "attempted": "yellow", "passed": "green", "gave up": "red"}
    rows = []
    for drill in sorted(drills.values(), key=lambda d: (d.topic, d.id)):
        if not topic or drill.topic == topic:
            rows.append(
                (
                    drill.id,
                    drill.topic,
                    drill.difficulty,
                    status.get(drill.id, "new"),
                    drill.title.get(lang),
                    {"hard": " · hard", "hints": " · with hints"}.get(kinds.get(drill.id), ""),
                )
            )
    table = Table(title=f"{len(rows)} drills", title_justify="left", box=None, pad_edge=False)
    for i, name in enumerate(("id", "topic", "level", "status")):  # never squeezed: the title gives way
        width = max([len(name)] + [len(row[i]) for row in rows])
        table.add_column(name, style="bold cyan" if name == "id" else None, no_wrap=True, min_width=width)
    table.add_column("title", no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*row[:3], f"[{colour[row[3]]}]{row[3]}[/]{row[5] if row[3] == 'passed' else ''}", row[4])
    Console().print(table)
    typer.echo("start one with: llmprep start ID")
