"""`llmprep sets`: the question sets and how many questions each holds."""

from llmprep.cli.options import Lang, resolve_lang


def command(lang: Lang = None) -> None:
    """List the question sets with counts."""
    from rich.console import Console
    from rich.table import Table

    from llmprep.bank import load_bank
    from llmprep.bank.schema import SET_NAMES

    resolve_lang(lang)
    bank = load_bank()
    table = Table("set", "questions", "about", box=None, header_style="bold")
    for name, about in SET_NAMES.items():
        count = sum(name in q.sets for q in bank.questions.values())
        table.add_row(name, str(count), about)
    Console().print(table)
