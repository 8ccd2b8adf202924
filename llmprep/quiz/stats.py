"""Numbers for `llmprep stats`: card states, due forecast, mastery per topic, accuracy, streak, calendar."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from llmprep.bank.schema import Bank
from llmprep.quiz import schedule
from llmprep.quiz.summary import accuracy_by_type
from llmprep.store import cards as card_store
from llmprep.store.db import Store

STATES = {1: "learning", 2: "review", 3: "learning"}  # fsrs: Learning, Review, Relearning


def streak(days: set[date], today: date) -> int:
    """Consecutive days with a review, ending today (or yesterday, while today is still open)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count, day = count + 1, day - timedelta(days=1)
    return count


def compute(bank: Bank, store: Store, scheduler, now: datetime) -> dict:
    cards = {qid: c for qid, c in card_store.cards(store).items() if qid in bank.questions}
    today = now.astimezone().date()
    states = Counter(STATES.get(c.state, "learning") for c in cards.values())
    states["new"] = len(bank.questions) - len(cards)
    forecast = [0] * 14
    for c in cards.values():
        offset = (c.due.astimezone().date() - today).days
        forecast[max(0, offset)] += offset < 14
    retention: dict[str, list[float]] = defaultdict(list)
    for q in bank.questions.values():
        card = cards.get(q.id)
        retention[q.topic].append(
            schedule.retrievability(scheduler, schedule.load_card(card.card), now) if card else 0.0
        )
    log = card_store.reviews(store)  # activity (calendar, streak) counts every review, even of removed questions
    per_day = Counter(card_store.parse_iso(at).astimezone().date() for _, _, at, _, _, _ in log)
    start = today - timedelta(days=7 * 12 - 1)
    drills = store.drill_status()
    return {
        "version": 1,
        "cards": {"new": states["new"], "learning": states["learning"], "review": states["review"]},
        "due_today": forecast[0],
        "forecast_14d": forecast,
        "mastery": {t: round(sum(v) / len(v), 4) for t, v in sorted(retention.items())},
        "accuracy": {
            t: {"correct": c, "checked": n}
            for t, (c, n) in sorted(
                accuracy_by_type(
                    [(qt, r, None if ok is None else bool(ok)) for qid, r, _, qt, ok, _ in log if qid in bank.questions]
                ).items()
            )
        },
        "reviews_total": len(log),
        "streak_days": streak(set(per_day), today),
        "calendar": {
            (start + timedelta(days=i)).isoformat(): per_day.get(start + timedelta(days=i), 0) for i in range(7 * 12)
        },
        "drills_passed": sorted(d for d, status in drills.items() if status == "passed"),
        "leeches": [
            {"id": qid, "lapses": n}
            for qid, n in sorted(card_store.lapses(store).items(), key=lambda x: (-x[1], x[0]))
            if n >= card_store.LEECH_LAPSES and qid in bank.questions
        ],
        "flagged": sorted(card_store.marked(store, "flagged") & set(bank.questions)),
        "suspended": sorted(card_store.marked(store, "suspended") & set(bank.questions)),
    }
