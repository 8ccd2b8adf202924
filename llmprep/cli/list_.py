"""`llmprep list`: the questions in a table, filtered."""

from llmprep.bank.schema import DIFFICULTIES, SETS, TYPES
from llmprep.cli.filters import DifficultyOpt, SetOpt, TopicOpt, TypeOpt, check_value
from llmprep.cli.options import Lang, resolve_lang


def _first_line(markdown: str, width: int = 70) -> str:
    line = markdown.strip().splitlines()[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def command(set_: SetOpt = None, topic: TopicOpt = None, type_: TypeOpt = None,
            difficulty: DifficultyOpt = None, lang: Lang = None) -> None:
    """List questions (id, type, level, topic, prompt)."""
    from rich.console import Console
    from rich.table import Table

    from llmprep.bank import load_bank

    lang = resolve_lang(lang)
    bank = load_bank()
    check_value("--set", set_, SETS)
    check_value("--topic", topic, bank.topics)
    check_value("--type", type_, TYPES)
    check_value("--difficulty", difficulty, DIFFICULTIES)
    rows = bank.select(set_=set_, topic=topic, type_=type_, difficulty=difficulty)
    table = Table(title=f"{len(rows)} questions", title_justify="left", box=None, header_style="bold")
    for name in ("id", "type", "level", "topic", "prompt"):
        table.add_column(name, no_wrap=name != "prompt", overflow="ellipsis")
    for q in sorted(rows, key=lambda q: q.id):
        table.add_row(q.id, q.type, q.difficulty, q.topic, _first_line(q.prompt.get(lang)))
    Console().print(table)
