"""What the damage check costs: quick_check, open_store with and without it, close with the backup copy.

On a store with 10,000 reviews written like the quiz writes them (typed answer, card before and
after). open_store runs quick_check only when the file changed since its last good check.
Run: python benchmarks/store_check_benchmark.py [--reviews 10000] [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from llmprep.store import (
    health,  # noqa: E402
    open_store,  # noqa: E402
)
from llmprep.store.db import DB_NAME  # noqa: E402


def fill(home: Path, reviews: int) -> Path:
    store = open_store(home / DB_NAME)
    card = json.dumps(
        {
            "card_id": 1,
            "state": 2,
            "step": None,
            "stability": 5.12,
            "difficulty": 5.23,
            "due": "2026-11-01T09:00:00+00:00",
            "last_review": "2026-10-29T09:00:00+00:00",
        }
    )
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO reviews (question_id, rating, reviewed_at, duration_ms, typed_answer, correct, qtype, cram,"
            " card_before, card_after) VALUES (?, ?, ?, 12000, ?, 1, 'concept', 0, ?, ?)",
            [
                (
                    f"topic/question-{i % 800}",
                    1 + i % 4,
                    f"2026-{1 + i % 12:02d}-01T09:00:{i:08d}Z",
                    "the answer a learner typed about attention and the kv cache " * 2,
                    card,
                    card,
                )
                for i in range(reviews)
            ],
        )
        conn.executemany(
            "INSERT INTO cards VALUES (?, ?, 2, '2026-11-01', '2026-01-01')",
            [(f"topic/question-{i}", card) for i in range(800)],
        )
    store.close()
    return home / DB_NAME


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = fill(Path(tmp), args.reviews)
        uri = f"{path.absolute().as_uri()}?immutable=1"
        check = median_ms(lambda: health._quick_check(uri), args.runs)
        known = median_ms(lambda: open_store(path).close(), args.runs)

        def changed() -> None:
            os.utime(path)  # as if another program had written it: the next open checks
            open_store(path).close()

        unknown = median_ms(changed, args.runs)

        def written(copy_due: bool) -> None:
            if copy_due:
                os.utime(health.side(path, ".bak"), (0, 0))
            store = open_store(path)
            store.set_hint_stage("softmax", 1)
            store.close()

        write = median_ms(lambda: written(False), args.runs)
        write_copy = median_ms(lambda: written(True), args.runs)
        size = path.stat().st_size
        assert sqlite3.connect(uri, uri=True).execute("PRAGMA quick_check").fetchone() == ("ok",)
    print(f"store: {args.reviews} reviews, 800 cards, {size / 2**20:.1f} MiB, runs: {args.runs}")
    print(f"PRAGMA quick_check (immutable):             {check:6.1f} ms")
    print(f"open_store + close, file known good:        {known:6.1f} ms")
    print(f"open_store + close, file changed (checks):  {unknown:6.1f} ms")
    print(f"open, one write, close:                     {write:6.1f} ms")
    print(f"open, one write, close with the backup due: {write_copy:6.1f} ms")


if __name__ == "__main__":
    main()
