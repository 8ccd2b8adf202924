"""`llmprep quiz`: due reviews, then new questions, rated with fsrs and saved as you go."""

from typing import Annotated, Optional

import typer

from llmprep.bank.schema import SETS, TYPES
from llmprep.cli.filters import SetOpt, TopicOpt, TypeOpt, check_value
from llmprep.cli.options import Lang, resolve_lang


def command(
    set_: SetOpt = None,
    topic: TopicOpt = None,
    type_: TypeOpt = None,
    limit: Annotated[int, typer.Option("-n", help="At most this many questions.", min=1)] = 50,
    new: Annotated[
        Optional[int], typer.Option("--new", help="New questions this session (overrides the daily limit).", min=0)
    ] = None,
    cram: Annotated[
        bool,
        typer.Option("--cram", help="Practise the chosen questions whether due or not; the schedule is untouched."),
    ] = False,
    reschedule: Annotated[
        bool, typer.Option("--reschedule", help="With --cram: let cram ratings update the schedule.")
    ] = False,
    ids: Annotated[
        Optional[list[str]], typer.Option("--id", help="Exactly these questions, due or not (repeat --id).")
    ] = None,
    lang: Lang = None,
) -> None:
    """Quiz yourself: due reviews first, then new questions (spaced repetition)."""
    from datetime import datetime
    from datetime import time as clock

    from rich.console import Console
    from rich.text import Text

    from llmprep.bank import load_bank
    from llmprep.config import load_config
    from llmprep.quiz import queue, summary
    from llmprep.quiz.schedule import format_interval, make_scheduler
    from llmprep.quiz.session import Session, utcnow
    from llmprep.store import cards as card_store
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    bank = load_bank()
    check_value("--set", set_, SETS)
    check_value("--topic", topic, bank.topics)
    check_value("--type", type_, TYPES)
    if reschedule and not cram:
        from llmprep.errors import UsageError

        raise UsageError("--reschedule only applies to --cram", fix="add --cram or drop --reschedule")
    if ids:  # checked before the store opens: a typo changes nothing
        from llmprep.cli.filters import find_question

        chosen = list(dict.fromkeys(find_question(bank, qid, "llmprep quiz --id {id}") for qid in ids))
    config = load_config()
    store = open_store()
    console = Console(highlight=False)
    sel = queue.Selection(set_, topic, type_, frozenset(card_store.marked(store, "suspended")))
    now = utcnow()
    cards = card_store.cards(store)
    if ids:
        questions = chosen[:limit]
    elif cram:
        questions = queue.cram(bank, sel, limit)
    else:
        midnight = datetime.combine(datetime.now().date(), clock()).astimezone()
        allowed = new if new is not None else config.new_per_day - card_store.introduced_since(store, midnight)
        due, fresh = queue.build(bank, cards, sel, now=now, limit=limit, new_allowed=allowed)
        questions = due + fresh
        if not questions:
            nxt = queue.next_due(bank, cards, sel)
            zh = lang == "zh"
            if zh:
                when = f"下次复习在 {format_interval(nxt - now)} 后" if nxt else "还没有安排复习"
                console.print(Text(f"今天没有到期的复习，也没有新题了（{when}）。"))
            else:
                when = f"next review in {format_interval(nxt - now)}" if nxt else "no reviews scheduled"
                console.print(Text(f"Nothing due and no new questions left for today ({when})."))
            if not typer.confirm(
                "仍要练习吗（突击练习：不改动复习计划）？"
                if zh
                else "Practise anyway (cram: the schedule is untouched)?",
                default=False,
            ):
                return
            questions, cram = queue.cram(bank, sel, limit), True
        else:
            console.print(
                Text(
                    f"到期 {len(due)} 题，新题 {len(fresh)} 题。按键：1-4 评分 · s 跳过 · u 撤销 · ? 帮助 · q 退出"
                    if lang == "zh"
                    else f"{len(due)} due, {len(fresh)} new. Keys: 1-4 rate · s skip · u undo · ? help · q quit"
                )
            )
    session = Session(
        store,
        make_scheduler(config.desired_retention),
        questions,
        lang=lang,
        cram=cram,
        reschedule=reschedule,
        console=console,
    )
    tally = session.run()
    cards = card_store.cards(store)
    ids = {q.id for q in queue.select(bank, sel)}
    console.print()
    summary.show(
        console, tally, summary.due_within(cards, ids, utcnow()), queue.next_due(bank, cards, sel), utcnow(), lang
    )
    store.close()
