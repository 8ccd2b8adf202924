"""`llmprep list`: the questions as aligned rows, filtered.

Rows are laid out by hand rather than with rich.Table or Text: measuring a 1000-row table costs
~0.8 s and styling 1000 Text lines ~60 ms, far beyond the startup budget.
"""

from typing import Annotated, Optional

import typer

from llmprep.bank.schema import DIFFICULTIES, SETS, TYPES
from llmprep.cli.filters import DifficultyOpt, SetOpt, TopicOpt, TypeOpt, check_value
from llmprep.cli.options import Lang, resolve_lang

COLUMNS = {"en": ("id", "type", "level", "topic", "prompt"), "zh": ("题号", "类型", "难度", "主题", "题目")}
STATUSES = ("new", "learning", "review", "due", "suspended", "flagged")
StatusOpt = Annotated[
    Optional[str],
    typer.Option("--status", help="Only questions that are new, learning, review, due, suspended or flagged."),
]


def _with_status(questions: list, status: str) -> list:
    """Filter by progress; only this filter opens the store."""
    from llmprep.quiz.session import utcnow
    from llmprep.quiz.stats import STATES
    from llmprep.store import cards as card_store
    from llmprep.store import open_store

    store = open_store()
    cards = card_store.cards(store)
    marks = {mark: card_store.marked(store, mark) for mark in card_store.MARKS}
    store.close()
    now = utcnow()

    def status_of(qid: str) -> set[str]:
        marked = {mark for mark, ids in marks.items() if qid in ids}
        card = cards.get(qid)
        if card is None:
            return {"new"} | marked
        return {STATES.get(card.state, "learning")} | ({"due"} if card.due <= now else set()) | marked

    return [q for q in questions if status in status_of(q.id)]


def command(
    set_: SetOpt = None,
    topic: TopicOpt = None,
    type_: TypeOpt = None,
    difficulty: DifficultyOpt = None,
    status: StatusOpt = None,
    lang: Lang = None,
) -> None:
    """List questions (id, type, level, topic, prompt)."""
    from rich.cells import cell_len, set_cell_size
    from rich.console import Console

    from llmprep.bank import load_bank
    from llmprep.labels import difficulty_name, type_name

    lang = resolve_lang(lang)
    bank = load_bank(outline=True)
    check_value("--set", set_, SETS)
    check_value("--topic", topic, bank.topics)
    check_value("--type", type_, TYPES)
    check_value("--difficulty", difficulty, DIFFICULTIES)
    check_value("--status", status, STATUSES)
    chosen = bank.select(set_=set_, topic=topic, type_=type_, difficulty=difficulty)
    if status:
        chosen = _with_status(chosen, status)
    zh = lang == "zh"
    rows = [
        (
            q.id,
            type_name(q.type, lang),
            difficulty_name(q.difficulty, lang),
            q.topic,
            " ".join(q.prompt.get(lang).split()),
        )
        for q in sorted(chosen, key=lambda q: q.id)
    ]
    console = Console()
    colour = console.color_system is not None  # None when piped or NO_COLOR is set

    def paint(code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    def pad(text: str, width: int) -> str:  # by display cells: a Chinese character takes two
        return text + " " * (width - cell_len(text))

    names = COLUMNS[lang]
    widths = [max([cell_len(name)] + [cell_len(row[i]) for row in rows]) for i, name in enumerate(names[:-1])]
    prompt_width = max(20, console.width - sum(widths) - 2 * len(widths))
    lines = [
        paint("1", f"共 {len(rows)} 题" if zh else f"{len(rows)} questions"),
        paint("1", "  ".join(pad(name, w) for name, w in zip(names, widths)) + "  " + names[-1]),
    ]
    for row in rows:
        prompt = row[-1] if cell_len(row[-1]) <= prompt_width else set_cell_size(row[-1], prompt_width - 1) + "…"
        middle = "  ".join(pad(cell, w) for cell, w in zip(row[1:-1], widths[1:]))
        lines.append(f"{paint('36', pad(row[0], widths[0]))}  {paint('2', middle)}  {prompt}")
    console.file.write("\n".join(lines) + "\n")
