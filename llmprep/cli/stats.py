"""`llmprep stats`: progress at a glance, or as JSON."""

from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang

SHADES = " ░▒▓█"


def _bar(share: float, width: int = 20) -> str:
    filled = round(share * width)
    return "█" * filled + "·" * (width - filled)


def command(as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
            lang: Lang = None) -> None:
    """Show progress: card counts, forecast, mastery per topic, accuracy, streak, calendar."""
    import json
    from datetime import date, timedelta

    from rich.console import Console

    from llmprep.bank import load_bank
    from llmprep.config import load_config
    from llmprep.quiz.schedule import make_scheduler
    from llmprep.quiz.session import utcnow
    from llmprep.quiz.stats import compute
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    bank = load_bank()
    store = open_store()
    data = compute(bank, store, make_scheduler(load_config().desired_retention), utcnow())
    store.close()
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out = Console(highlight=False)
    c = data["cards"]
    out.print(f"[bold]Cards[/]  new {c['new']} · learning {c['learning']} · review {c['review']}"
              f"   [bold]due today[/] {data['due_today']}   [bold]streak[/] {data['streak_days']} day(s)"
              f"   [bold]reviews[/] {data['reviews_total']}")
    out.print("[bold]Next 14 days[/]  " + " ".join(str(n) for n in data["forecast_14d"]))
    out.print("[bold]Mastery per topic[/] (mean recall probability)")
    for topic, share in data["mastery"].items():
        name = bank.topics[topic].name.get(lang) if topic in bank.topics else topic
        out.print(f"  {name[:34]:<34} {_bar(share)} {share:>4.0%}")
    if data["accuracy"]:
        out.print("[bold]Accuracy[/]  " + ", ".join(f"{t} {v['correct']}/{v['checked']}" for t, v in data["accuracy"].items()))
    out.print("[bold]Last 12 weeks[/]")
    days = list(data["calendar"].items())
    top = max([n for _, n in days] + [1])
    first = date.fromisoformat(days[0][0])
    pad = first.weekday()  # rows are Monday..Sunday
    cells = [None] * pad + [n for _, n in days]
    for row, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = "".join(" " if n is None else SHADES[min(4, -(-4 * n // top))] for n in cells[row::7])
        out.print(f"  {name:<3} [green]{line}[/]")
    out.print(f"  {first:%Y-%m-%d} → {first + timedelta(days=len(days) - 1):%Y-%m-%d}")
    passed = data["drills_passed"]
    out.print(f"[bold]Drills passed[/]  {len(passed)}" + (f": {', '.join(passed)}" if passed else ""))
