"""The end-of-session summary: counts, accuracy by type, time spent, what is due next."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

from rich.console import Console
from rich.text import Text

from llmprep.quiz.schedule import RATINGS, format_interval
from llmprep.quiz.session import Tally


def accuracy_by_type(rows) -> dict[str, tuple[int, int]]:
    """type -> (correct, checked), over rows of (type, rating, correct); unchecked answers are left out."""
    out: dict[str, list[int]] = {}
    for qtype, _, correct in rows:
        if correct is not None:
            right_total = out.setdefault(qtype, [0, 0])
            right_total[0] += bool(correct)
            right_total[1] += 1
    return {t: (c, n) for t, (c, n) in out.items()}


def show(console: Console, tally: Tally, due_soon: int, next_due: datetime | None, now: datetime) -> None:
    spent = int(time.monotonic() - tally.started)
    counts = Counter(rating for _, rating, _ in tally.ratings)
    per = ", ".join(f"{RATINGS[r]} {counts[r]}" for r in RATINGS if counts[r])
    console.print(Text(f"Session: {len(tally.ratings)} rated" + (f" ({per})" if per else "")
                       + f", {tally.skipped} skipped, {spent // 60}m {spent % 60:02d}s.", style="bold"))
    acc = accuracy_by_type(tally.ratings)
    if acc:
        console.print("Accuracy: " + ", ".join(f"{t} {c}/{n}" for t, (c, n) in sorted(acc.items())))
    if next_due is None:
        console.print("Nothing scheduled yet.")
    else:
        when = "now" if next_due <= now else f"in {format_interval(next_due - now)}"
        console.print(f"Due within 24 h: {due_soon}; next review {when} ({next_due.astimezone():%Y-%m-%d %H:%M}).")


def due_within(cards, ids: set[str], now: datetime, hours: int = 24) -> int:
    horizon = now + timedelta(hours=hours)
    return sum(1 for qid, c in cards.items() if qid in ids and c.due <= horizon)
