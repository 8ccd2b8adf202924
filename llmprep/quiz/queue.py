"""Which questions a session asks: due reviews first (oldest due first), then new ones."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from llmprep.bank.schema import Bank, Question
from llmprep.store.cards import CardRow


@dataclass(frozen=True)
class Selection:
    set_: str | None = None
    topic: str | None = None
    type_: str | None = None
    suspended: frozenset[str] = frozenset()  # never asked, not even in cram


def select(bank: Bank, sel: Selection) -> list[Question]:
    return [q for q in bank.select(set_=sel.set_, topic=sel.topic, type_=sel.type_) if q.id not in sel.suspended]


def build(
    bank: Bank, cards: dict[str, CardRow], sel: Selection, *, now: datetime, limit: int, new_allowed: int
) -> tuple[list[Question], list[Question]]:
    """(due, new): due cards of questions still in the bank, then unseen questions in bank order.

    A removed question's card stays in the store but is never asked.
    """
    chosen = select(bank, sel)
    due = sorted((q for q in chosen if q.id in cards and cards[q.id].due <= now), key=lambda q: cards[q.id].due)
    due = due[:limit]
    new = [q for q in chosen if q.id not in cards][: max(0, min(new_allowed, limit - len(due)))]
    return due, new


def cram(bank: Bank, sel: Selection, limit: int, seed: int | None = None) -> list[Question]:
    chosen = select(bank, sel)
    random.Random(seed).shuffle(chosen)
    return chosen[:limit]


def next_due(bank: Bank, cards: dict[str, CardRow], sel: Selection) -> datetime | None:
    ids = {q.id for q in select(bank, sel)}
    dues = [c.due for qid, c in cards.items() if qid in ids]
    return min(dues) if dues else None
