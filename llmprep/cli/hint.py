"""`llmprep hint ID`: the drill's next staged hint; the stage is kept in hints.json under the home dir."""

import json
from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import LlmprepError

HINTS_FILE = "hints.json"


def _load(path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise LlmprepError(f"cannot read hint stages from {path} ({err})", fix=f"delete {path} (stages restart)") from None
    return data if isinstance(data, dict) else {}


def command(
    drill_id: Annotated[str, typer.Argument(metavar="ID", help="A drill id.")],
    again: Annotated[bool, typer.Option("--again", help="Show the hints seen so far without advancing.")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Start the hints of this drill from the first.")] = False,
    lang: Lang = None,
) -> None:
    """Show the next hint for a drill (one more each time)."""
    from rich.console import Console
    from rich.markdown import Markdown

    from llmprep import paths
    from llmprep.drills.registry import load_drill

    lang = resolve_lang(lang)
    drill = load_drill(drill_id)
    path = paths.home_dir() / HINTS_FILE
    stages = _load(path)
    seen = 0 if reset else int(stages.get(drill.id, 0))
    shown = seen if again and seen else min(seen + 1, len(drill.hints))
    console = Console()
    for number in range(1, shown + 1):
        console.print(f"[bold]hint {number}/{len(drill.hints)}[/]")
        console.print(Markdown(drill.hints[number - 1].get(lang)))
    if seen >= len(drill.hints) and not again:
        console.print(f"[dim]that was the last hint; `llmprep solution {drill.id}` shows the reference "
                      "after a pass or once you give up[/]")
    stages[drill.id] = shown
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stages, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError as err:
        raise LlmprepError(f"cannot save hint stages to {path} ({err.strerror})", fix="set LLMPREP_HOME to a writable folder") from None
