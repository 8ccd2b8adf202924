"""The end-of-session summary: counts, accuracy by type, time spent, what is due next (en or zh)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta

from rich.console import Console
from rich.text import Text

from llmprep.labels import RATING_ZH, type_name
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


def headline(tally: Tally, lang: str = "en") -> str:
    """`Session: 3 rated (Good 3), ...`, or for a cram session `Cram: 3 practised (...)`: what was done."""
    zh = lang == "zh"
    spent = int(time.monotonic() - tally.started)
    counts = Counter(rating for _, rating, _ in tally.ratings)
    names = RATING_ZH if zh else RATINGS
    per = ("，" if zh else ", ").join(f"{names[r]} {counts[r]}" for r in RATINGS if counts[r])
    n = len(tally.ratings)
    untouched = tally.cram and not tally.reschedule
    if zh:
        done = f"突击练习：练习 {n} 题" if tally.cram else f"本次：评分 {n} 题"
        again = f"，其中 {tally.again} 次为重来后再现" if tally.again else ""
        note = "；未改动复习计划" if untouched else ""
        return (
            done + (f"（{per}）" if per else "") + again + f"，跳过 {tally.skipped} 题，用时 {spent // 60} 分 "
            f"{spent % 60:02d} 秒{note}。"
        )
    done = f"Cram: {n} practised" if tally.cram else f"Session: {n} rated"
    again = f", {tally.again} of them back after Again" if tally.again else ""
    note = "; the schedule is untouched" if untouched else ""
    return (
        done
        + (f" ({per})" if per else "")
        + again
        + f", {tally.skipped} skipped, {spent // 60}m {spent % 60:02d}s"
        + note
        + "."
    )


def show(
    console: Console, tally: Tally, due_soon: int, next_due: datetime | None, now: datetime, lang: str = "en"
) -> None:
    zh = lang == "zh"
    console.print(Text(headline(tally, lang), style="bold"))
    acc = accuracy_by_type(tally.ratings)
    if acc:
        parts = [f"{type_name(t, lang)} {c}/{n}" for t, (c, n) in sorted(acc.items())]
        console.print(Text(("正确率：" if zh else "Accuracy: ") + ("，" if zh else ", ").join(parts)))
    if next_due is None:
        console.print(Text("还没有安排复习。" if zh else "Nothing scheduled yet."))
    elif zh:
        when = "现在" if next_due <= now else f"{format_interval(next_due - now)} 后"
        console.print(Text(f"24 小时内到期：{due_soon}；下次复习：{when}（{next_due.astimezone():%Y-%m-%d %H:%M}）。"))
    else:
        when = "now" if next_due <= now else f"in {format_interval(next_due - now)}"
        console.print(
            Text(f"Due within 24 h: {due_soon}; next review {when} ({next_due.astimezone():%Y-%m-%d %H:%M}).")
        )


def due_within(cards, ids: set[str], now: datetime, hours: int = 24) -> int:
    horizon = now + timedelta(hours=hours)
    return sum(1 for qid, c in cards.items() if qid in ids and c.due <= horizon)
