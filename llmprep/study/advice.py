"""The one thing to do now: due reviews first, then the next unsolved drill in curriculum order,
then new questions; otherwise when the next review falls due."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from llmprep.bank.schema import DIFFICULTIES, Bank
from llmprep.drills.registry import Drill
from llmprep.store.cards import CardRow


@dataclass(frozen=True)
class Advice:
    action: str  # review | drill | new | done
    command: str
    en: str
    zh: str
    detail: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"version": 1, **asdict(self)}


def curriculum(drills: dict[str, Drill], topic_order: list[str]) -> list[Drill]:
    """Drills in an order that puts every prerequisite first; otherwise by difficulty, topic, id."""

    def rank(d: Drill):
        topic = topic_order.index(d.topic) if d.topic in topic_order else len(topic_order)
        return DIFFICULTIES.index(d.difficulty), topic, d.id

    ordered, placed = [], set()
    pending = sorted(drills.values(), key=rank)
    while pending:
        ready = next((d for d in pending if all(p in placed or p not in drills for p in d.prerequisites)), pending[0])
        ordered.append(ready)
        placed.add(ready.id)
        pending.remove(ready)
    return ordered


def next_drill(drills: dict[str, Drill], status: dict[str, str], topic_order: list[str]) -> Drill | None:
    """The first drill in curriculum order that is not passed and whose prerequisites are."""
    for drill in curriculum(drills, topic_order):
        if status.get(drill.id) != "passed" and all(status.get(p) == "passed" for p in drill.prerequisites):
            return drill
    return None


def advise(
    bank: Bank,
    cards: dict[str, CardRow],
    drills: dict[str, Drill],
    status: dict[str, str],
    *,
    now: datetime,
    new_left: int,
    suspended: set[str] = frozenset(),
) -> Advice:
    asked = {qid for qid in bank.questions if qid not in suspended}
    due = [qid for qid, card in cards.items() if qid in asked and card.due <= now]
    if due:
        n = len(due)
        return Advice(
            "review",
            "llmprep quiz",
            f"Review {n} due question{'s' * (n != 1)}.",
            f"复习 {n} 道到期的题目。",
            {"due": n},
        )
    drill = next_drill(drills, status, list(bank.topics))
    if drill is not None:
        tried = status.get(drill.id)
        en = f"{'Finish' if tried else 'Solve'} the drill {drill.id}: {drill.title.en}."
        zh = f"{'完成' if tried else '做'}编程练习 {drill.id}：{drill.title.zh}。"
        command = f"llmprep grade {drill.id}.py" if tried else f"llmprep start {drill.id}"
        return Advice("drill", command, en, zh, {"drill": drill.id, "status": tried or "new"})
    unseen = sum(1 for qid in asked if qid not in cards)
    if unseen and new_left > 0:
        n = min(unseen, new_left)
        return Advice(
            "new",
            f"llmprep quiz --new {n}",
            f"Learn {n} new question{'s' * (n != 1)}.",
            f"学习 {n} 道新题。",
            {"new": n, "unseen": unseen},
        )
    upcoming = [card.due for qid, card in cards.items() if qid in asked]
    detail = {"next_review": min(upcoming).isoformat()} if upcoming else {}
    return Advice(
        "done",
        "llmprep quiz --cram",
        "All caught up for today; cram if you like.",
        "今天的任务都完成了；想多练可以突击练习。",
        detail,
    )
