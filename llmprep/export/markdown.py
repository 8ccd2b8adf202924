"""Printable study sheets: one Markdown file per set, questions grouped by topic, math left as
`$...$` for any Markdown viewer with math (GitHub, Obsidian, pandoc)."""

from __future__ import annotations

from pathlib import Path

from llmprep.bank.schema import SET_NAMES, Bank
from llmprep.export.fields import back, front


def sheet(bank: Bank, set_name: str, lang: str) -> str:
    questions = [q for q in bank.questions.values() if set_name in q.sets]
    lines = [f"# {SET_NAMES[set_name]}", "", f"{len(questions)} questions · `llmprep quiz --set {set_name}`", ""]
    for topic in bank.topics.values():
        mine = sorted((q for q in questions if q.topic == topic.id), key=lambda q: q.id)
        if not mine:
            continue
        lines += [f"## {topic.name.get('zh' if lang == 'zh' else 'en')}", ""]
        for q in mine:
            lines += [
                f"### {q.id} · {q.type} · {q.difficulty}",
                "",
                front(q, lang),
                "",
                f"<details><summary>{'答案' if lang == 'zh' else 'Answer'}</summary>",
                "",
                back(q, lang),
                "",
                "</details>",
                "",
            ]
    return "\n".join(lines)


def write_sheets(bank: Bank, folder: Path, *, lang: str, sets: tuple[str, ...]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for set_name in sets:
        path = folder / f"{set_name}.md"
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(sheet(bank, set_name, lang), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
