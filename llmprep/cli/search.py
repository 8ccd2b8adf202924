"""`llmprep search TEXT`: find questions by words in their prompts, answers and key points, in both languages."""

from typing import Annotated, Optional

import typer

from llmprep.cli.options import Lang, resolve_lang


def command(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="Words to find, e.g. 'kv cache' or 旋转位置编码.")],
    type_: Annotated[
        Optional[str], typer.Option("--type", help="Only this type: concept, choice, numeric, code.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many matches.")] = 20,
    lang: Lang = None,
) -> None:
    """Search prompts, answers and key points in English and Chinese; best matches first."""
    from rich.console import Console
    from rich.text import Text

    from llmprep.bank import load_bank
    from llmprep.bank.search import search
    from llmprep.errors import UsageError

    lang = resolve_lang(lang)
    if not text.strip():
        raise UsageError("nothing to search for", fix="give some words, e.g. `llmprep search rope`")
    hits = search(load_bank(), text, type_=type_)
    console = Console(highlight=False)
    if not hits:
        console.print(f"No question mentions {text!r}." if lang == "en" else f"没有题目包含 {text!r}。")
        raise typer.Exit(1)
    for hit in hits[:limit]:
        line = Text(hit.question.id, style="bold cyan")
        line.append(f"  {hit.question.type} · {hit.where}", style="dim")
        console.print(line)
        snippet = Text("    " + hit.snippet)
        for term in hit.terms:
            snippet.highlight_words([term], style="bold yellow", case_sensitive=False)
        console.print(snippet)
    if len(hits) > limit:
        more = (
            f"{len(hits) - limit} more; use -n {len(hits)} to see all"
            if lang == "en"
            else f"还有 {len(hits) - limit} 条；用 -n {len(hits)} 查看全部"
        )
        console.print(Text(more, style="dim"))
