"""A known mistake named by the grader comes back as review: the concept question drill.yaml's `review`
links to it falls due now, and the drill's own code question falls due tomorrow (redo it)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from llmprep.bank.schema import Bank
from llmprep.drills.registry import Drill
from llmprep.store import cards as card_store
from llmprep.store.db import Store

REDO_AFTER = timedelta(days=1)
_MISTAKE_KEY = re.compile(r"""Mistake\(\s*(?:key\s*=\s*)?["']([a-z0-9_]+)["']""")


def mistake_keys(cases_file: Path) -> set[str]:
    """The keys of the known mistakes in a cases.py, read as text (no torch, no import)."""
    return set(_MISTAKE_KEY.findall(cases_file.read_text(encoding="utf-8")))


def schedule(store: Store, bank: Bank, drill: Drill, mistake: str, now: datetime) -> list[tuple[str, datetime]]:
    """Make the linked question due now and the drill's code question due tomorrow; returns (id, due)."""
    planned = []
    if drill.review.get(mistake) in bank.questions:
        planned.append((drill.review[mistake], now))
    planned += [(q.id, now + REDO_AFTER) for q in bank.questions.values() if q.type == "code" and q.drill == drill.id]
    for question_id, due in planned:
        card_store.bring_forward(store, question_id, due)
    return planned
