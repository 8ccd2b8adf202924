"""`llmprep next` (also bare `llmprep`): the one thing to do now, with the exact command."""

from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang


def command(
    json_: Annotated[bool, typer.Option("--json", help="Print the advice as JSON.")] = False,
    lang: Lang = None,
) -> None:
    """What to do now: due reviews, then the next drill in curriculum order, then new questions."""
    from datetime import datetime, timezone
    from datetime import time as clock

    from llmprep.bank import load_bank
    from llmprep.config import load_config
    from llmprep.drills.registry import all_drills
    from llmprep.store import cards as card_store
    from llmprep.store import open_store
    from llmprep.study.advice import advise

    lang = resolve_lang(lang)
    bank, drills = load_bank(outline=True), all_drills()
    store = open_store()
    try:
        midnight = datetime.combine(datetime.now().date(), clock()).astimezone()
        new_left = load_config().new_per_day - card_store.introduced_since(store, midnight)
        advice = advise(
            bank,
            card_store.cards(store),
            drills,
            store.drill_status(),
            now=datetime.now(timezone.utc),
            new_left=new_left,
            suspended=card_store.marked(store, "suspended"),
        )
    finally:
        store.close()
    if json_:
        import json

        typer.echo(json.dumps(advice.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(advice.zh if lang == "zh" else advice.en)
    typer.echo(f"  {advice.command}")
