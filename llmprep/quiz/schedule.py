"""Scheduling is fsrs's: this module only builds the scheduler and formats what it returns.

Fuzzing is off so that the interval shown on each rating key is exactly the one applied.
"""

from __future__ import annotations

from datetime import datetime, timedelta

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def make_scheduler(desired_retention: float):
    from fsrs import Scheduler

    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def load_card(data: dict | None):
    from fsrs import Card

    return Card() if data is None else Card.from_dict(data)


def review(scheduler, card, rating: int, now: datetime, duration_ms: int | None = None):
    from fsrs import Rating

    new_card, _ = scheduler.review_card(card, Rating(rating), review_datetime=now, review_duration=duration_ms)
    return new_card


def preview(scheduler, card, now: datetime) -> dict[int, timedelta]:
    """The interval each rating would give, computed by fsrs itself."""
    return {r: review(scheduler, card, r, now).due - now for r in RATINGS}


def retrievability(scheduler, card, now: datetime) -> float:
    return scheduler.get_card_retrievability(card, current_datetime=now)


def format_interval(delta: timedelta) -> str:
    seconds = max(delta.total_seconds(), 0)
    for limit, unit, size in (
        (3600, "m", 60),
        (86400, "h", 3600),
        (86400 * 30, "d", 86400),
        (86400 * 365, "mo", 86400 * 30),
    ):
        if seconds < limit:
            return f"{max(1, round(seconds / size))}{unit}"
    return f"{seconds / (86400 * 365):.1f}y"
