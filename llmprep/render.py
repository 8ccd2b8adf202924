"""Rich renderables for questions, shared by `show` and the quiz."""

from __future__ import annotations

import re

from rich.console import Group
from rich.text import Text

from llmprep.bank.schema import LETTERS, Question

# Lines that only full Markdown renders well: fences, headings, lists, quotes, tables.
_BLOCK = re.compile(r"^\s*(```|#{1,6} |[-*+] |\d+[.)] |> |\|)", re.MULTILINE)
_SOFT_BREAK = re.compile(r"(?<=(.))\n(?=([^\n]))")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def markdown(text: str):
    """Rich's Markdown for block syntax; plain text with inline code and bold otherwise.

    Importing rich.markdown (markdown-it, pygments) costs ~50 ms, most of the quiz's startup budget,
    and most prompts are a sentence or two.
    """
    if _BLOCK.search(text):
        from rich.markdown import Markdown as RichMarkdown

        return RichMarkdown(text)
    text = _SOFT_BREAK.sub(lambda m: "" if _CJK.match(m.group(1)) and _CJK.match(m.group(2)) else " ",
                           text.strip())  # soft line breaks join as in Markdown; Chinese needs no space
    out, last = Text(), 0
    for match in _INLINE.finditer(text):
        out.append(text[last:match.start()])
        code, bold = match.groups()
        out.append(code or bold, style="bold cyan" if code else "bold")
        last = match.end()
    out.append(text[last:])
    return out


def _fmt_number(value: float) -> str:
    return f"{value:.6g}"


def header(q: Question) -> Text:
    line = Text(q.id, style="bold cyan")
    line.append(f"  {q.type} · {q.difficulty} · {q.topic} · {', '.join(q.sets)}", style="dim")
    return line


def prompt(q: Question, lang: str) -> Group:
    parts = [markdown(q.prompt.get(lang))]
    for letter, choice in zip(LETTERS, q.choices):
        parts.append(Text.assemble((f"  {letter}. ", "bold"), choice.get(lang)))
    if q.type == "numeric" and q.unit:
        parts.append(Text(f"(answer in {q.unit})" if lang == "en" else f"（单位：{q.unit}）", style="dim"))
    return Group(*parts)


def answer(q: Question, lang: str) -> Group:
    zh = lang == "zh"
    parts: list = []
    if q.type == "choice":
        parts.append(Text(("正确答案：" if zh else "Correct: ") + ", ".join(q.correct), style="bold green"))
        parts.append(markdown(q.explanation.get(lang)))
    if q.type == "numeric":
        parts.append(Text(("答案：" if zh else "Answer: ") + f"{_fmt_number(q.value)} {q.unit}".rstrip(), style="bold green"))
        parts.append(markdown(q.solution.get(lang)))
    parts.append(markdown(q.answer.get(lang)))
    if q.key_points:
        parts.append(Text("要点" if zh else "Key points", style="bold"))
        parts += [Text(f"  • {kp.text.get(lang)}") for kp in q.key_points]
    if q.drill:
        parts.append(Text(("动手练习：" if zh else "Drill: ") + f"llmprep start {q.drill}", style="bold magenta"))
    if q.follow_ups:
        parts.append(Text(("追问：" if zh else "Follow-ups: ") + ", ".join(q.follow_ups), style="dim"))
    return Group(*parts)
