"""Text search over the bank: every term must occur in the question (any field, any language);
matches in the prompt rank above the answer, the answer above the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmprep.bank.schema import Bank, Question

_WEIGHTS = {"id": 4.0, "prompt": 3.0, "answer": 2.0, "key points": 1.5, "choices": 1.0, "solution": 1.0, "hints": 0.5}


@dataclass(frozen=True)
class Hit:
    question: Question
    score: float
    where: str  # the best field
    snippet: str
    terms: tuple[str, ...]


def terms_of(text: str) -> tuple[str, ...]:
    """Words to find: whitespace-separated, lower case; a quoted phrase stays one term."""
    quoted = re.findall(r'"([^"]+)"', text)
    rest = re.sub(r'"[^"]+"', " ", text)
    return tuple(t.lower() for t in quoted + rest.split() if t.strip())


def _fields(q: Question) -> dict[str, str]:
    fields = {"id": q.id, "prompt": f"{q.prompt.en}\n{q.prompt.zh}", "answer": f"{q.answer.en}\n{q.answer.zh}"}
    if q.key_points:
        fields["key points"] = "\n".join(f"{p.text.en}\n{p.text.zh}" for p in q.key_points)
    if q.choices:
        fields["choices"] = "\n".join(f"{c.en}\n{c.zh}" for c in q.choices)
    if q.solution:
        fields["solution"] = f"{q.solution.en}\n{q.solution.zh}"
    if q.hints:
        fields["hints"] = "\n".join(f"{h.en}\n{h.zh}" for h in q.hints)
    return fields


def _snippet(text: str, term: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    at = max(0, flat.lower().find(term))
    start = max(0, at - width // 3)
    return ("…" if start else "") + flat[start : start + width] + ("…" if start + width < len(flat) else "")


def search(bank: Bank, text: str, *, type_: str | None = None) -> list[Hit]:
    terms = terms_of(text)
    hits = []
    for q in bank.questions.values():
        if type_ and q.type != type_:
            continue
        fields = {name: value.lower() for name, value in _fields(q).items()}
        found = {term: [name for name, value in fields.items() if term in value] for term in terms}
        if not terms or not all(found.values()):
            continue
        score = sum(_WEIGHTS[name] for names in found.values() for name in names)
        where = max((n for names in found.values() for n in names if n != "id"), key=_WEIGHTS.get, default="prompt")
        hits.append(Hit(q, score, where, _snippet(_fields(q)[where], terms[0]), terms))
    return sorted(hits, key=lambda h: (-h.score, h.question.id))
