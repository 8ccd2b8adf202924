"""Rich renderables for questions, shared by `show`, `check` and the quiz.

Math between `$...$` is converted to readable Unicode (llmprep.latex) before anything else reads the
text, and protected from Markdown: rich's Markdown would eat its backslashes and read `_` as
emphasis.
"""

from __future__ import annotations

import functools
import re

from rich.console import Group
from rich.text import Text

from llmprep.bank.schema import LETTERS, Question
from llmprep.labels import difficulty_name, type_name

# Lines that only full Markdown renders well: fences, headings, lists, quotes, tables.
_BLOCK = re.compile(r"^\s*(```|#{1,6} |[-*+] |\d+[.)] |> |\|)", re.MULTILINE)
_SOFT_BREAK = re.compile(r"(?<=(.))\n(?=([^\n]))")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Math, display then inline (also read by the Anki export). An inline `$` opens before a non-space
# and closes after one, not before a digit (pandoc's rule: "$5 and $6").
MATH_RE = r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?=[^\s$])(?P<math>(?:\\.|[^$\\])+?)(?<=[^\s\\])\$(?!\d)"
# Spans, leftmost first: code (never converted), bold, math.
_SPANS_RE = (
    r"(?P<fence>^[ \t]*(?P<ticks>```|~~~).*?^[ \t]*(?P=ticks)[ \t]*$)"
    r"|(?P<ticks_run>`+)(?P<code>.+?)(?<!`)(?P=ticks_run)(?!`)"
    r"|\*\*(?P<bold>[^*]+?)\*\*"
    r"|" + MATH_RE
)
_MD_PUNCT = r"[!-/:-@\[-`{-~]"  # ASCII punctuation: a backslash makes each one literal


@functools.cache
def _spans() -> re.Pattern:
    """Compiled on first use: a question without code, bold or math never needs it."""
    return re.compile(_SPANS_RE, re.MULTILINE | re.DOTALL)


def _to_unicode(m: re.Match) -> str:
    from llmprep.latex import to_unicode

    return to_unicode(m["display"] if m["display"] is not None else m["math"])


def _spans_in(text: str):
    return _spans().finditer(text) if "`" in text or "$" in text or "**" in text else ()


def math_spans(text: str) -> list[str]:
    """The LaTeX inside each `$...$` / `$$...$$` of `text`, outside code."""
    spans = []
    for m in _spans_in(text):
        if m["bold"] is not None:
            spans += math_spans(m["bold"])
        elif m["display"] is not None or m["math"] is not None:
            spans.append(m["display"] if m["display"] is not None else m["math"])
    return spans


def inline(text: str, style: str = "") -> Text:
    """Plain text with inline code, bold and math; soft line breaks join as in Markdown."""
    text = _SOFT_BREAK.sub(
        lambda m: "" if _CJK.match(m.group(1)) and _CJK.match(m.group(2)) else " ", text.strip()
    )  # Chinese needs no space
    out = Text(style=style)
    _append(out, text, None)
    return out


def _append(out: Text, text: str, style: str | None) -> None:
    last = 0
    for m in _spans_in(text):
        out.append(text[last : m.start()], style)
        if m["code"] is not None:
            out.append(m["code"], "bold cyan")
        elif m["bold"] is not None:
            _append(out, m["bold"], "bold")
        elif m["fence"] is not None:
            out.append(m["fence"], style)
        else:
            out.append(_to_unicode(m), style)
        last = m.end()
    out.append(text[last:], style)


def _protect(text: str) -> str:
    """Markdown source with each math span replaced by its Unicode form, every ASCII punctuation escaped."""

    def replace(m: re.Match) -> str:
        if m["bold"] is not None:
            return "**" + _protect(m["bold"]) + "**"
        if m["display"] is None and m["math"] is None:
            return m.group(0)  # code stays as written
        return re.sub(_MD_PUNCT, lambda p: "\\" + p.group(0), _to_unicode(m))

    return _spans().sub(replace, text)


def markdown(text: str):
    """Rich's Markdown for block syntax; `inline` otherwise.

    Importing rich.markdown (markdown-it, pygments) costs ~50 ms, most of the quiz's startup budget,
    and most prompts are a sentence or two.
    """
    if _BLOCK.search(text):
        return _markdown_class()(_protect(text))
    return inline(text)


@functools.cache
def _markdown_class():
    """Rich's Markdown, with table cells folded rather than cut: a Chinese cell has no spaces to wrap
    at, and rich's default ellipsis would drop the end of it."""
    from rich.markdown import Markdown, TableElement

    class FoldingTable(TableElement):
        def __rich_console__(self, console, options):
            for table in super().__rich_console__(console, options):
                for column in table.columns:
                    column.overflow = "fold"
                yield table

    class FoldingMarkdown(Markdown):
        elements = {**Markdown.elements, "table_open": FoldingTable}

    return FoldingMarkdown


def _fmt_number(value: float) -> str:
    """Whole numbers in full (an exact count must not show rounded), others to 6 significant digits."""
    return f"{value:,.0f}" if value == int(value) and abs(value) < 1e12 else f"{value:.6g}"


def header(q: Question, lang: str = "en") -> Text:
    line = Text(q.id, style="bold cyan")
    line.append(
        f"  {type_name(q.type, lang)} · {difficulty_name(q.difficulty, lang)} · {q.topic} · {', '.join(q.sets)}",
        style="dim",
    )
    return line


def prompt(q: Question, lang: str) -> Group:
    parts = [markdown(q.prompt.get(lang))]
    for letter, choice in zip(LETTERS, q.choices):
        parts.append(Text.assemble((f"  {letter}. ", "bold"), inline(choice.get(lang))))
    if q.type == "numeric" and q.unit:
        parts.append(Text(f"(answer in {q.unit})" if lang == "en" else f"（单位：{q.unit}）", style="dim"))
    return Group(*parts)


def answer(q: Question, lang: str, key_points: bool = True) -> Group:
    """The reference answer; `key_points=False` when the learner's points are listed instead."""
    zh = lang == "zh"
    parts: list = []
    if q.type == "choice":
        parts.append(Text(("正确答案：" if zh else "Correct: ") + ", ".join(q.correct), style="bold green"))
        parts.append(markdown(q.explanation.get(lang)))
    if q.type == "numeric":
        parts.append(
            Text(
                ("答案：" if zh else "Answer: ") + f"{_fmt_number(q.value)} {q.unit or ''}".rstrip(), style="bold green"
            )
        )
        parts.append(markdown(q.solution.get(lang)))
    parts.append(markdown(q.answer.get(lang)))
    if q.key_points and key_points:
        parts.append(Text("要点" if zh else "Key points", style="bold"))
        parts += [Text.assemble("  • ", inline(kp.text.get(lang))) for kp in q.key_points]
    if q.drill:
        parts.append(Text(("动手练习：" if zh else "Drill: ") + f"llmprep start {q.drill}", style="bold magenta"))
    if q.follow_ups:
        parts.append(Text(("追问：" if zh else "Follow-ups: ") + ", ".join(q.follow_ups), style="dim"))
    return Group(*parts)


def points(results, lang: str) -> Group:
    """A judged answer's key points: ✓ hit, ✗ missed, ⚠ contradicted (a misconception was stated)."""
    zh = lang == "zh"
    lines = [Text("你的回答涉及的要点：" if zh else "Key points in your answer:", style="bold")]
    for p in results:
        if p.contradicted:
            mark, style, note = "⚠", "yellow", "（与此相反）" if zh else " (contradicted)"
        elif p.hit:
            mark, style, note = "✓", "green", ""
        else:
            mark, style, note = "✗", "red" if p.essential else "dim", ""
        optional = ("（可选）" if zh else " (optional)") if not p.essential else ""
        lines.append(Text.assemble(f"  {mark} ", inline(p.text), note + optional, style=style))
    return Group(*lines)


VERDICT_STYLE = {"correct": "bold green", "partial": "bold yellow", "wrong": "bold red"}


def verdict_message(v) -> Text:
    """The judge's message, coloured by its verdict."""
    return inline(v.message, style=VERDICT_STYLE[v.verdict])
