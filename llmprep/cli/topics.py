"""`llmprep topics`: the taxonomy with question counts per topic and type."""

from collections import Counter

from llmprep.cli.options import Lang, resolve_lang


def command(lang: Lang = None) -> None:
    """List the topics with counts."""
    from rich.console import Console
    from rich.table import Table

    from llmprep.bank import load_bank
    from llmprep.bank.schema import TYPES

    lang = resolve_lang(lang)
    bank = load_bank()
    counts = Counter((q.topic, q.type) for q in bank.questions.values())
    table = Table(box=None, header_style="bold")
    for name in ("topic", "name", "total", *TYPES):
        table.add_column(name, no_wrap=name != "name")
    for topic in bank.topics.values():
        per_type = [counts[topic.id, t] for t in TYPES]
        table.add_row(topic.id, topic.name.get(lang), str(sum(per_type)), *map(str, per_type))
    Console().print(table)
