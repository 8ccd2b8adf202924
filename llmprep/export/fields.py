"""The text a question shows on the front and back of a card or sheet, as Markdown, in one or both languages."""

from __future__ import annotations

from llmprep.bank.schema import LETTERS, Question, Text

LANG_CHOICES = ("en", "zh", "both")
_LABELS = {
    "en": {
        "answer": "Answer",
        "key_points": "Key points",
        "correct": "Correct",
        "solution": "Solution",
        "unit": "Answer in",
        "drill": "Drill",
    },
    "zh": {
        "answer": "答案",
        "key_points": "要点",
        "correct": "正确答案",
        "solution": "解题过程",
        "unit": "单位",
        "drill": "编程练习",
    },
}


def _langs(lang: str) -> tuple[str, ...]:
    return ("en", "zh") if lang == "both" else (lang,)


def _pick(text: Text, lang: str) -> str:
    return "\n\n".join(text.get(code).strip() for code in _langs(lang))


def front(q: Question, lang: str) -> str:
    parts = []
    for code in _langs(lang):
        part = q.prompt.get(code).strip()
        if q.choices:
            part += "\n\n" + "\n".join(f"- **{LETTERS[i]}.** {c.get(code)}" for i, c in enumerate(q.choices))
        if q.type == "numeric" and q.unit:
            part += f"\n\n*{_LABELS[code]['unit']}: {q.unit}*"
        parts.append(part)
    return "\n\n---\n\n".join(parts)


def back(q: Question, lang: str) -> str:
    parts = []
    for code in _langs(lang):
        words = _LABELS[code]
        part = []
        if q.correct:
            part.append(f"**{words['correct']}: {', '.join(q.correct)}**")
        if q.type == "numeric":
            part.append(f"**{words['answer']}: {q.value:g} {q.unit}**".rstrip())
        part.append(q.answer.get(code).strip())
        if q.explanation:
            part.append(q.explanation.get(code).strip())
        if q.solution:
            part.append(f"**{words['solution']}:** {q.solution.get(code).strip()}")
        if q.key_points:
            part.append(f"**{words['key_points']}:**\n\n" + "\n".join(f"- {p.text.get(code)}" for p in q.key_points))
        if q.drill:
            part.append(f"{words['drill']}: `llmprep start {q.drill}`")
        parts.append("\n\n".join(part))
    return "\n\n---\n\n".join(parts)
