"""Rich renderables for questions, shared by `show` and the quiz."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text

from llmprep.bank.schema import LETTERS, Question


def _fmt_number(value: float) -> str:
    return f"{value:.6g}"


def header(q: Question) -> Text:
    line = Text(q.id, style="bold cyan")
    line.append(f"  {q.type} · {q.difficulty} · {q.topic} · {', '.join(q.sets)}", style="dim")
    return line


def prompt(q: Question, lang: str) -> Group:
    parts = [Markdown(q.prompt.get(lang))]
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
        parts.append(Markdown(q.explanation.get(lang)))
    if q.type == "numeric":
        parts.append(Text(("答案：" if zh else "Answer: ") + f"{_fmt_number(q.value)} {q.unit}".rstrip(), style="bold green"))
        parts.append(Markdown(q.solution.get(lang)))
    parts.append(Markdown(q.answer.get(lang)))
    if q.key_points:
        parts.append(Text("要点" if zh else "Key points", style="bold"))
        parts += [Text(f"  • {kp.text.get(lang)}") for kp in q.key_points]
    if q.drill:
        parts.append(Text(("动手练习：" if zh else "Drill: ") + f"llmprep start {q.drill}", style="bold magenta"))
    if q.follow_ups:
        parts.append(Text(("追问：" if zh else "Follow-ups: ") + ", ".join(q.follow_ups), style="dim"))
    return Group(*parts)
